// `ptfold campaign DIR`: a local libFuzzer campaign over every geometry and
// fuzz target (tools/campaign/, docs/campaigns.md). Exit 0: no finding;
// 1: findings (listed in DIR/report.md); 2: usage error.
#include <fmt/format.h>

#include <memory>

#include "tools/campaign/campaign.h"
#include "tools/cli.h"

#ifndef PTFOLD_SOURCE_DIR
#define PTFOLD_SOURCE_DIR "."
#endif

namespace ptfold::cli {

void add_campaign_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand(
      "campaign", "Local fuzzing campaign: N libFuzzer workers, persistent corpus, deduplicated findings, report");
  struct Args {
    campaign::Options o;
    std::string dir, time, merge_every = "5m", fuzz_build, coverage_build, scenarios, kernel_tree;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("DIR", a->dir, "Campaign directory (corpus, findings, report); resumed when it exists")->required();
  cmd->add_option("-g,--geometry", a->o.geometry, "Geometries: name or glob (default '*'; kept on resume)");
  cmd->add_option("-t,--target,--variant", a->o.variant,
                  "Target variant: name, glob or 'upstream' (default upstream; kept on resume)");
  cmd->add_option("--fuzzer", a->o.fuzzers, "Fuzz target to run (repeatable; default fuzz_ops and fuzz_walk)");
  cmd->add_option("--kernel-tree", a->kernel_tree, "Fuzz a Linux tree's own helpers (needs kernel-tree fuzz targets)");
  cmd->add_option("-j,--workers", a->o.workers, "libFuzzer processes at once (default 2)");
  cmd->add_option("--time", a->time, "Time budget for this session: 600, 600s, 10m, 1h (default: until Ctrl-C)");
  cmd->add_option("--runs", a->o.run_budget, "Execution budget for this session, over all workers");
  cmd->add_option("--merge-every", a->merge_every, "Merge and minimise the corpus this often (default 5m)");
  cmd->add_option("--seed", a->o.seed, "libFuzzer -seed base, for repeatable runs (default: libFuzzer picks)");
  cmd->add_option("--minimize-runs", a->o.minimize_runs, "-runs per -minimize_crash step (default 4000)");
  cmd->add_option("--progress-every", a->o.progress_every_s,
                  "Seconds between progress lines (default 1 on a terminal, 10 when piped)");
  cmd->add_option("--fuzz-build", a->fuzz_build,
                  "Build directory of the `fuzz` preset (default: build/fuzz next to this ptfold's build)");
  cmd->add_flag("--coverage", a->o.coverage, "Coverage HTML of the corpus from the `coverage` preset's build");
  cmd->add_option("--coverage-build", a->coverage_build,
                  "Build directory of the `coverage` preset (default: build/coverage next to this ptfold's build)");
  cmd->add_option("--scenarios", a->scenarios, "Seed scenarios (default: the repository's corpus/scenarios)");
  cmd->callback([&action, a] {
    action = [a] {
      campaign::Options o = a->o;
      o.dir = a->dir;
      if (!a->time.empty()) o.time_budget_s = campaign::parse_duration(a->time, "--time");
      o.merge_every_s = campaign::parse_duration(a->merge_every, "--merge-every");
      if (o.progress_every_s < 0)
        throw UsageError("negative --progress-every", "give seconds between progress lines, e.g. 10");
      const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe");
      const std::filesystem::path root = exe.parent_path().parent_path().parent_path();
      o.fuzz_build = a->fuzz_build.empty() ? root / "fuzz" : std::filesystem::path(a->fuzz_build);
      o.coverage_build = a->coverage_build.empty() ? root / "coverage" : std::filesystem::path(a->coverage_build);
      o.scenarios = a->scenarios.empty() ? std::filesystem::path(PTFOLD_SOURCE_DIR) / "corpus" / "scenarios"
                                         : std::filesystem::path(a->scenarios);
      o.kernel_tree = a->kernel_tree;
      try {
        return campaign::run_campaign(o);
      } catch (const std::filesystem::filesystem_error& e) {
        throw UsageError(e.what(), "check that the campaign directory is writable and has space, and that no "
                                   "other process removes files in it");
      }
    };
  });
}

}  // namespace ptfold::cli
