// What every fuzz binary shares beside its target: the (variant, geometry)
// pairs it fuzzes and the finding report it prints before abort(). No
// machine and no scenario code, so fuzz_walk links without them.
#pragma once

#include <cstdlib>
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

// The line that closes a fuzz binary's report, in the shape of a C library
// assertion (`...: Assertion `<state>' failed.`), which ClusterFuzz's stack
// analysis takes as crash type ASSERT with <state> as the first line of the
// crash state: `<class>: <helper> on <arch>` (the architecture, not the whole
// geometry: one helper's bug on every geometry of an architecture is one
// kernel bug). docs/continuous-fuzzing.md shows the parse.
std::string crash_state_line(const Finding& f);

// Writes the report and crash_state_line() to stderr (fuzz entry points,
// through PTFOLD_REPORT_AND_ABORT).
void print_report(const Finding& f, const std::string& trace);

}  // namespace ptfold::fuzz

// On the fuzz entry points: LLVMFuzzerTestOneInput gets no debug info, so a
// stack frame of it carries no file and ClusterFuzz leaves it out of crash
// states (it names the entry point by its file otherwise). A finding's crash
// state is then its assertion line alone, and a sanitizer report's state the
// code under test's frames: no line every state has in common, which
// ClusterFuzz's grouping would count as likeness (docs/continuous-fuzzing.md).
#if defined(__clang__)
#define PTFOLD_FUZZ_ENTRY __attribute__((nodebug))
#else
#define PTFOLD_FUZZ_ENTRY
#endif

// Prints the finding's report and aborts from the calling frame. A macro, so
// that the abort's stack is abort <- LLVMFuzzerTestOneInput: ClusterFuzz
// skips abort frames and the entry point's (no debug info), so the crash
// state is the assertion line alone (see PTFOLD_FUZZ_ENTRY). A shared
// report_and_abort frame would put one identical line into every state.
#define PTFOLD_REPORT_AND_ABORT(finding, trace) \
  (::ptfold::fuzz::print_report((finding), (trace)), std::abort())

namespace ptfold::fuzz {

}  // namespace ptfold::fuzz
