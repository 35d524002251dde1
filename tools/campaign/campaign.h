// `ptfold campaign`: a local fuzzing campaign - N libFuzzer workers over the
// fuzz targets, a persistent corpus directory merged on a schedule,
// findings deduplicated by their first line and minimised, a live progress
// line, and a Markdown + JSON report (docs/campaigns.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ptfold::campaign {

namespace fs = std::filesystem;

struct Options {
  fs::path dir;                       // the campaign directory (corpus, findings, report)
  std::string variant;                // variant name or glob, or "upstream"; empty: from the directory, else upstream
  std::string geometry;               // geometry name or glob; empty: from the directory, else "*"
  std::vector<std::string> fuzzers;   // empty: from the directory, else every fuzz target
  fs::path kernel_tree;               // a Linux tree to fuzz instead of the models (not available yet)
  unsigned workers = 2;
  double time_budget_s = 0;           // 0: none
  uint64_t run_budget = 0;            // total executions this session; 0: none
  double merge_every_s = 300;
  double progress_every_s = 0;        // 0: 1 s on a terminal, 10 s otherwise
  uint64_t seed = 0;                  // libFuzzer -seed base; 0: libFuzzer picks
  uint64_t minimize_runs = 4000;      // -runs per -minimize_crash step
  fs::path fuzz_build;                // the `fuzz` preset's build directory
  fs::path coverage_build;            // the `coverage` preset's build directory
  fs::path scenarios;                 // corpus/scenarios: the seeds
  bool coverage = false;              // coverage HTML from the coverage build
};

// Runs (or resumes) the campaign; returns the exit status: 0 no finding,
// 1 findings. Throws cli::UsageError for user mistakes.
int run_campaign(const Options& o);

// "90", "90s", "15m", "2h" -> seconds; throws cli::UsageError.
double parse_duration(const std::string& text, const std::string& what);

}  // namespace ptfold::campaign
