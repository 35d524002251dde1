// ptfold: entry point. Parses the command line and runs one subcommand.
#include <fmt/format.h>

#include <cstdio>

#include "tools/cli.h"

int main(int argc, char** argv) {
  using namespace ptfold::cli;
  CLI::App app{"ptfold: finds bugs in Linux page-table code whose levels are folded at run time"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
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
  }
}
