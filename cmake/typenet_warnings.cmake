# Flags for the project's own targets (tests, examples, benchmarks), never for consumers.
add_library(typenet_project_options INTERFACE)
target_compile_options(typenet_project_options INTERFACE -Wall -Wextra -Wpedantic -Werror)
if(TYPENET_NATIVE)
  typenet_native_options(typenet_project_options)
endif()
if(TYPENET_SANITIZE)
  target_compile_options(typenet_project_options INTERFACE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(typenet_project_options INTERFACE -fsanitize=address,undefined)
  # The kernels' register-blocked loops stay rolled: unrolling changes no memory access and no
  # result, and instrumenting the unrolled code was a third of this configuration's build
  # (tests/kernels/gemm.cpp: 212 s unrolled, 142 s rolled, Clang 19).
  target_compile_definitions(typenet_project_options INTERFACE TYPENET_NO_UNROLL)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Sanitizer instrumentation makes GCC 12's -Wmaybe-uninitialized fire inside libstdc++
    # (std::function in std::regex and Catch2); the uninstrumented builds keep the warning.
    target_compile_options(typenet_project_options INTERFACE -Wno-maybe-uninitialized)
    # GCC's variable tracking (locations of variables for the debugger) is superlinear in the
    # size of a function, and instrumented, fully unrolled kernels are large: without it a
    # test file compiled in 299 s instead of 498 (tests/kernels/update.cpp, on a loaded
    # machine). Reports still carry file and line.
    target_compile_options(typenet_project_options INTERFACE -fno-var-tracking)
  endif()
endif()
target_link_libraries(typenet_project_options INTERFACE typenet::typenet typenet::idx)
