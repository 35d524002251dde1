#!/usr/bin/env bash
# The full test suite: installs what is missing, builds with clang under
# ASan + UBSan and runs ctest; then runs the OSS-Fuzz build in OSS-Fuzz's
# environment and its checks; then checks that the dev tree builds with GCC
# and passes its unit tests. Exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh

jobs=${PTFOLD_JOBS:-$(nproc)}
cmake --preset asan >/dev/null
cmake --build build/asan -j "$jobs"
ctest --preset asan -j "$jobs"

# The OSS-Fuzz build as OSS-Fuzz runs it (its flags, libc++, $LIB_FUZZING_ENGINE),
# then its bad-build checks and a short run_fuzzer on the seed corpora: the
# address build with libFuzzer, and with AFL++ (fuzz/oss-fuzz/emulate.sh).
fuzz/oss-fuzz/emulate.sh --sanitizer address --seconds 5
fuzz/oss-fuzz/emulate.sh --engine afl --sanitizer address --seconds 5

# GCC must keep building the dev tree (STYLE.md: one source, several compilers).
cmake --preset gcc >/dev/null
cmake --build build/gcc -j "$jobs"
ctest --test-dir build/gcc -j "$jobs" --output-on-failure -L unit
