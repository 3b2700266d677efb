cmake_minimum_required(VERSION 3.20)

# cmake -DCASE=<file.cpp> -DCOMPILER=<c++> -DCOMPILER_TAG=gcc|clang -DFLAGS_FILE=<flags.cmake>
#       -P run_case.cmake
#
# A case states what the compiler must say in comments:
#   // expect-gcc: error: <first error line, without its "file:line:col: " prefix>
#   // expect-clang: error: <the same for Clang>
#   // expect: compiles
# A failing case passes when the compiler fails with exactly one error whose text is the
# expected one and the whole diagnostic is at most 10 lines; a "compiles" case passes when
# compilation succeeds without any error.

include(${CMAKE_CURRENT_LIST_DIR}/compile_flags.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/pop_line.cmake)
typenet_compile_flags(flags PROJECT_OPTIONS)

get_filename_component(case_name "${CASE}" NAME_WE)
file(READ "${CASE}" source)
set(expected "")
set(must_compile OFF)
if(source MATCHES "//[ ]*expect:[ ]*compiles")
  set(must_compile ON)
elseif(source MATCHES "//[ ]*expect-${COMPILER_TAG}:[ ]*([^\r\n]*)")
  string(STRIP "${CMAKE_MATCH_1}" expected)
else()
  message(FATAL_ERROR "${CASE}: no '// expect-${COMPILER_TAG}:' (or '// expect: compiles') comment")
endif()

# Plain ASCII quotes and no colours, whatever the caller's locale and terminal.
set(ENV{LC_ALL} C)
execute_process(
  COMMAND "${COMPILER}" ${flags} -fsyntax-only -fdiagnostics-color=never "${CASE}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
set(log "${err}${out}")
string(REPLACE "\r" "" log "${log}")
string(REPLACE "‘" "'" log "${log}")
string(REPLACE "’" "'" log "${log}")

set(first_error "")
set(error_count 0)
set(line_count 0)
set(rest "${log}")
while(NOT rest STREQUAL "")
  typenet_pop_line(rest line)
  math(EXPR line_count "${line_count} + 1")
  if(line MATCHES ": (fatal )?error:")
    math(EXPR error_count "${error_count} + 1")
  endif()
  if(first_error STREQUAL "" AND line MATCHES "error:")
    string(REGEX REPLACE "^[^:]*:[0-9]+:([0-9]+:)? " "" first_error "${line}")
    string(STRIP "${first_error}" first_error)
  endif()
endwhile()

set(command_line "${COMPILER} ${flags} -fsyntax-only ${CASE}")
string(REPLACE ";" " " command_line "${command_line}")

# Details go out verbatim (message(FATAL_ERROR) would re-wrap long diagnostics).
function(fail reason)
  message(NOTICE "${reason}\ncommand: ${command_line}\n--- compiler output ---\n${log}")
  message(FATAL_ERROR "${case_name}: failed")
endfunction()

if(must_compile)
  if(NOT status EQUAL 0 OR error_count GREATER 0)
    fail("expected to compile, but the compiler failed (exit ${status})")
  endif()
  message(STATUS "${case_name}: compiles, as expected")
  return()
endif()

if(status EQUAL 0)
  fail("expected a compile error, but it compiled")
endif()
if(NOT first_error STREQUAL expected)
  fail("unexpected first error line\nexpected: ${expected}\nactual:   ${first_error}")
endif()
if(NOT error_count EQUAL 1)
  fail("expected exactly one error, found ${error_count}")
endif()
# The whole diagnostic stays short enough to read at a glance: 10 lines, unless the case
# states its own bound with `// expect-max-lines: N`.
set(max_lines 10)
if(source MATCHES "//[ ]*expect-max-lines:[ ]*([0-9]+)")
  set(max_lines ${CMAKE_MATCH_1})
endif()
if(line_count GREATER max_lines)
  fail("expected at most ${max_lines} lines of diagnostics, found ${line_count}")
endif()
message(STATUS "${case_name}: ${first_error}")
