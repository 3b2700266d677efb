# typenet_pop_line(<text_var> <line_var>): moves the first line of <text_var> into <line_var>.
# Walking output line by line this way, rather than as a CMake list, keeps a ';' in a
# diagnostic from splitting it.
function(typenet_pop_line text_var line_var)
  string(FIND "${${text_var}}" "\n" eol)
  if(eol EQUAL -1)
    set(${line_var} "${${text_var}}" PARENT_SCOPE)
    set(${text_var} "" PARENT_SCOPE)
  else()
    string(SUBSTRING "${${text_var}}" 0 ${eol} line)
    math(EXPR next "${eol} + 1")
    string(SUBSTRING "${${text_var}}" ${next} -1 rest)
    set(${line_var} "${line}" PARENT_SCOPE)
    set(${text_var} "${rest}" PARENT_SCOPE)
  endif()
endfunction()
