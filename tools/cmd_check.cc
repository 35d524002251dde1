// `ptfold check`: the main job. Over every geometry (or those --geometry
// selects, for every phase), for the upstream variants (or those --target
// selects): the concrete differential check, the proof matrix, a
// deterministic fuzz smoke run that replays the seed scenarios first, then a
// summary in which every count says what it counts. Exit 0 clean, 1 any
// failure, 3 unknown proofs.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "fuzz/select.h"
#include "fuzz/smoke.h"
#include "harness/binding.h"
#include "harness/differential.h"
#include "tools/cli.h"
#include "tools/kernel_tree.h"
#ifdef PTFOLD_WITH_SOLVER
#include "solver/prove.h"
#include "solver/report.h"
#endif

namespace ptfold::cli {

namespace {

#include "seed_scenarios.inc"

struct CheckArgs {
  std::string target = "upstream";  // 'upstream', a variant name or a glob
  std::string geometry = "*";
  unsigned random_vas = 64;
  unsigned fuzz_inputs = 200;
  unsigned jobs = 0;
  std::string kernel_tree, overlay, stage;
  u64 dvp_random = 0;
};

// The concrete differential stage; returns the number of failing pairs.
int differential_stage(const CheckArgs& a, std::ostream& os, int* pairs_checked) {
  int bad = 0, n = 0;
  for (const harness::Pair& p : fuzz::pairs_for(a.target, a.geometry)) {
    ++n;
    const harness::DifferentialReport r = harness::run_differential(*p.variant, *p.geometry, 1, a.random_vas);
    std::vector<std::string> f = r.failures;
    for (auto& s : harness::descriptor_round_trip(*p.variant, *p.geometry)) f.push_back(s);
    os << fmt::format("  {:<12} {:<24} {:>5} VAs  {}\n", p.variant->name, p.geometry->name, r.vas_checked,
                      f.empty() ? "ok" : "FAIL");
    for (const std::string& s : f) os << "      " << s << "\n";
    bad += !f.empty();
  }
  os << fmt::format("differential: {} of {} (variant, geometry) pairs agree with the reference walk\n\n", n - bad, n);
  if (pairs_checked) *pairs_checked = n;
  return bad;
}
}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("check", "Main job: differential walk check, proofs and fuzz smoke over every geometry");
  auto a = std::make_shared<CheckArgs>();
  cmd->add_option("-t,--target,--variant", a->target,
                  "Target variant: name, glob or 'upstream' (default: the upstream variants)");
  cmd->add_option("--geometry,-g", a->geometry, "Only geometries matching this name or glob");
  cmd->add_option("--random-vas", a->random_vas, "Random VAs per half in the differential stage")->check(CLI::Range(0u, 100000u));
  cmd->add_option("--fuzz-inputs", a->fuzz_inputs, "Deterministic fuzz inputs per (variant, geometry) and target")->check(CLI::Range(0u, 1000000u));
  cmd->add_option("-j,--jobs", a->jobs, "Proof worker threads (default: all cores)");
  CLI::Option* kt = cmd->add_option("--kernel-tree", a->kernel_tree, "Check the real helpers of this Linux tree instead of the models (no DIR: the default tree)")->expected(0, 1);
  cmd->add_option("--overlay", a->overlay, "With --kernel-tree: a regression overlay (targets/kernel/overlays) on a copy of the tree's headers")->needs(kt);
  cmd->add_option("--stage", a->stage, "With --kernel-tree: run only this stage")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kKernelStages), std::end(kKernelStages))))
      ->needs(kt);
  cmd->add_option("--dvp-random", a->dvp_random,
                  "With --kernel-tree: what debug_vm_pgtable()'s get_random_u64() returns, i.e. its user address "
                  "(default: derived from the seed)")
      ->needs(kt);
  cmd->callback([&action, a, kt] {
    action = [a, kt] {
      if (kt->count()) {
        if (a->target != "upstream")
          throw UsageError("--target selects a model variant; --kernel-tree checks the tree's own code",
                           "drop --target, or give --overlay NAME for a kernel-tree regression");
        return check_kernel_tree(a->kernel_tree, a->overlay, a->geometry, a->random_vas, a->stage, a->dvp_random);
      }
      const auto geos = select_geometries(a->geometry);  // usage error when nothing matches
      std::vector<const tgt::VariantInfo*> variants;  // empty: the upstream ones
      if (a->target != "upstream") {
        variants = select_variants(a->target);  // usage error when nothing matches
        if (fuzz::pairs_for(a->target, a->geometry).empty())
          throw UsageError(fmt::format("no geometry of the variants '{}' matches '{}'", a->target, a->geometry),
                           "run `ptfold variants` for the geometries each variant shows on");
      }
      std::cout << "== differential walk check (concrete) ==\n";
      int pairs = 0;
      const int bad = differential_stage(*a, std::cout, &pairs);
      std::vector<std::string> summary = {fmt::format("differential: {} of {} (variant, geometry) pairs agree{}",
                                                      pairs - bad, pairs, bad ? " - FAILED" : "")};
      bool failed = bad != 0, unknown = false;
#ifdef PTFOLD_WITH_SOLVER
      std::cout << "== proofs (Z3, every address) ==\n";
      solver::ProveOptions po;
      po.geometries = geos;
      po.variants = variants;
      po.jobs = a->jobs ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
      const solver::MatrixResult m = solver::prove_matrix(po);
      std::cout << solver::format_matrix(m, solver::Format::kTable);
      summary.push_back("proofs: " + solver::summary_line(m));
      failed |= m.count(solver::State::kCounterexample) + m.count(solver::State::kHarnessError) > 0;
      unknown |= m.count(solver::State::kUnknown) > 0;
#else
      summary.push_back("proofs: not built (configure with PTFOLD_WITH_SOLVER=ON and libz3-dev)");
#endif
      std::cout << fmt::format("\n== fuzz smoke (seed scenarios, then deterministic fuzz_ops + fuzz_walk inputs, {}) ==\n",
                               a->target == "upstream" ? "upstream variants" : "target " + a->target);
      const std::vector<fuzz::SeedScenario> seeds(std::begin(kSeedScenarios), std::end(kSeedScenarios));
      const fuzz::SmokeSummary fs = fuzz::smoke(a->target, a->geometry, a->fuzz_inputs, 1, seeds);
      // One report per first line (a bug variant's finding recurs on many
      // inputs), in the order found, with how many inputs gave it.
      std::vector<std::pair<std::string, size_t>> seen;
      for (const fuzz::SmokeFinding& f : fs.findings) {
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == f.first_line; });
        if (it != seen.end()) {
          ++it->second;
          continue;
        }
        seen.emplace_back(f.first_line, 1);
        std::cout << f.report << "\n";
      }
      for (const auto& [line, n] : seen)
        if (n > 1) std::cout << fmt::format("({} inputs gave {})\n", n, line);
      summary.push_back(fmt::format(
          "fuzz smoke: {} (variant, geometry) pairs; {} seed scenarios replayed; {} random fuzz_ops and {} "
          "random fuzz_walk inputs; {} ops executed; {} explicit oracle comparisons (walk, GUP, hot-add "
          "range and boot-op checks; the page-state checks on every access are not counted); {} findings "
          "({} distinct first lines)",
          fs.pairs, fs.seeds, fs.ops_inputs, fs.walk_inputs, fs.ops_run, fs.checks, fs.findings.size(), seen.size()));
      failed |= !fs.ok();
      std::cout << "\n== summary ==\n";
      for (const std::string& l : summary) std::cout << l << "\n";
      std::cout << (failed ? "ptfold check: FAILED\n" : unknown ? "ptfold check: UNKNOWN results (not a pass)\n"
                                                             : "ptfold check: clean\n");
      return failed ? 1 : unknown ? 3 : 0;
    };
  });
}

}  // namespace ptfold::cli
