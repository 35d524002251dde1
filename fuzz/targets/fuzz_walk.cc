// fuzz_walk: Linux walk vs reference walk for one VA with input-chosen
// table placement, plus a descriptor round trip, on the selected variants.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz/select.h"
#include "fuzz/walk.h"

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

extern "C" PTFOLD_FUZZ_ENTRY int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptfold::fuzz;
  std::optional<Finding> f;
  std::string trace;
  run_walk_input(data, size, PTFOLD_FUZZ_PAIRS(), &f, &trace);
  if (f) PTFOLD_REPORT_AND_ABORT(*f, trace);
  return 0;
}
