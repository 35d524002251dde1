// `ptfold prove`: the Z3 proof matrix (rows geometry x variant, columns
// obligations), counterexamples with their concrete replay, a summary.
// Exit 0 all proved, 1 any counterexample (or harness error), 3 unknown
// without counterexample, 2 usage error.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include "solver/prove.h"
#include "solver/report.h"
#include "tools/cli.h"

namespace ptfold::cli {

namespace {
struct ProveArgs {
  std::string target;  // empty: the upstream variants
  std::string geometry = "*";
  std::vector<std::string> obligations;
  std::string format = "table";
  unsigned timeout_ms = 10000;
  unsigned jobs = 0;  // 0: one per core
  bool timings = false;
};

std::string obligation_names() {
  std::string s;
  for (solver::Obligation o : solver::all_obligations()) s += (s.empty() ? "" : ", ") + std::string(solver::obligation_name(o));
  return s;
}

solver::ProveOptions options_from(const ProveArgs& a) {
  solver::ProveOptions opt;
  if (!a.target.empty()) opt.variants = select_variants(a.target);
  opt.geometries = select_geometries(a.geometry);
  for (const std::string& list : a.obligations) {
    std::stringstream ss(list);
    std::string name;
    while (std::getline(ss, name, ',')) {
      if (name == "all") {
        opt.obligations = solver::all_obligations();
        continue;
      }
      const auto o = solver::parse_obligation(name);
      if (!o) throw UsageError(fmt::format("unknown obligation '{}'", name), "use one of " + obligation_names() + " or all");
      if (std::find(opt.obligations.begin(), opt.obligations.end(), *o) == opt.obligations.end())
        opt.obligations.push_back(*o);
    }
  }
  if (a.timeout_ms == 0) throw UsageError("--timeout-ms 0 would make every query unknown", "give a positive per-query timeout in ms");
  opt.timeout_ms = a.timeout_ms;
  opt.jobs = a.jobs ? a.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (solver::matrix_pairs(opt).empty()) {
    std::string fams;
    for (const tgt::VariantInfo* v : opt.variants) fams += (fams.empty() ? "" : ", ") + v->family;
    throw UsageError(fmt::format("no selected geometry belongs to the family of the selected targets{}",
                                 fams.empty() ? std::string() : " (" + fams + ")"),
                     "run `ptfold variants` and `ptfold geometries` to match --target with --geometry");
  }
  return opt;
}
}  // namespace

void add_prove_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("prove", "Z3 proofs: Linux's walk equals the architecture's for every address of every geometry");
  auto a = std::make_shared<ProveArgs>();
  cmd->add_option("--target,-t", a->target, "Target variant name or glob (default: the upstream variants)");
  cmd->add_option("--geometry,-g", a->geometry, "Geometry name or glob (default: all)");
  cmd->add_option("--obligation,-o", a->obligations,
                  "Obligation(s), comma separated or repeated: walk, bounds, index, descriptor, bug-on, all (default: all)");
  cmd->add_option("--format,-f", a->format, "Output: table, json, sarif, junit, ktap");
  cmd->add_option("--timeout-ms", a->timeout_ms, "Per-query Z3 timeout in ms (a timeout is `unknown`, never a pass)");
  cmd->add_option("-j,--jobs", a->jobs, "Worker threads (default: one per core); the output is the same for every -j");
  cmd->add_flag("--timings", a->timings,
                "Add wall and per-query times and the job count (they vary from run to run; the default output is "
                "the same bytes on every run)");
  cmd->callback([&action, a] {
    action = [a] {
      const auto fmt_ = solver::parse_format(a->format);
      if (!fmt_) throw UsageError(fmt::format("unknown format '{}'", a->format), "use table, json, sarif, junit or ktap");
      const solver::ProveOptions opt = options_from(*a);
      const solver::MatrixResult r = solver::prove_matrix(opt);
      solver::RenderOptions ro;
      ro.timings = a->timings;
      std::cout << solver::format_matrix(r, *fmt_, ro);
      // Machine formats keep stdout parseable; the summary goes to stderr.
      if (*fmt_ != solver::Format::kTable) std::cerr << solver::summary_line(r, a->timings) << "\n";
      return r.exit_code();
    };
  });
}

}  // namespace ptfold::cli
