#!/usr/bin/env bash
# The full test suite: installs what is missing, builds with clang under
# ASan + UBSan and runs ctest; then checks that the dev tree builds with GCC
# and passes its unit tests. Exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh

jobs=${PTFOLD_JOBS:-$(nproc)}
cmake --preset asan >/dev/null
cmake --build build/asan -j "$jobs"
# `ptfold campaign`'s tests (label campaign) run libFuzzer binaries: only the
# fuzz preset has them; build just what the campaigns run.
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$jobs" --target fuzz_ops fuzz_walk ptfold_fuzz_seeds
ctest --preset asan -j "$jobs"

# GCC must keep building the dev tree (STYLE.md: one source, several compilers).
cmake --preset gcc >/dev/null
cmake --build build/gcc -j "$jobs"
ctest --test-dir build/gcc -j "$jobs" --output-on-failure -L unit
