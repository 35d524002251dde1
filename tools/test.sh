#!/usr/bin/env bash
# The full test suite: installs what is missing, builds with clang under
# ASan + UBSan and runs ctest; then checks that the dev tree builds with GCC
# and passes its unit tests. Exit status is the suite's.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh

# Kernel-tree mode's kernel side: the real page-table code of the 6.12 and 6.1 trees, built with
# clang for the CI configurations and checked against the hardware walk (the GCC leg below does
# not build kernel code). It also warms the kbuild cache the kernel-tree tests use.
tools/ktree/ci.sh

jobs=${PTFOLD_JOBS:-$(nproc)}
cmake --preset asan >/dev/null
cmake --build build/asan -j "$jobs"
# `ptfold campaign`'s tests (label campaign) run libFuzzer binaries: only the
# fuzz preset has them; build just what the campaigns run.
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j "$jobs" --target fuzz_ops fuzz_walk ptfold_fuzz_seeds
ctest --preset asan -j "$jobs" -LE kernel

# Kernel-tree mode (tests/kernel, clang builds only): the real helpers of the
# Linux trees setup.sh unpacked. Configurations are prepared once into the
# kbuild cache (~/.cache/ptfold/kbuild), which later runs reuse.
kernel_start=$(date +%s)
ctest --preset asan -L kernel
echo "ptfold test: kernel-tree part took $(( $(date +%s) - kernel_start )) s"

# GCC must keep building the dev tree (STYLE.md: one source, several compilers).
cmake --preset gcc >/dev/null
cmake --build build/gcc -j "$jobs"
ctest --test-dir build/gcc -j "$jobs" --output-on-failure -L unit
