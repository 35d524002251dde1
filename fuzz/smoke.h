// A short deterministic fuzz run for `ptfold check` and ctest: pseudo-random
// fuzz_ops and fuzz_walk inputs for every geometry of the chosen variants,
// no engine, no aborts - findings are collected and returned.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/finding.h"

namespace ptfold::fuzz {

struct SmokeFinding {
  std::string target;      // "fuzz_ops" or "fuzz_walk"
  std::string first_line;  // ptfold: <class>: <helper> on <geometry>
  std::string report;      // full report with the op trace
};

struct SmokeSummary {
  size_t pairs = 0;        // (variant, geometry) pairs run
  size_t ops_inputs = 0, walk_inputs = 0;
  size_t ops_run = 0, checks = 0;
  std::vector<SmokeFinding> findings;
  bool ok() const { return findings.empty(); }
};

// Runs `inputs_per_pair` inputs of each target per pair of `variant_glob`
// ("upstream": every upstream variant) from `seed`. Throws
// std::invalid_argument when the glob matches no variant.
SmokeSummary smoke(const std::string& variant_glob, unsigned inputs_per_pair, uint64_t seed);

}  // namespace ptfold::fuzz
