#!/usr/bin/env bash
# CI's kernel-tree step (clang only): prepares and builds the configurations CI covers, on the
# default 6.12 tree and on 6.1, and checks each geometry and overlay with tools/ktree/all.sh.
# The kbuild cache it fills is the one `ptfold --kernel-tree` uses, so later tests start warm.
# 6.12: arm64 4K/52 and 16K/52 (LPA2 on and off), x86-64 LA57 on and off, riscv64 Sv57/48/39;
# 6.1: riscv64 Sv57/48/39 (the configuration tests/kernel also uses, so the cache is shared), and a
# geometry 6.1 lacks. About 5 configurations to prepare, 1 minute each cold. Each selftest also
# runs the tree's own mm/debug_vm_pgtable.c (compiled into every configuration object): about
# 6-15 CPU-seconds more compile per configuration cold (arm64 14, riscv 9, x86-64 6), nothing warm.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
trees=${PTFOLD_TREE_CACHE:-/var/cache/ptfold/trees}
start=$(date +%s)
"$here/all.sh" --tree "$trees/linux-source-6.12" \
  arm64-4k-va52-lpa2 arm64-4k-va52-nolpa2 arm64-16k-va52-lpa2 arm64-16k-va52-nolpa2 \
  x86_64-la57 x86_64-nola57 riscv64-sv57 riscv64-sv48 riscv64-sv39
"$here/all.sh" --tree "$trees/linux-source-6.1" \
  riscv64-sv57 riscv64-sv48 riscv64-sv39 arm64-4k-va52-lpa2
echo "ptfold: kernel-tree CI step took $(($(date +%s) - start)) s"
