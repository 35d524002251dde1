// fuzz_walk: one geometry, one VA, table bases and physical placement from
// the input; the Linux helpers build the path with pXd_alloc/populate, then
// the Linux walk is compared with the reference walk level by level, the
// translation with the mapped page, and a descriptor round trip is checked.
// No op sequence, no allocator state: built to be fast.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/finding.h"
#include "harness/binding.h"

namespace ptfold::fuzz {

struct WalkCase {
  std::string_view variant, geometry;  // registry / catalogue names (live for the process)
  int half = 0;
  u64 va = 0, pa = 0, round_trip_pa = 0;
  u64 phys_offset = 0;
  unsigned pgd_slot = 0;   // where a sub-page pgd sits in its page
  unsigned table_seed = 0; // which pages the tables land in
  tgt::Level leaf = tgt::Level::kPte;
};

// Decodes and runs one fuzz_walk input; a finding is returned with the case
// as text in `trace`. Returns false when the input is too short.
bool run_walk_input(const uint8_t* data, size_t size, const std::vector<harness::Pair>& pairs,
                    std::optional<Finding>* finding, std::string* trace);

}  // namespace ptfold::fuzz
