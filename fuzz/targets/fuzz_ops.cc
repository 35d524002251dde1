// fuzz_ops: op sequences (address spaces, maps, unmaps, page-table frees
// with floor/ceiling, mmu_gather, fast-GUP lockless walks, the
// debug_vm_pgtable sequence) over every geometry of the selected variants.
// Scenario text (first line `ptfold-scenario v1`) is accepted too
// (regressions), for selected pairs only, so an upstream-only run can never
// be steered onto a bug variant.
#include <cstddef>
#include <cstdint>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"

#include "fuzz/targets/pairs.h"

extern "C" PTFOLD_FUZZ_ENTRY int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ptfold::fuzz;
  const auto& pairs = PTFOLD_FUZZ_PAIRS();
  static Scenario s;  // reused: decode_ops fills it in place
  if (is_scenario_text(data, size)) {
    try {
      s = parse_text(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const ScenarioError&) {
      return 0;
    }
    bool selected = false;
    for (const auto& p : pairs) selected |= p.variant->name == s.variant && p.geometry->name == s.geometry;
    if (!selected) return 0;
  } else if (!decode_ops(data, size, pairs, &s)) {
    return 0;
  }
  RunResult r = run_scenario(s, TraceMode::kOnFinding);
  if (r.finding) PTFOLD_REPORT_AND_ABORT(*r.finding, r.trace);
  return 0;
}
