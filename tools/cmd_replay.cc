// `ptfold replay FILE [--variant GLOB] [--bytes]`: runs one fuzz_ops input -
// scenario text or fuzz bytes - without aborting, prints the op trace and
// the verdict. Exit 0: no finding; 1: a finding (its report is printed);
// 2: a bad file or option.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "tools/cli.h"

namespace ptfold::cli {

fuzz::Scenario load_scenario(const ScenarioFileArgs& a) {
  const std::vector<uint8_t> bytes = read_input_file(a.file);
  if (!a.bytes && fuzz::is_scenario_text(bytes.data(), bytes.size())) {
    fuzz::Scenario s;
    try {
      s = fuzz::parse_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    } catch (const fuzz::ScenarioError& e) {
      // A finding of a kernel-tree fuzz binary names the tree's real code
      // (variant kernel-<model>[+overlay]), which only such a binary holds.
      const std::string text(bytes.begin(), bytes.end());
      const size_t v = text.find("\nvariant kernel-");
      if (v != std::string::npos) {
        const std::string name = text.substr(v + 9, text.find('\n', v + 1) - v - 9);
        const size_t plus = name.find('+');
        throw UsageError(
            fmt::format("{}: variant {} is a kernel tree's real code, which this ptfold does not hold", a.file, name),
            fmt::format("replay it with the kernel-tree fuzz binary it came from: `fuzz_ops_kernel {}` of a build "
                        "configured with -DPTFOLD_KERNEL_TREE=DIR{} (docs/kernel-tree.md, \"Fuzzing the tree\")",
                        a.file,
                        plus == std::string::npos ? "" : " -DPTFOLD_KERNEL_OVERLAY=" + name.substr(plus + 1)));
      }
      throw UsageError(fmt::format("{}:{}: {}", a.file, e.line, e.problem), e.fix);
    }
    // The text names its variant; a --variant that disagrees is a mistake,
    // not a choice between the two.
    if (!a.variant.empty() && !ref::glob_match(a.variant, s.variant))
      throw UsageError(fmt::format("{} is a scenario for variant {}, not '{}'", a.file, s.variant, a.variant),
                       "drop --variant: scenario text names its variant (edit its 'variant' line to change it)");
    return s;
  }
  if (!a.bytes && fuzz::looks_like_unmarked_text(bytes.data(), bytes.size())) {
    // Never run: but say what else is wrong with the text, by its lines.
    try {
      fuzz::parse_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                       fuzz::TextMode::kNoMagic);
    } catch (const fuzz::ScenarioError& e) {
      throw UsageError(fmt::format("{}:{}: {}", a.file, std::max(e.line, 1), e.problem),
                       fmt::format("{}; and scenario text starts with the line '{}'", e.fix, fuzz::kScenarioMagic));
    }
    throw UsageError(fmt::format("{} looks like scenario text but its first line is not '{}'", a.file,
                                 fuzz::kScenarioMagic),
                     fmt::format("add the line '{}' at the top; to run the file as fuzz bytes anyway, give --bytes",
                                 fuzz::kScenarioMagic));
  }
  // Fuzz bytes pick their (variant, geometry) pair by index into the
  // selection they were fuzzed with: without it they mean nothing.
  std::string glob = a.variant;
  if (glob.empty())
    if (const char* env = std::getenv("PTFOLD_VARIANT"); env && *env) glob = env;
  if (glob.empty())
    throw UsageError(fmt::format("{} is fuzz bytes, which do not say which variants they were fuzzed under", a.file),
                     "give --variant as the fuzz binary ran: 'upstream' for fuzz_ops, NAME for fuzz_ops-NAME or "
                     "PTFOLD_VARIANT=NAME");
  const std::vector<harness::Pair> pairs = fuzz::pairs_for(glob);
  if (pairs.empty())
    throw UsageError(fmt::format("no target variant matches '{}'", glob),
                     "run `ptfold variants` for the names, or give 'upstream'");
  fuzz::Scenario s;
  if (!fuzz::decode_ops(bytes.data(), bytes.size(), pairs, &s))
    throw UsageError(fmt::format("{} is {} bytes, too short to be a fuzz_ops input", a.file, bytes.size()),
                     "give a crash file or a scenario (.scn)");
  return s;
}

void add_scenario_file_options(CLI::App& cmd, ScenarioFileArgs& a) {
  cmd.add_option("FILE", a.file, "Crash input or scenario file")->required();
  cmd.add_option("--variant", a.variant,
                 "For fuzz bytes: the variant selection they were fuzzed with ('upstream', a name or a glob; "
                 "default $PTFOLD_VARIANT)");
  cmd.add_flag("--bytes", a.bytes, "Read FILE as fuzz bytes even if it looks like text");
}

void add_replay_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("replay", "Replay a fuzz_ops input (bytes or scenario text): op trace and verdict");
  auto a = std::make_shared<ScenarioFileArgs>();
  add_scenario_file_options(*cmd, *a);
  cmd->callback([&action, a] {
    action = [a] {
      const fuzz::Scenario s = load_scenario(*a);
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
