# -march=native as an opt-in (TYPENET_NATIVE), shared by the project and the installed package.

# Adds the native-architecture flags to an INTERFACE target. Clang 19 warns on AVX10-capable
# CPUs about its own -march=native feature set ("invalid feature combination"): silenced here
# so that -Werror builds stay clean.
function(typenet_native_options target)
  set(options -march=native)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    list(APPEND options -Wno-unknown-warning-option -Wno-invalid-feature-combination)
  endif()
  get_target_property(imported ${target} IMPORTED)
  if(imported)
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_COMPILE_OPTIONS ${options})
  else()
    target_compile_options(${target} INTERFACE ${options})
  endif()
endfunction()

# Once per configuration: a build without -march=native on a machine with AVX2 runs the
# kernels at SSE2 width, about 3x slower, which would otherwise go unnoticed.
function(typenet_report_native enabled)
  if(enabled OR TYPENET_NATIVE_REPORTED OR NOT EXISTS /proc/cpuinfo)
    return()
  endif()
  file(STRINGS /proc/cpuinfo flags LIMIT_COUNT 1 REGEX "^flags")
  if(flags MATCHES " avx2")
    message(STATUS "typenet: this machine has AVX2 but the build does not use it; "
                   "set TYPENET_NATIVE=ON (-march=native) for about 3x faster training")
  endif()
  set(TYPENET_NATIVE_REPORTED ON CACHE INTERNAL "")
endfunction()
