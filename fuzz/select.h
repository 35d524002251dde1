// What every fuzz binary shares beside its target: the (variant, geometry)
// pairs it fuzzes and the finding report it prints before abort(). No
// machine and no scenario code, so fuzz_walk links without them.
#pragma once

#include <string>
#include <vector>

#include "fuzz/finding.h"
#include "harness/binding.h"

namespace ptfold::fuzz {

// The (variant, geometry) pairs this process fuzzes: PTFOLD_VARIANT (a
// variant name or glob) if set, else the build's PTFOLD_FUZZ_VARIANT, else
// every upstream variant (what OSS-Fuzz runs); restricted to the geometries
// PTFOLD_GEOMETRY names (a name or glob; `ptfold campaign --geometry`) when
// set. No matching pair is a usage error: printed as `ptfold: error: ...`,
// exit 2.
// `build_default` is the binary's PTFOLD_FUZZ_VARIANT (per-variant builds).
const std::vector<harness::Pair>& selected_pairs(const char* build_default = "upstream");
// Pairs for an explicit variant glob ("upstream" = all upstream variants)
// and geometry glob; empty when nothing matches.
std::vector<harness::Pair> pairs_for(const std::string& variant_glob, const std::string& geometry_glob = "*");

// The report: first line, detail, "op trace:" and the scenario text.
std::string format_report(const Finding& f, const std::string& trace);
// Prints the report to stderr and aborts (fuzz entry points).
[[noreturn]] void report_and_abort(const Finding& f, const std::string& trace);

}  // namespace ptfold::fuzz
