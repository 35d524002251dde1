// Deterministic smoke run over every pair.
#include "fuzz/smoke.h"

#include <random>
#include <stdexcept>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "fuzz/walk.h"

namespace ptfold::fuzz {

SmokeSummary smoke(const std::string& variant_glob, unsigned inputs_per_pair, uint64_t seed) {
  return smoke(variant_glob, "*", inputs_per_pair, seed, {});
}

SmokeSummary smoke(const std::string& variant_glob, const std::string& geometry_glob, unsigned inputs_per_pair,
                   uint64_t seed, const std::vector<SeedScenario>& seeds) {
  std::vector<harness::Pair> pairs = pairs_for(variant_glob);
  if (pairs.empty()) throw std::invalid_argument("no target variant matches '" + variant_glob + "'");
  std::erase_if(pairs, [&](const harness::Pair& p) { return !ref::glob_match(geometry_glob, p.geometry->name); });
  if (pairs.empty())
    throw std::invalid_argument("no geometry of the variants '" + variant_glob + "' matches '" + geometry_glob + "'");
  SmokeSummary sum;
  sum.pairs = pairs.size();
  for (const SeedScenario& seed_file : seeds) {
    Scenario s;
    try {
      s = parse_text(seed_file.text);
    } catch (const std::exception& e) {
      throw std::invalid_argument("seed scenario " + seed_file.name + ": " + e.what());
    }
    bool selected = false;
    for (const harness::Pair& p : pairs) selected |= p.variant->name == s.variant && p.geometry->name == s.geometry;
    if (!selected) continue;
    ++sum.seeds;
    RunResult r = run_scenario(s);
    sum.ops_run += r.ops_run;
    sum.checks += r.checks;
    if (r.finding)
      sum.findings.push_back({"fuzz_ops", r.finding->first_line(), format_report(*r.finding, r.trace)});
  }
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> buf;
  for (size_t pi = 0; pi < pairs.size() && pi < 256; ++pi) {
    for (unsigned n = 0; n < inputs_per_pair; ++n) {
      buf.resize(2 + rng() % 200);
      for (uint8_t& b : buf) b = static_cast<uint8_t>(rng());
      buf[0] = static_cast<uint8_t>(pi);
      Scenario s;
      if (decode_ops(buf.data(), buf.size(), pairs, &s)) {
        ++sum.ops_inputs;
        RunResult r = run_scenario(s);
        sum.ops_run += r.ops_run;
        sum.checks += r.checks;
        if (r.finding)
          sum.findings.push_back({"fuzz_ops", r.finding->first_line(), format_report(*r.finding, r.trace)});
      }
      std::optional<Finding> f;
      std::string trace;
      if (run_walk_input(buf.data(), buf.size(), pairs, &f, &trace)) ++sum.walk_inputs;
      if (f) sum.findings.push_back({"fuzz_walk", f->first_line(), format_report(*f, trace)});
    }
  }
  return sum;
}

}  // namespace ptfold::fuzz
