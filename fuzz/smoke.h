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
  size_t seeds = 0;        // seed scenarios replayed (before the random inputs)
  size_t ops_inputs = 0, walk_inputs = 0;  // random inputs each target ran
  size_t ops_run = 0;      // ops executed (seeds and random fuzz_ops inputs)
  size_t checks = 0;       // the runner's explicit oracle comparisons (RunResult::checks)
  std::vector<SmokeFinding> findings;
  bool ok() const { return findings.empty(); }
};

// Runs `inputs_per_pair` inputs of each target per pair of `variant_glob`
// ("upstream": every upstream variant) from `seed`. Throws
// std::invalid_argument when the glob matches no variant.
SmokeSummary smoke(const std::string& variant_glob, unsigned inputs_per_pair, uint64_t seed);

// A seed scenario as text, with a name for reports (its file name).
struct SeedScenario {
  std::string name;
  std::string text;
};

// The same, scoped: only pairs whose geometry matches `geometry_glob`, and
// first every seed whose variant and geometry are among those pairs (the
// scenarios of corpus/scenarios/, which kill known bug classes in a few ops).
// Throws std::invalid_argument for no matching pair or a seed that does not
// parse.
SmokeSummary smoke(const std::string& variant_glob, const std::string& geometry_glob, unsigned inputs_per_pair,
                   uint64_t seed, const std::vector<SeedScenario>& seeds);

}  // namespace ptfold::fuzz
