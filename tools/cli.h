// The ptfold command line: each subcommand lives in its own cmd_*.cc and
// registers itself here; main.cc parses with CLI11 and maps errors to exit
// codes (2: usage error, printed as `ptfold: error: <what> (<how to fix>)`).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/scenario.h"
#include "reference/geometry.h"
#include "targets/variants.h"

namespace ptfold::cli {

// A user mistake: bad geometry name, malformed VA, unknown target...
struct UsageError : std::runtime_error {
  UsageError(std::string what_, std::string fix_)
      : std::runtime_error(what_), fix(std::move(fix_)) {}
  std::string fix;
};

// What a subcommand runs once parsing succeeded; returns the exit code.
using Action = std::function<int()>;

// Registration functions, one per cmd_*.cc. Each adds a subcommand to `app`
// and stores its action in `action` when selected.
void add_geometries_command(CLI::App& app, Action& action);
void add_walk_command(CLI::App& app, Action& action);
void add_variants_command(CLI::App& app, Action& action);
void add_check_command(CLI::App& app, Action& action);
#ifdef PTFOLD_WITH_SOLVER
void add_prove_command(CLI::App& app, Action& action);
#endif
void add_replay_command(CLI::App& app, Action& action);
void add_decode_command(CLI::App& app, Action& action);
void add_campaign_command(CLI::App& app, Action& action);

// replay/decode (cmd_replay.cc): the FILE and --variant options, and the
// scenario they name (bytes or text; UsageError when unreadable).
void add_scenario_file_options(CLI::App& cmd, std::string& file, std::string& variant);

// Geometries matching a name or glob; UsageError when none does.
std::vector<const ref::Geometry*> select_geometries(const std::string& glob);
// One geometry by exact name; UsageError (with close names) otherwise.
const ref::Geometry& require_geometry(const std::string& name);
// Variants matching a name or glob; UsageError when none does.
std::vector<const tgt::VariantInfo*> select_variants(const std::string& glob);
// Parses a hexadecimal (0x...) or decimal 64-bit value, '_' and '\'' allowed
// as digit separators; UsageError naming `what` otherwise.
u64 parse_u64(const std::string& text, const std::string& what);
fuzz::Scenario load_scenario(const std::string& path, const std::string& variant);

}  // namespace ptfold::cli
