// The (variant, geometry) pairs a fuzz entry point runs, included by each
// fuzz/targets/*.cc that serves both builds: the models' (selected_pairs(),
// PTFOLD_FUZZ_VARIANT) and the kernel-tree one.
#pragma once

#include "fuzz/select.h"

// fuzz_ops_kernel / fuzz_walk_kernel (-DPTFOLD_KERNEL_TREE=DIR): the same
// entry point on the pairs of the kernel-tree configuration objects linked in.
#ifdef PTFOLD_FUZZ_KERNEL
#include "fuzz/kernel_fuzz.h"
#define PTFOLD_FUZZ_PAIRS() ::ptfold::fuzz::kernel_pairs()
// The pairs (and the banner naming them) before the first input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)PTFOLD_FUZZ_PAIRS();
  return 0;
}
#else
#define PTFOLD_FUZZ_PAIRS() ::ptfold::fuzz::selected_pairs(PTFOLD_FUZZ_VARIANT)
#endif

#ifndef PTFOLD_FUZZ_VARIANT
#define PTFOLD_FUZZ_VARIANT "upstream"
#endif
