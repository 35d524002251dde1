// ptfold: entry point. Parses the command line and runs one subcommand.
#include <fmt/format.h>

#include <cstdio>
#include <string>

#ifndef PTFOLD_VERSION
#define PTFOLD_VERSION "unknown"
#endif

#include "tools/cli.h"

int main(int argc, char** argv) {
  using namespace ptfold::cli;
  CLI::App app{"ptfold: finds bugs in Linux page-table code whose levels are folded at run time"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  app.set_version_flag("--version", "ptfold " PTFOLD_VERSION);
  Action action;
  add_check_command(app, action);
  add_geometries_command(app, action);
  add_walk_command(app, action);
  add_variants_command(app, action);
  add_replay_command(app, action);
  add_decode_command(app, action);
  add_campaign_command(app, action);
#ifdef PTFOLD_WITH_SOLVER
  add_prove_command(app, action);
#endif
  // A first word that is no option and no subcommand: say so, by name
  // (CLI11 would only say an argument was not expected).
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known |= sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "ptfold: error: unknown subcommand '%s' (subcommands: %s; `ptfold --help` says more)\n",
                   argv[1], names.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "ptfold: error: %s (run `ptfold --help`)\n", e.what());
    return 2;
  }
  try {
    return action ? action() : 2;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "ptfold: error: %s (%s)\n", e.what(), e.fix.c_str());
    return 2;
  } catch (const std::exception& e) {
    // Targets' misbehaviour is reported as findings inside the engines;
    // what arrives here is ptfold's own bug (EX_SOFTWARE).
    std::fprintf(stderr, "ptfold: internal: %s (a bug in ptfold: please report it with the command line)\n", e.what());
    return 70;
  }
}
