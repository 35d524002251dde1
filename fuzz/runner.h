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
#include "fuzz/select.h"
#include "harness/binding.h"

namespace ptfold::fuzz {

// The machine for a page size: one per process, reset per input.
Machine& machine_for(unsigned page_shift);

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

}  // namespace ptfold::fuzz
