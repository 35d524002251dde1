// Runs scenarios on the machine: the op executor of fuzz_ops with its
// incremental oracles, the variant selection every fuzz binary uses, and the
// finding report (first line, detail, op trace) the entry points print
// before abort().
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fuzz/finding.h"
#include "fuzz/machine.h"
#include "fuzz/scenario.h"
#include "harness/binding.h"

namespace ptfold::fuzz {

// The machine for a page size: one per process, reset per input.
Machine& machine_for(unsigned page_shift);

// The (variant, geometry) pairs this process fuzzes: PTFOLD_VARIANT (a
// variant name or glob) if set, else the build's PTFOLD_FUZZ_VARIANT, else
// every upstream variant (what OSS-Fuzz runs). An unknown name is a usage
// error: printed as `ptfold: error: ...`, exit 2.
// `build_default` is the binary's PTFOLD_FUZZ_VARIANT (per-variant builds).
const std::vector<harness::Pair>& selected_pairs(const char* build_default = "upstream");
// Pairs for an explicit variant glob ("upstream" = all upstream variants);
// empty when nothing matches.
std::vector<harness::Pair> pairs_for(const std::string& variant_glob);

struct RunResult {
  std::optional<Finding> finding;
  std::string trace;      // scenario text of what ran (header + executed ops); see TraceMode
  size_t ops_run = 0;     // ops executed (skipped ones are not counted)
  size_t checks = 0;      // oracle checks made
};

// Whether run_scenario formats the op trace always, or only with a finding
// (the fuzz entry points: formatting it is most of an input's cost otherwise).
enum class TraceMode { kAlways, kOnFinding };

// Runs a scenario from a clean machine; findings are returned, not thrown.
RunResult run_scenario(const Scenario& s, TraceMode trace = TraceMode::kAlways);

// The report: first line, detail, "op trace:" and the scenario text.
std::string format_report(const Finding& f, const std::string& trace);
// Prints the report to stderr and aborts (fuzz entry points).
[[noreturn]] void report_and_abort(const Finding& f, const std::string& trace);

}  // namespace ptfold::fuzz
