# Runs a fuzz target on a regression reproducer RUNS times and requires the
# same finding each time: the process must abort and the first `ptfold:`
# line on stderr must equal the reproducer's "# expect:" line (and EXPECT,
# the variant registry's line, when given). The variant
# named by the scenario is selected through PTFOLD_VARIANT, as a user would.
file(READ ${INPUT} _text)
string(REGEX MATCH "# expect: [^\n]*" _expect "${_text}")
string(REGEX MATCH "\nvariant [^\n]*" _variant "${_text}")
string(STRIP "${_variant}" _variant)
if("${_expect}" STREQUAL "" OR "${_variant}" STREQUAL "")
  message(FATAL_ERROR "${INPUT}: needs a '# expect: <first line>' comment and a 'variant' line")
endif()
string(REGEX REPLACE "^# expect: " "" _expect "${_expect}")
string(REGEX REPLACE "^variant " "" _variant "${_variant}")
# EXPECT: the registry's first line (targets/variants.def); the comment must agree.
if(DEFINED EXPECT AND NOT "${EXPECT}" STREQUAL "${_expect}")
  message(FATAL_ERROR "${INPUT}: '# expect: ${_expect}' but targets/variants.def says '${EXPECT}'")
endif()
foreach(i RANGE 1 ${RUNS})
  execute_process(COMMAND ${CMAKE_COMMAND} -E env PTFOLD_VARIANT=${_variant} ${BIN} ${INPUT}
                  RESULT_VARIABLE _rc ERROR_VARIABLE _err OUTPUT_QUIET)
  if(_rc EQUAL 0)
    message(FATAL_ERROR "run ${i}: no finding on ${INPUT} (expected '${_expect}')")
  endif()
  string(REGEX MATCH "ptfold: [^\n]*" _first "${_err}")
  if(NOT _first STREQUAL _expect)
    message(FATAL_ERROR "run ${i}: first line\n  '${_first}'\nexpected\n  '${_expect}'\nstderr:\n${_err}")
  endif()
endforeach()
message(STATUS "${RUNS}/${RUNS} runs: ${_expect}")
