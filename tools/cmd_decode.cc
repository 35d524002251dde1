// `ptfold decode FILE [--variant GLOB]`: prints a fuzz_ops input (a crash
// file) as scenario text, ready to edit and replay.
#include <iostream>

#include "fuzz/scenario.h"
#include "tools/cli.h"

namespace ptfold::cli {

void add_decode_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("decode", "Print a fuzz_ops input (e.g. a crash file) as scenario text");
  auto file = std::make_shared<std::string>();
  auto variant = std::make_shared<std::string>();
  add_scenario_file_options(*cmd, *file, *variant);
  cmd->callback([&action, file, variant] {
    action = [file, variant] {
      std::cout << fuzz::to_text(load_scenario(*file, *variant));
      return 0;
    };
  });
}

}  // namespace ptfold::cli
