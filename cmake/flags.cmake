# Compile flags on an INTERFACE target (ptfold_flags), never in CMAKE_CXX_FLAGS.
add_library(ptfold_flags INTERFACE)
target_compile_options(ptfold_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wno-unused-parameter
  -UNDEBUG)  # asserts stay on in every preset
target_include_directories(ptfold_flags INTERFACE ${PROJECT_SOURCE_DIR})

if(PTFOLD_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_compile_options(ptfold_flags INTERFACE ${_san})
  target_link_options(ptfold_flags INTERFACE ${_san})
endif()
if(PTFOLD_COVERAGE)
  target_compile_options(ptfold_flags INTERFACE -fprofile-instr-generate -fcoverage-mapping)
  target_link_options(ptfold_flags INTERFACE -fprofile-instr-generate -fcoverage-mapping)
endif()

# Fuzz-target instrumentation. libFuzzer's coverage hooks go on the code
# under test only - the Linux helper models (namespace ptfold::tgt) - and the
# entry points (fuzz/coverage-allowlist.txt explains why). The engine itself
# is linked only into the fuzz executables (fuzz/CMakeLists.txt).
if(PTFOLD_LIBFUZZER)
  target_compile_options(ptfold_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(PTFOLD_LIBFUZZER OR PTFOLD_LIB_FUZZING_ENGINE)
  # CMP and indirect-call tracing feed libFuzzer's TORC table and
  # -use_value_profile only. On fuzz_ops they cost 20% of the executions and
  # reached no edge more in the same time (BENCHMARKS.md); value-profile
  # runs (ClusterFuzz's strategy: fuzz/oss-fuzz/build.sh) turn them on.
  if(NOT PTFOLD_FUZZ_CMP_TRACING)
    target_compile_options(ptfold_flags INTERFACE -fno-sanitize-coverage=trace-cmp,indirect-calls)
  endif()
  set(_allow ${PROJECT_SOURCE_DIR}/fuzz/coverage-allowlist.txt)
  set(_ignore ${PROJECT_SOURCE_DIR}/fuzz/coverage-ignorelist.txt)
  # A compile check, not check_cxx_compiler_flag: that one also fails on any
  # "unknown warning option" warning from the flags OSS-Fuzz passes in
  # CXXFLAGS (-Wno-error=<newer warning> on an older clang).
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS -fsanitize-coverage-allowlist=${_allow})
  check_cxx_source_compiles("int main() { return 0; }" PTFOLD_HAVE_COVERAGE_ALLOWLIST)
  unset(CMAKE_REQUIRED_FLAGS)
  if(PTFOLD_HAVE_COVERAGE_ALLOWLIST)
    # The lists' hashes are definitions, so editing a list rebuilds what it covers.
    file(SHA1 ${_allow} _allow_sha1)
    file(SHA1 ${_ignore} _ignore_sha1)
    set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_allow} ${_ignore})
    target_compile_options(ptfold_flags INTERFACE -fsanitize-coverage-allowlist=${_allow}
                                                  -fsanitize-coverage-ignorelist=${_ignore})
    target_compile_definitions(ptfold_flags INTERFACE PTFOLD_COVERAGE_ALLOWLIST=${_allow_sha1}
                                                      PTFOLD_COVERAGE_IGNORELIST=${_ignore_sha1})
  endif()
endif()
