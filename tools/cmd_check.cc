// `ptfold check`: the main job. Over every geometry: the concrete differential
// check of each upstream variant, then a summary; exit 0 when all is clean.
#include <fmt/format.h>

#include <iostream>

#include "harness/binding.h"
#include "harness/differential.h"
#include "tools/cli.h"

namespace ptfold::cli {

namespace {
struct CheckArgs {
  std::string geometry = "*";
  unsigned random_vas = 64;
};

// The concrete differential stage; returns the number of failing pairs.
int differential_stage(const CheckArgs& a, std::ostream& os) {
  int bad = 0, n = 0;
  for (const harness::Pair& p : harness::pairs("*", a.geometry)) {
    if (!p.variant->upstream) continue;
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
  return bad;
}
}  // namespace

void add_check_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("check", "Main job: differential walk check, proofs and fuzz smoke over every geometry");
  auto a = std::make_shared<CheckArgs>();
  cmd->add_option("--geometry,-g", a->geometry, "Only geometries matching this name or glob");
  cmd->add_option("--random-vas", a->random_vas, "Random VAs per half in the differential stage")->check(CLI::Range(0u, 100000u));
  cmd->callback([&action, a] {
    action = [a] {
      select_geometries(a->geometry);  // usage error when nothing matches
      std::cout << "== differential walk check (concrete) ==\n";
      const int bad = differential_stage(*a, std::cout);
      std::cout << fmt::format("summary: differential {}\n", bad ? "FAILED" : "clean");
      return bad ? 1 : 0;
    };
  });
}

}  // namespace ptfold::cli
