# The library's own dependencies; the exported package config includes this file too, so
# consumers get the same targets (and the same work-around for Debian's xsimd package).
include(CMakeFindDependencyMacro)
find_dependency(Boost 1.74)
find_dependency(xsimd 8.1)
# zlib only for typenet::idx (the IDX readers); a consumer without it can use the rest.
find_package(ZLIB QUIET)
# Debian's xsimd target names `xtl` as a link library without defining it.
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
