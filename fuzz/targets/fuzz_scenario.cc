// fuzz_scenario: the scenario text parser and the fuzz-byte decoder. Its
// oracles are the round trips and one end-to-end property:
//   text:  a text the parser accepts prints back (to_text) to a text that
//          parses to the same scenario, encodes to bytes that decode to it,
//          and - on an upstream variant - runs without a finding: the
//          upstream models are the reference, so a finding from a
//          well-formed scenario is the harness's bug (a false positive);
//   bytes: decode(b) encodes to canonical bytes that decode to the same
//          scenario and re-encode to themselves, and its text parses back.
// A broken round trip is reported as a `round-trip` finding naming the
// step (to_text, parse_text, encode_ops, decode_ops) and aborts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"

namespace {

using namespace ptfold::fuzz;

[[noreturn]] void round_trip_failed(const char* step, const Scenario& s, const std::string& detail) {
  Finding f("round-trip", step, detail);
  f.geometry = s.geometry;
  PTFOLD_REPORT_AND_ABORT(f, to_text(s));
}

// The byte form's round trip for s (whose pair is among `pairs`).
void check_bytes(const Scenario& s, const std::vector<ptfold::harness::Pair>& pairs) {
  const std::vector<uint8_t> canon = encode_ops(s, pairs);
  static Scenario back;
  if (!decode_ops(canon.data(), canon.size(), pairs, &back) || !(back == s))
    round_trip_failed("decode_ops", s, "expected: decode(encode(s)) == s\nactual:   " + to_text(back));
  if (encode_ops(back, pairs) != canon)
    round_trip_failed("encode_ops", s, "expected: encode(decode(b)) == b for canonical bytes b\nactual:   other bytes");
}

bool selected(const Scenario& s, const std::vector<ptfold::harness::Pair>& pairs) {
  for (const auto& p : pairs)
    if (p.variant->name == s.variant && p.geometry->name == s.geometry) return true;
  return false;
}

}  // namespace

extern "C" PTFOLD_FUZZ_ENTRY int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& pairs = selected_pairs("upstream");
  static Scenario s;
  if (is_scenario_text(data, size)) {
    try {
      s = parse_text(std::string_view(reinterpret_cast<const char*>(data), size));
    } catch (const ScenarioError&) {
      return 0;  // rejected: the parser's job done
    }
  } else if (!decode_ops(data, size, pairs, &s)) {
    return 0;
  }
  const std::string text = to_text(s);
  try {
    const Scenario again = parse_text(text);
    if (!(again == s)) round_trip_failed("parse_text", s, "expected: parse(to_text(s)) == s\nactual:   " + to_text(again));
  } catch (const ScenarioError& e) {
    round_trip_failed("to_text", s, std::string("expected: to_text(s) parses\nactual:   ") + e.what());
  }
  if (!selected(s, pairs)) return 0;  // a bug variant's scenario: parsed, never run
  check_bytes(s, pairs);
  if (is_scenario_text(data, size)) {
    RunResult r = run_scenario(s, TraceMode::kOnFinding);
    if (r.finding) PTFOLD_REPORT_AND_ABORT(*r.finding, r.trace);
  }
  return 0;
}
