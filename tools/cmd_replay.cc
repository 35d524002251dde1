// `ptfold replay FILE [--variant GLOB]`: runs one fuzz_ops input - scenario
// text or fuzz bytes - without aborting, prints the op trace and the
// verdict. Exit 0: no finding; 1: a finding (its report is printed).
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "tools/cli.h"

namespace ptfold::cli {

namespace {

std::vector<uint8_t> read_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read '{}'", path), "give a fuzz input or a scenario file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

// Decodes FILE as scenario text or, for bytes, with the variant selection
// fuzz_ops would use (--variant, else PTFOLD_VARIANT, else upstream).
// Shared with cmd_decode.cc.
fuzz::Scenario load_scenario(const std::string& path, const std::string& variant) {
  const std::vector<uint8_t> bytes = read_input(path);
  fuzz::Scenario s;
  if (fuzz::looks_like_text(bytes.data(), bytes.size())) {
    try {
      return fuzz::parse_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    } catch (const fuzz::ScenarioError& e) {
      throw UsageError(fmt::format("{}: {}", path, e.what()), "fix the scenario text (see fuzz/scenario.h)");
    }
  }
  std::string glob = variant;
  if (glob.empty()) {
    const char* env = std::getenv("PTFOLD_VARIANT");
    glob = env && *env ? env : "upstream";
  }
  const std::vector<harness::Pair> pairs = fuzz::pairs_for(glob);
  if (pairs.empty())
    throw UsageError(fmt::format("no target variant matches '{}'", glob),
                     "give the variant the input was fuzzed with: --variant NAME, or 'upstream'");
  if (!fuzz::decode_ops(bytes.data(), bytes.size(), pairs, &s))
    throw UsageError(fmt::format("'{}' is too short to be a fuzz_ops input", path),
                     "give a crash file or a scenario (.scn)");
  return s;
}

void add_scenario_file_options(CLI::App& cmd, std::string& file, std::string& variant) {
  cmd.add_option("FILE", file, "Crash input or scenario file")->required();
  cmd.add_option("--variant", variant,
                 "Variant selection the bytes were fuzzed with (default: $PTFOLD_VARIANT, else upstream)");
}

void add_replay_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("replay", "Replay a fuzz_ops input (bytes or scenario text): op trace and verdict");
  auto file = std::make_shared<std::string>();
  auto variant = std::make_shared<std::string>();
  add_scenario_file_options(*cmd, *file, *variant);
  cmd->callback([&action, file, variant] {
    action = [file, variant] {
      const fuzz::Scenario s = load_scenario(*file, *variant);
      const fuzz::RunResult r = fuzz::run_scenario(s);
      if (r.finding) {
        std::cout << fuzz::format_report(*r.finding, r.trace);
        std::cout << fmt::format("verdict: finding ({} ops run)\n", r.ops_run);
        return 1;
      }
      std::cout << r.trace;
      std::cout << fmt::format("verdict: ok ({} ops run, {} oracle checks, no finding)\n", r.ops_run, r.checks);
      return 0;
    };
  });
}

}  // namespace ptfold::cli
