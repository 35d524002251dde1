#!/usr/bin/env bash
# The full test suite: installs what is missing, builds with clang under
# ASan + UBSan and runs ctest; then runs the OSS-Fuzz build in OSS-Fuzz's
# environment and its checks; then checks that the dev tree builds with GCC
# and passes its unit tests. Exit status is the suite's.
#
# Each step prints one "ptfold test:" line with the time since the start, so
# a log's tail tells where a run spent its time. ctest's --timeout is a hang
# guard (far above any test's time), not a speed limit.
set -euo pipefail
cd "$(dirname "$0")/.."

suite_start=$(date +%s)
step() { echo "ptfold test: [+$(( $(date +%s) - suite_start ))s] $*"; }

step "setup"
tools/setup.sh

# Kernel-tree mode's kernel side: the real page-table code of the 6.12 and 6.1 trees, built with
# clang for the CI configurations and checked against the hardware walk (the GCC leg below does
# not build kernel code). It also warms the kbuild cache the kernel-tree tests use.
step "kernel trees (tools/ktree/ci.sh)"
tools/ktree/ci.sh

jobs=${PTFOLD_JOBS:-$(nproc)}
step "asan build"
cmake --preset asan >/dev/null
cmake --build build/asan -j "$jobs"
# `ptfold campaign`'s tests (label campaign) run libFuzzer binaries: only the
# fuzz preset has them; build just what the campaigns run.
step "fuzz build (campaign tests' libFuzzer binaries)"
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$jobs" --target fuzz_ops fuzz_walk ptfold_fuzz_seeds
# ... and `campaign --coverage` (campaign.coverage_html) the coverage preset's:
# without them that test is skipped as not applicable, and a broken
# --coverage went unnoticed once.
step "coverage build (campaign.coverage_html's binaries)"
cmake --preset coverage >/dev/null
cmake --build build/coverage -j "$jobs" --target fuzz_ops fuzz_walk
step "asan ctest"
ctest --preset asan -j "$jobs" -LE kernel --timeout 900

# Kernel-tree mode (tests/kernel, clang builds only): the real helpers of the
# Linux trees setup.sh unpacked. Configurations are prepared once into the
# kbuild cache (~/.cache/ptfold/kbuild), which later runs reuse.
step "kernel-tree ctest"
ctest --preset asan -L kernel --timeout 900

# The OSS-Fuzz build as OSS-Fuzz runs it (its flags, libc++, $LIB_FUZZING_ENGINE),
# then its bad-build checks and a short run_fuzzer on the seed corpora
# (fuzz/oss-fuzz/emulate.sh): every sanitizer project.yaml asks for with
# libFuzzer, the address build with AFL++, and the coverage build OSS-Fuzz
# makes itself (its llvm-cov report over the seeds). Then ClusterFuzzLite's
# build script (.clusterfuzzlite/build.sh) in the same environment.
step "OSS-Fuzz emulation: libFuzzer, address"
fuzz/oss-fuzz/emulate.sh --sanitizer address --seconds 5
step "OSS-Fuzz emulation: AFL++, address"
fuzz/oss-fuzz/emulate.sh --engine afl --sanitizer address --seconds 5
step "OSS-Fuzz emulation: libFuzzer, undefined"
fuzz/oss-fuzz/emulate.sh --sanitizer undefined --seconds 5
step "OSS-Fuzz emulation: coverage"
fuzz/oss-fuzz/emulate.sh --sanitizer coverage --seconds 5
step "ClusterFuzzLite emulation: libFuzzer, address"
fuzz/oss-fuzz/emulate.sh --project clusterfuzzlite --sanitizer address --seconds 5

# GCC must keep building the dev tree: one source, several compilers.
step "gcc build and unit tests"
cmake --preset gcc >/dev/null
cmake --build build/gcc -j "$jobs"
ctest --test-dir build/gcc -j "$jobs" --output-on-failure -L unit --timeout 900
step "passed"
