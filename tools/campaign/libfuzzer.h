// How `ptfold campaign` drives libFuzzer: child processes with their output
// in a log file, and the parts of libFuzzer's and our own output the
// supervisor reads (status lines, crash artifacts, the finding's first line).
// libFuzzer does the fuzzing, merging and crash minimisation; this only
// starts it, stops it and reads what it printed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ptfold::campaign {

namespace fs = std::filesystem;

// Set by the SIGINT/SIGTERM handler: 1 after the first signal (stop fuzzing,
// still write the report), 2 after the second (skip what is left: merges,
// minimisation, coverage).
extern volatile std::sig_atomic_t g_stop;
void install_stop_handlers();

using Env = std::vector<std::pair<std::string, std::string>>;

// A child process in its own process group (a terminal's Ctrl-C reaches the
// supervisor only, which stops its children in order), stdout and stderr
// appended to `log` (stderr to `err` instead when given).
pid_t spawn(const std::vector<std::string>& argv, const Env& env, const fs::path& log, const fs::path& err = {});
// Stops a child's process group: SIGINT first (libFuzzer writes what it has
// and exits), then SIGKILL once the group has not ended within kStopGrace -
// a child stuck at exit (a leak check interrupted mid-way, a hung input)
// never holds the campaign.
inline constexpr std::chrono::seconds kStopGrace{15};
class Stopper {
 public:
  void request(pid_t pid);  // SIGINT, once
  void enforce(pid_t pid);  // SIGKILL when the grace has passed since request()
  bool requested() const { return asked_; }

 private:
  bool asked_ = false, killed_ = false;
  std::chrono::steady_clock::time_point asked_at_;
};

// Non-blocking: the exit status (WEXITSTATUS, or 128 + signal) once the
// child ended.
std::optional<int> poll_exit(pid_t pid);
// Runs a command to completion (stopped with a Stopper once g_stop reaches
// `interrupt_at`); returns its exit status.
int run_command(const std::vector<std::string>& argv, const Env& env, const fs::path& log, int interrupt_at = 2);

// One libFuzzer status line ("#4096 pulse cov: 812 ft: 2301 corp: 96/3Kb
// exec/s: 2048 rss: 61Mb"), or the final "Done N runs" line (runs only).
struct Status {
  uint64_t runs = 0, cov = 0, ft = 0, corpus = 0, exec_s = 0;
  bool has_cov = false;
};
std::optional<Status> parse_status(const std::string& line);

// What a crashed libFuzzer run left: the artifact it wrote and the finding's
// dedup key - our first line `ptfold: <class>: <helper> on <geometry>`, or
// for a crash of another kind (a sanitizer report, a timeout) the
// sanitizer's or libFuzzer's SUMMARY line.
struct Crash {
  fs::path artifact;   // empty when libFuzzer ran a named input file
  std::string key;
  std::string report;  // our report (first line to the end of the op trace), if any
};
std::optional<Crash> parse_crash(const std::string& log_text);

// Every crash a log holds, in order: a merge's inner processes crash on
// one input each, restart, and go on.
std::vector<Crash> parse_crashes(const std::string& log_text);

// Whether `key` is one of our findings' first lines.
bool is_ptfold_key(const std::string& key);

// Reads a whole file (empty when missing).
std::string read_text(const fs::path& p);
std::vector<uint8_t> read_bytes(const fs::path& p);
void write_text(const fs::path& p, const std::string& text);

}  // namespace ptfold::campaign
