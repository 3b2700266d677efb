cmake_minimum_required(VERSION 3.20)

# cmake -DCASE=<file.cpp> -DCLANGD=<clangd> -DCOMPILER=<clang++> -DFLAGS_FILE=<flags.cmake>
#       -DWORK_DIR=<dir> -DEXPECT=<text>|<text>|... -P run_clangd.cmake
#
# Runs `clangd --check` on CASE with a compile_commands.json made for it in WORK_DIR, as an
# editor would, and passes when clangd reports failure and one of its error diagnostics
# contains every `|`-separated text of EXPECT.

include(${CMAKE_CURRENT_LIST_DIR}/compile_flags.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/pop_line.cmake)
typenet_compile_flags(flags)

get_filename_component(case_name "${CASE}" NAME_WE)
file(MAKE_DIRECTORY "${WORK_DIR}")
set(arguments "\"${COMPILER}\"")
foreach(flag IN LISTS flags ITEMS -fsyntax-only "${CASE}")
  string(REPLACE "\\" "\\\\" flag "${flag}")
  string(REPLACE "\"" "\\\"" flag "${flag}")
  string(APPEND arguments ", \"${flag}\"")
endforeach()
file(WRITE "${WORK_DIR}/compile_commands.json"
  "[{\"directory\": \"${WORK_DIR}\", \"file\": \"${CASE}\", \"arguments\": [${arguments}]}]\n")

set(ENV{LC_ALL} C)
execute_process(
  COMMAND "${CLANGD}" "--check=${CASE}" "--compile-commands-dir=${WORK_DIR}"
          --enable-config=false --check-locations=false
  WORKING_DIRECTORY "${WORK_DIR}"
  RESULT_VARIABLE status
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
# clangd logs to stderr; take both streams, in case a version prints elsewhere.
set(log "${err}\n${out}")
string(REPLACE "\r" "" log "${log}")

string(REPLACE "|" ";" wanted "${EXPECT}")
set(found OFF)
set(rest "${log}")
while(NOT found AND NOT rest STREQUAL "")
  typenet_pop_line(rest line)
  # Error diagnostics are logged as "E[hh:mm:ss.mmm] [code] Line N: message".
  if(NOT line MATCHES "^E\\[")
    continue()
  endif()
  set(found ON)
  foreach(text IN LISTS wanted)
    string(FIND "${line}" "${text}" at)
    if(at EQUAL -1)
      set(found OFF)
    endif()
  endforeach()
endwhile()

if(status EQUAL 0 OR NOT found)
  message(NOTICE "clangd --check exited with ${status}; expected a failure with an error diagnostic "
                 "that contains all of: ${EXPECT}\n--- clangd output ---\n${log}")
  message(FATAL_ERROR "${case_name}: clangd check failed")
endif()
message(STATUS "${case_name}: clangd exited with ${status} and reported: ${line}")
