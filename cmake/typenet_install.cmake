include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/typenet DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS typenet typenet_idx EXPORT typenetTargets)
install(EXPORT typenetTargets NAMESPACE typenet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/typenet)
configure_package_config_file(cmake/typenetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/typenetConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/typenet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/typenetConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/typenetConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/typenetConfigVersion.cmake
  cmake/typenet_dependencies.cmake
  cmake/typenet_native.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/typenet)
