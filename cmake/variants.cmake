# Reads the variant registry (targets/variants.def) for CMake: every entry is
# one PTFOLD_VARIANT(...) line. Sets
#   PTFOLD_VARIANTS                  every variant name, in registry order
#   PTFOLD_FOUND_VARIANTS            the bug variants with an expected first line
#                                    (those have a fuzz reproducer)
#   PTFOLD_VARIANT_FIRST_LINE_<name> that first line
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/targets/variants.def)
# Semicolons in the text would split CMake list items: read, then split lines.
file(READ ${PROJECT_SOURCE_DIR}/targets/variants.def _ptfold_text)
string(REPLACE ";" "," _ptfold_text "${_ptfold_text}")
string(REPLACE "\n" ";" _ptfold_lines "${_ptfold_text}")
list(FILTER _ptfold_lines INCLUDE REGEX "^PTFOLD_VARIANT\\(")
set(PTFOLD_VARIANTS "")
set(PTFOLD_FOUND_VARIANTS "")
foreach(_line IN LISTS _ptfold_lines)
  # name, Class, family, kind, commits, shows_on, first_line, description
  if(NOT _line MATCHES "^PTFOLD_VARIANT\\(\"([^\"]+)\", ([^,]+), \"([^\"]+)\", (UPSTREAM|BUG), \"([^\"]*)\", \"([^\"]*)\", \"([^\"]*)\", \"")
    message(FATAL_ERROR "targets/variants.def: cannot read the entry\n  ${_line}")
  endif()
  set(_name ${CMAKE_MATCH_1})
  set(_kind ${CMAKE_MATCH_4})
  set(_first "${CMAKE_MATCH_7}")
  list(APPEND PTFOLD_VARIANTS ${_name})
  if(_kind STREQUAL "BUG" AND NOT _first STREQUAL "")
    list(APPEND PTFOLD_FOUND_VARIANTS ${_name})
    set(PTFOLD_VARIANT_FIRST_LINE_${_name} "${_first}")
  endif()
endforeach()
