// `ptfold decode FILE [--variant GLOB] [--bytes]`: prints a fuzz_ops input (a crash
// file) as scenario text, ready to edit and replay.
#include <iostream>

#include "fuzz/scenario.h"
#include "tools/cli.h"

namespace ptfold::cli {

void add_decode_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("decode", "Print a fuzz_ops input (e.g. a crash file) as scenario text");
  auto a = std::make_shared<ScenarioFileArgs>();
  add_scenario_file_options(*cmd, *a);
  cmd->callback([&action, a] {
    action = [a] {
      std::cout << fuzz::to_text(load_scenario(*a));
      return 0;
    };
  });
}

}  // namespace ptfold::cli
