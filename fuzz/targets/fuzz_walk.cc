// fuzz_walk: Linux walk vs reference walk for one VA with input-chosen
// table placement, plus a descriptor round trip, on the selected variants.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz/select.h"
#include "fuzz/walk.h"

#include "fuzz/targets/pairs.h"

extern "C" PTFOLD_FUZZ_ENTRY int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptfold::fuzz;
  std::optional<Finding> f;
  std::string trace;
  run_walk_input(data, size, PTFOLD_FUZZ_PAIRS(), &f, &trace);
  if (f) PTFOLD_REPORT_AND_ABORT(*f, trace);
  return 0;
}
