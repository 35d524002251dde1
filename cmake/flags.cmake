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

# Fuzz-target instrumentation: libFuzzer's coverage hooks on everything the
# targets run (targets/, reference/, harness/, fuzz/); the engine itself is
# linked only into the fuzz executables (fuzz/CMakeLists.txt).
add_library(ptfold_fuzz_instrumentation INTERFACE)
if(PTFOLD_LIBFUZZER)
  target_compile_options(ptfold_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
