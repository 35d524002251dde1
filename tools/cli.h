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

// The largest file ptfold reads as a scenario or fuzz input. Scenarios run
// at most 16 ops and libFuzzer's inputs are a few KiB; a larger file is a
// mistake (a log, an image, /dev/zero), refused before it is read.
inline constexpr u64 kMaxInputBytes = u64{1} << 20;
// The bytes of a regular, readable file of at most kMaxInputBytes;
// UsageError naming `path` otherwise (directories, devices, FIFOs,
// unreadable or oversized files).
std::vector<uint8_t> read_input_file(const std::string& path);

// replay/decode (cmd_replay.cc): the FILE, --variant and --bytes options,
// and the scenario they name.
struct ScenarioFileArgs {
  std::string file, variant;
  bool bytes = false;
};
void add_scenario_file_options(CLI::App& cmd, ScenarioFileArgs& a);

// Geometries matching a name or glob; UsageError when none does.
std::vector<const ref::Geometry*> select_geometries(const std::string& glob);
// One geometry by exact name; UsageError (with close names) otherwise.
const ref::Geometry& require_geometry(const std::string& name);
// Variants matching a name or glob; UsageError when none does.
std::vector<const tgt::VariantInfo*> select_variants(const std::string& glob);
// Parses a hexadecimal (0x...) or decimal 64-bit value, '_' and '\'' allowed
// as digit separators; UsageError naming `what` otherwise.
u64 parse_u64(const std::string& text, const std::string& what);
// The scenario FILE holds: scenario text (its first line says so) or fuzz
// bytes, decoded with the variant selection they were fuzzed under (--variant,
// else PTFOLD_VARIANT; with neither, bytes are refused rather than guessed).
fuzz::Scenario load_scenario(const ScenarioFileArgs& a);

}  // namespace ptfold::cli
