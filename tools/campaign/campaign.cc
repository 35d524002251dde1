// The campaign supervisor (tools/campaign/campaign.h): seeds the corpus,
// keeps N libFuzzer workers running, merges on a schedule, turns crashes
// into deduplicated, minimised, replayable findings, and writes the report.
#include "tools/campaign/campaign.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "fuzz/select.h"
#include "tools/campaign/libfuzzer.h"
#include "tools/campaign/report.h"
#include "tools/cli.h"

namespace ptfold::campaign {

using json = nlohmann::ordered_json;
using cli::UsageError;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kSchema = "ptfold-campaign/1";
// The fuzz targets a campaign runs by default: the two that fuzz the models.
const std::vector<std::string> kDefaultFuzzers = {"fuzz_ops", "fuzz_walk"};
// Every run of a libFuzzer binary (fuzzing, merges, classifying, minimising)
// bounds one input at 60 s: libFuzzer reports a slower one as a timeout
// instead of its default 20 minutes per input. The coverage preset's binaries
// are not libFuzzer's (replay main: inputs only, no flags).
constexpr const char* kUnitTimeout = "-timeout=60";

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

bool same_bytes(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::file_size(a, ec) != fs::file_size(b, ec) || ec) return false;
  return read_bytes(a) == read_bytes(b);
}

size_t count_files(const fs::path& d) {
  std::error_code ec;
  size_t n = 0;
  if (!fs::is_directory(d, ec)) return 0;
  for (const auto& e : fs::directory_iterator(d, ec))
    if (e.is_regular_file()) ++n;
  return n;
}

std::vector<fs::path> sorted_files(const fs::path& d) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_directory(d, ec))
    for (const auto& e : fs::directory_iterator(d, ec))
      if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// A directory name for a finding: "<class>--<helper>--<geometry>" for ours,
// "crash-<hash>" for other crash kinds.
std::string slug_for(const std::string& key) {
  std::string s;
  if (is_ptfold_key(key)) {
    const std::string body = key.substr(std::string("ptfold: ").size());
    const size_t colon = body.find(": "), on = body.rfind(" on ");
    s = body.substr(0, colon) + "--" + body.substr(colon + 2, on - colon - 2) + "--" + body.substr(on + 4);
  } else {
    uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across runs and builds
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    s = fmt::format("crash-{:016x}", h);
  }
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  return s;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string find_tool(const std::vector<std::string>& names) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  for (const std::string& n : names) {
    size_t start = 0;
    while (start <= p.size()) {
      const size_t end = p.find(':', start);
      const fs::path cand = fs::path(p.substr(start, end - start)) / n;
      if (::access(cand.c_str(), X_OK) == 0) return cand.string();
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  return {};
}

// The first enclosing directory with a CMakeCache.txt: a build tree, which
// a reconfigure or the seed step may wipe.
std::optional<fs::path> enclosing_build_tree(const fs::path& dir) {
  for (fs::path p = fs::weakly_canonical(dir); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "CMakeCache.txt")) return p;
    if (p == p.root_path()) break;
  }
  return std::nullopt;
}

class Campaign {
 public:
  explicit Campaign(Options o) : o_(std::move(o)) {}
  int run();

 private:
  struct Job {
    std::string fuzzer;
    pid_t pid = -1;
    fs::path log;
    size_t log_offset = 0;
    std::string partial;
    Status last;                 // the latest status line
    Clock::time_point last_at;   // when it was read
    uint64_t final_runs = 0;     // stat::number_of_executed_units / Done N runs
    bool running = false;
    Stopper stop;                // asked to stop (a merge epoch, the time budget, Ctrl-C)
  };

  // --- setup -----------------------------------------------------------------
  void resolve_selection();
  void check_binaries();
  fs::path binary(const std::string& fuzzer) const { return o_.fuzz_build / "fuzz" / fuzzer; }
  Env worker_env() const;
  void seed_corpus(const std::string& fuzzer);
  // --- fuzzing ---------------------------------------------------------------
  void start_job(Job& j, unsigned slot);
  void read_log(Job& j);
  void finish_job(Job& j, int status);
  uint64_t session_execs(bool estimate) const;
  void merge(const std::string& fuzzer);
  bool budget_left() const;
  // --- findings --------------------------------------------------------------
  void handle_crash(const std::string& fuzzer, const fs::path& artifact, const std::string& key, int depth = 0);
  std::pair<std::string, std::string> classify(const std::string& fuzzer, const fs::path& input);
  void minimise(json& f, int depth);
  void finalise(json& f);
  void quarantine_if_corpus(const std::string& fuzzer, const fs::path& artifact);
  std::optional<std::string> geometry_of(const std::string& fuzzer, const std::vector<uint8_t>& bytes) const;
  // --- reporting -------------------------------------------------------------
  void progress(bool final_line);
  void sample();
  json coverage_by_geometry();
  json source_coverage();
  void save_state();
  double elapsed() const { return prior_elapsed_ + seconds_since(start_); }

  Options o_;
  json state_;
  std::vector<harness::Pair> pairs_;
  Clock::time_point start_ = Clock::now(), last_progress_{}, last_sample_{};
  double prior_elapsed_ = 0;
  uint64_t prior_execs_ = 0;
  uint64_t done_execs_ = 0;  // this session, finished jobs
  uint64_t last_sample_execs_ = 0;
  double last_sample_time_ = 0;
  std::vector<Job> jobs_;
  std::map<std::string, uint64_t> cov_, ft_;  // best seen per fuzzer
  std::map<std::string, int> repeat_;          // consecutive same-input crashes per fuzzer
  std::set<std::string> disabled_;
  std::string stop_reason_;
  bool tty_ = false;
  unsigned epoch_ = 0;
  int lock_fd_ = -1;  // flock()ed DIR/campaign.lock, released when the process ends
};

// --- setup -------------------------------------------------------------------

void Campaign::resolve_selection() {
  const fs::path state_file = o_.dir / "campaign.json";
  if (fs::exists(state_file)) {
    try {
      state_ = json::parse(read_text(state_file));
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{} is not a campaign state file ({})", state_file.string(), e.what()),
                       "give a new directory, or remove the file to start over");
    }
    if (state_.value("schema", "") != kSchema)
      throw UsageError(fmt::format("{} has schema '{}', not {}", state_file.string(), state_.value("schema", ""), kSchema),
                       "start a new campaign directory");
    const json& sel = state_["selection"];
    const auto mismatch = [&](const char* what, const std::string& was, const std::string& now) {
      throw UsageError(fmt::format("{} holds a campaign with {} '{}', not '{}'", o_.dir.string(), what, was, now),
                       fmt::format("resume it without --{0} (or with --{0} {1}), or give another directory", what, was));
    };
    const std::string v = sel["variant"], g = sel["geometry"];
    if (!o_.variant.empty() && o_.variant != v) mismatch("variant", v, o_.variant);
    if (!o_.geometry.empty() && o_.geometry != g) mismatch("geometry", g, o_.geometry);
    const std::vector<std::string> f = sel["fuzzers"];
    if (!o_.fuzzers.empty() && o_.fuzzers != f)
      mismatch("fuzzer", fmt::format("{}", fmt::join(f, ",")), fmt::format("{}", fmt::join(o_.fuzzers, ",")));
    o_.variant = v;
    o_.geometry = g;
    o_.fuzzers = f;
    prior_elapsed_ = state_.value("elapsed_s", 0.0);
    prior_execs_ = state_.value("execs", uint64_t{0});
  } else {
    if (o_.variant.empty()) o_.variant = "upstream";
    if (o_.geometry.empty()) o_.geometry = "*";
    if (o_.fuzzers.empty()) o_.fuzzers = kDefaultFuzzers;
    state_ = json::object();
    state_["schema"] = kSchema;
    state_["selection"] = {{"variant", o_.variant}, {"geometry", o_.geometry}, {"fuzzers", o_.fuzzers}};
    state_["elapsed_s"] = 0.0;
    state_["execs"] = 0;
    state_["seeded"] = json::object();
    state_["sessions"] = json::array();
    state_["history"] = json::array();
    state_["crashes"] = json::object();
    state_["findings"] = json::array();
  }
  if (o_.variant != "upstream") cli::select_variants(o_.variant);  // UsageError naming the fix
  cli::select_geometries(o_.geometry);
  pairs_ = fuzz::pairs_for(o_.variant, o_.geometry);
  if (pairs_.empty())
    throw UsageError(fmt::format("variant '{}' runs on none of the geometries '{}'", o_.variant, o_.geometry),
                     "`ptfold variants` lists each variant's family; pick geometries of that family");
}

void Campaign::check_binaries() {
  for (const std::string& f : o_.fuzzers) {
    const fs::path b = binary(f);
    if (!fs::exists(b))
      throw UsageError(fmt::format("no libFuzzer build of {} at {}", f, b.string()),
                       fmt::format("build it: cmake --preset fuzz && cmake --build build/fuzz --target {} "
                                   "ptfold_fuzz_seeds; or give --fuzz-build DIR",
                                   fmt::join(o_.fuzzers, " ")));
    // A replay main (the dev/asan presets' fuzz binaries) takes -help=1 for
    // a file name and fails; libFuzzer prints its usage and exits 0.
    const fs::path log = o_.dir / "logs" / "check.log";
    fs::remove(log);
    if (run_command({b.string(), "-help=1"}, {}, log) != 0 || read_text(log).find("Usage:") == std::string::npos)
      throw UsageError(fmt::format("{} is not linked with libFuzzer (a replay build)", b.string()),
                       "give the `fuzz` preset's build directory: --fuzz-build build/fuzz");
  }
}

Env Campaign::worker_env() const {
  Env env = {{"PTFOLD_VARIANT", o_.variant}};
  if (o_.geometry != "*") env.emplace_back("PTFOLD_GEOMETRY", o_.geometry);
  return env;
}

// First use: the corpus starts from corpus/scenarios. fuzz_ops gets each
// scenario encoded for this campaign's selection (encode_ops, what the
// build's seed compiler runs; a scenario of an upstream model also seeds
// the selected bug variants of its family on the same geometry); fuzz_walk
// gets the seed compiler's placement set.
void Campaign::seed_corpus(const std::string& fuzzer) {
  const fs::path dir = o_.dir / "corpus" / fuzzer;
  if (state_["seeded"].contains(fuzzer)) {
    fs::create_directories(dir);
    return;
  }
  const fs::path tmp = o_.dir / "tmp" / "seeds";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::vector<fs::path> scns;
  for (const fs::path& p : sorted_files(o_.scenarios))
    if (p.extension() == ".scn") scns.push_back(p);
  if (scns.empty())
    throw UsageError(fmt::format("no scenarios (*.scn) in {} to seed the corpus from", o_.scenarios.string()),
                     "give the repository's corpus/scenarios with --scenarios DIR");
  size_t n = 0;
  if (fuzzer == "fuzz_ops") {
    for (const fs::path& p : scns) {
      fuzz::Scenario s;
      try {
        s = fuzz::parse_text(read_text(p));
      } catch (const fuzz::ScenarioError& e) {
        throw UsageError(fmt::format("{}: {}", p.string(), e.what()), "fix the scenario text (see fuzz/scenario.h)");
      }
      for (const harness::Pair& pr : pairs_) {
        if (pr.geometry->name != s.geometry) continue;
        const tgt::VariantInfo* up = tgt::upstream_for_family(pr.variant->family);
        if (pr.variant->name != s.variant && !(up && up->name == s.variant)) continue;
        fuzz::Scenario t = s;
        t.variant = pr.variant->name;
        std::vector<uint8_t> bytes;
        try {
          bytes = fuzz::encode_ops(t, pairs_);
        } catch (const fuzz::ScenarioError&) {
          continue;  // e.g. a phys offset this variant's PA size cannot choose
        }
        write_text(tmp / fmt::format("{}-{}.bin", p.stem().string(), pr.variant->name),
                   std::string(bytes.begin(), bytes.end()));
        ++n;
      }
    }
  } else if (fuzzer == "fuzz_walk") {
    const fs::path compiler = o_.fuzz_build / "fuzz" / "ptfold_fuzz_seeds";
    if (!fs::exists(compiler))
      throw UsageError(fmt::format("no seed compiler at {}", compiler.string()),
                       "build it: cmake --build build/fuzz --target ptfold_fuzz_seeds");
    std::vector<std::string> argv = {compiler.string(), (tmp / "out").string()};
    for (const fs::path& p : scns) argv.push_back(p.string());
    const fs::path log = o_.dir / "logs" / "seeds.log";
    fs::remove(log);
    if (run_command(argv, {}, log) != 0)
      throw UsageError(fmt::format("the seed compiler failed: {}", read_text(log)), "fix the scenarios");
    for (const fs::path& p : sorted_files(tmp / "out" / "fuzz_walk")) {
      fs::rename(p, tmp / p.filename());
      ++n;
    }
    fs::remove_all(tmp / "out");
  }
  // The seeds enter the corpus through libFuzzer's merge, which runs each
  // in a child process and goes on after a crash: a seed that already finds
  // a bug (a bug variant's) becomes a finding here instead of ending every
  // worker at start-up, and only seeds that add coverage are kept.
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::create_directories(o_.dir / "crashes" / fuzzer);
  const fs::path log = o_.dir / "logs" / fmt::format("seed-merge-{}.log", fuzzer);
  fs::remove(log);
  const int st = run_command({binary(fuzzer).string(), "-merge=1", kUnitTimeout,
                              "-merge_control_file=" + (o_.dir / "tmp" / "seed-merge.ctl").string(),
                              "-artifact_prefix=" + (o_.dir / "crashes" / fuzzer).string() + "/", dir.string(),
                              tmp.string()},
                             worker_env(), log, 1);
  if (g_stop) throw UsageError("interrupted while seeding the corpus", "run the campaign again to seed it");
  if (st != 0) {  // keep every seed; the workers' quarantine handles crashing ones
    fs::remove_all(dir);
    fs::rename(tmp, dir);
  }
  fs::remove_all(tmp);
  fs::remove(o_.dir / "tmp" / "seed-merge.ctl");
  state_["seeded"][fuzzer] = n;
  for (const Crash& c : parse_crashes(read_text(log)))
    if (fs::exists(c.artifact)) handle_crash(fuzzer, c.artifact, c.key);
}

// --- fuzzing -----------------------------------------------------------------

void Campaign::start_job(Job& j, unsigned slot) {
  j.log = o_.dir / "logs" / fmt::format("{}-w{}.log", j.fuzzer, slot);
  fs::remove(j.log);
  fs::create_directories(o_.dir / "crashes" / j.fuzzer);
  std::vector<std::string> argv = {binary(j.fuzzer).string(),
                                   "-artifact_prefix=" + (o_.dir / "crashes" / j.fuzzer).string() + "/",
                                   "-print_final_stats=1", kUnitTimeout};
  if (o_.time_budget_s > 0) {
    const double left = o_.time_budget_s - seconds_since(start_);
    argv.push_back(fmt::format("-max_total_time={}", static_cast<long>(std::max(1.0, std::ceil(left))) + 5));
  }
  if (o_.run_budget > 0) {
    uint64_t committed = done_execs_;
    for (const Job& k : jobs_)
      if (k.running) committed += std::max<uint64_t>(k.last.runs, 0);
    const uint64_t left = o_.run_budget > committed ? o_.run_budget - committed : 1;
    argv.push_back(fmt::format("-runs={}", std::max<uint64_t>(1, (left + o_.workers - 1) / o_.workers)));
  }
  if (o_.seed) argv.push_back(fmt::format("-seed={}", o_.seed + 1000 * epoch_ + slot + done_execs_ % 997));
  argv.push_back((o_.dir / "corpus" / j.fuzzer).string());
  j.pid = spawn(argv, worker_env(), j.log);
  j.log_offset = 0;
  j.partial.clear();
  j.last = Status{};
  j.last_at = Clock::now();
  j.final_runs = 0;
  j.running = true;
  j.stop = Stopper{};
}

void Campaign::read_log(Job& j) {
  std::FILE* f = std::fopen(j.log.c_str(), "rb");
  if (!f) return;
  std::fseek(f, static_cast<long>(j.log_offset), SEEK_SET);
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    j.log_offset += n;
    j.partial.append(buf, n);
  }
  std::fclose(f);
  size_t nl;
  while ((nl = j.partial.find('\n')) != std::string::npos) {
    const std::string line = j.partial.substr(0, nl);
    j.partial.erase(0, nl + 1);
    if (auto s = parse_status(line)) {
      if (s->has_cov) {
        j.last = *s;
        j.last_at = Clock::now();
        cov_[j.fuzzer] = std::max(cov_[j.fuzzer], s->cov);
        ft_[j.fuzzer] = std::max(ft_[j.fuzzer], s->ft);
      }
      j.final_runs = std::max(j.final_runs, s->runs);
    } else if (line.rfind("stat::number_of_executed_units: ", 0) == 0) {
      j.final_runs = std::max<uint64_t>(j.final_runs, std::stoull(line.substr(32)));
    }
  }
}

uint64_t Campaign::session_execs(bool estimate) const {
  uint64_t n = done_execs_;
  for (const Job& j : jobs_) {
    if (!j.running) continue;
    uint64_t r = std::max(j.last.runs, j.final_runs);
    // Between libFuzzer's status lines (at powers of two), extrapolate from
    // the last line's exec/s; the exact count replaces it when the job ends.
    if (estimate && j.last.exec_s)
      r += static_cast<uint64_t>(static_cast<double>(j.last.exec_s) * std::min(seconds_since(j.last_at), 60.0));
    n += r;
  }
  return n;
}

void Campaign::finish_job(Job& j, int status) {
  read_log(j);
  j.running = false;
  j.last.runs = std::max(j.last.runs, j.final_runs);
  done_execs_ += j.last.runs;
  const std::string text = read_text(j.log);
  std::optional<Crash> c = parse_crash(text);
  if (c && fs::exists(c->artifact)) {
    quarantine_if_corpus(j.fuzzer, c->artifact);
    handle_crash(j.fuzzer, c->artifact, c->key);
    return;
  }
  repeat_[j.fuzzer] = 0;
  if (status != 0 && !j.stop.requested()) {
    // Not a crash libFuzzer recorded: a usage error of the fuzz binary or a
    // broken build. Nothing later would run better.
    std::string tail = text.size() > 2000 ? text.substr(text.size() - 2000) : text;
    throw UsageError(fmt::format("{} exited with status {} and no crash input; its output ends:\n{}", j.fuzzer,
                                 status, tail),
                     fmt::format("see {}", j.log.string()));
  }
}

// A crash on an input of the corpus itself (a seed that already finds the
// bug) would end every later job at start-up: the input moves out of the
// corpus into quarantine/.
void Campaign::quarantine_if_corpus(const std::string& fuzzer, const fs::path& artifact) {
  bool moved = false;
  for (const fs::path& p : sorted_files(o_.dir / "corpus" / fuzzer))
    if (same_bytes(p, artifact)) {
      fs::create_directories(o_.dir / "quarantine" / fuzzer);
      fs::rename(p, o_.dir / "quarantine" / fuzzer / p.filename());
      moved = true;
    }
  if (!moved && ++repeat_[fuzzer] >= 5 && !disabled_.count(fuzzer)) {
    std::fprintf(stdout, "campaign: %s crashed %d times in a row at start-up; not restarting it this session\n",
                 fuzzer.c_str(), repeat_[fuzzer]);
    disabled_.insert(fuzzer);
  }
  if (moved) repeat_[fuzzer] = 0;
}

// libFuzzer's corpus minimisation (-merge=1) into a fresh directory, which
// then replaces the corpus; an interrupted merge leaves the corpus as it was.
void Campaign::merge(const std::string& fuzzer) {
  const fs::path corpus = o_.dir / "corpus" / fuzzer, out = o_.dir / "tmp" / ("merge-" + fuzzer);
  fs::remove_all(out);
  fs::create_directories(out);
  const fs::path log = o_.dir / "logs" / fmt::format("merge-{}.log", fuzzer);
  fs::remove(log);
  const size_t before = count_files(corpus);
  const int st = run_command({binary(fuzzer).string(), "-merge=1", kUnitTimeout,
                      "-merge_control_file=" + (o_.dir / "tmp" / ("merge-" + fuzzer + ".ctl")).string(),
                      "-artifact_prefix=" + (o_.dir / "tmp").string() + "/", out.string(), corpus.string()},
                     worker_env(), log, 1);
  fs::remove(o_.dir / "tmp" / ("merge-" + fuzzer + ".ctl"));
  if (st != 0 || g_stop) {
    fs::remove_all(out);
    return;
  }
  const fs::path old = o_.dir / "tmp" / ("old-" + fuzzer);
  fs::remove_all(old);
  fs::rename(corpus, old);
  fs::rename(out, corpus);
  fs::remove_all(old);
  json& m = state_["merges"];
  if (!m.is_array()) m = json::array();
  m.push_back({{"elapsed_s", std::round(elapsed())}, {"fuzzer", fuzzer}, {"before", before},
               {"after", count_files(corpus)}});
}

bool Campaign::budget_left() const {
  if (o_.time_budget_s > 0 && seconds_since(start_) >= o_.time_budget_s) return false;
  if (o_.run_budget > 0 && session_execs(false) >= o_.run_budget) return false;
  return true;
}

// --- findings ----------------------------------------------------------------

// Runs one input through the fuzz binary: the finding's key and our report.
std::pair<std::string, std::string> Campaign::classify(const std::string& fuzzer, const fs::path& input) {
  const fs::path tmp = o_.dir / "tmp" / "classify";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  const fs::path log = tmp / "run.log";
  run_command({binary(fuzzer).string(), "-runs=1", kUnitTimeout, "-artifact_prefix=" + tmp.string() + "/", input.string()},
      worker_env(), log, 3);
  const std::string text = read_text(log);
  std::string key, report, summary;
  std::optional<Crash> c = parse_crash(text);
  if (c) return {c->key, c->report};
  return {"", ""};  // no crash: the input does not reproduce
}

std::optional<std::string> Campaign::geometry_of(const std::string& fuzzer, const std::vector<uint8_t>& b) const {
  if (fuzzer == "fuzz_ops") {
    fuzz::Scenario s;
    if (fuzz::is_scenario_text(b.data(), b.size())) {
      try {
        return fuzz::parse_text(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())).geometry;
      } catch (const fuzz::ScenarioError&) {
        return std::nullopt;
      }
    }
    if (!fuzz::decode_ops(b.data(), b.size(), pairs_, &s)) return std::nullopt;
    return s.geometry;
  }
  if (fuzzer == "fuzz_walk") {  // byte 0 picks the pair (fuzz/walk.cc)
    if (b.size() < 2) return std::nullopt;
    return pairs_[b[0] % pairs_.size()].geometry->name;
  }
  return std::nullopt;
}

void Campaign::handle_crash(const std::string& fuzzer, const fs::path& artifact, const std::string& key, int depth) {
  json& crashes = state_["crashes"];
  crashes[key] = crashes.value(key, uint64_t{0}) + 1;
  json* existing = nullptr;
  for (json& f : state_["findings"])
    if (f["key"] == key) existing = &f;
  // One finding per first line. A fuzz_ops reproducer replaces another
  // target's: `ptfold replay` runs it.
  if (existing && !((*existing)["fuzzer"] != "fuzz_ops" && fuzzer == "fuzz_ops")) {
    (*existing)["hits"] = (*existing)["hits"].get<uint64_t>() + 1;
    fs::remove(artifact);
    return;
  }
  const uint64_t hits = existing ? (*existing)["hits"].get<uint64_t>() + 1 : 1;
  std::string slug = existing ? (*existing)["dir"].get<std::string>().substr(9) : slug_for(key);
  if (!existing)
    for (int i = 2; fs::exists(o_.dir / "findings" / slug); ++i) slug = slug_for(key) + fmt::format("-{}", i);
  const fs::path dir = o_.dir / "findings" / slug;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(artifact, dir / "original.bin", fs::copy_options::overwrite_existing);
  fs::remove(artifact);
  json f = {{"key", key}, {"fuzzer", fuzzer}, {"found_at_s", std::round(elapsed())}, {"hits", hits},
            {"dir", "findings/" + slug}, {"original_bytes", fs::file_size(dir / "original.bin")},
            {"minimised", false}, {"minimised_bytes", fs::file_size(dir / "original.bin")}};
  if (existing) f["found_at_s"] = (*existing)["found_at_s"];
  fs::copy_file(dir / "original.bin", dir / "crash.bin", fs::copy_options::overwrite_existing);
  const bool replacing = existing != nullptr;
  existing = nullptr;  // minimise() may add findings: the array can move
  if (!g_stop) minimise(f, depth);
  finalise(f);
  if (replacing) {
    for (json& e : state_["findings"])
      if (e["key"] == key) e = f;
  } else {
    state_["findings"].push_back(f);
  }
  save_state();
  std::fprintf(stdout, "campaign: %s finding: %s\n", replacing ? "better" : "new", key.c_str());
  std::fflush(stdout);
}

// libFuzzer's -minimize_crash=1, checked: a smaller input counts only when
// it still gives the same first line. A minimisation that drifted to
// another crash is that crash's input, handled as one.
void Campaign::minimise(json& f, int depth) {
  const fs::path dir = o_.dir / f["dir"].get<std::string>();
  const std::string fuzzer = f["fuzzer"], key = f["key"];
  const fs::path tmp = o_.dir / "tmp" / "minimise";
  Env env = worker_env();
  const char* asan = std::getenv("ASAN_OPTIONS");
  // Lets libFuzzer stop a minimisation step that changes the crash's stack.
  env.emplace_back("ASAN_OPTIONS", std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "dedup_token_length=10");
  bool done = false;
  for (int attempt = 1; attempt <= 3 && !g_stop; ++attempt) {
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    const fs::path out = tmp / "min.bin", log = o_.dir / "logs" / "minimise.log";
    fs::remove(log);
    run_command({binary(fuzzer).string(), "-minimize_crash=1", kUnitTimeout, fmt::format("-runs={}", o_.minimize_runs), "-max_total_time=30",
         fmt::format("-seed={}", attempt), "-exact_artifact_path=" + out.string(),
         "-artifact_prefix=" + tmp.string() + "/", (dir / "crash.bin").string()},
        env, log, 1);
    if (g_stop) break;
    if (!fs::exists(out)) {  // libFuzzer found nothing smaller: already minimal
      done = true;
      break;
    }
    const auto [k, report] = classify(fuzzer, out);
    if (k == key) {
      const bool smaller = fs::file_size(out) < fs::file_size(dir / "crash.bin");
      if (smaller) fs::copy_file(out, dir / "crash.bin", fs::copy_options::overwrite_existing);
      done = true;
      if (!smaller) break;
      // A second pass from the smaller input rarely finds more; one is enough.
      break;
    }
    if (!k.empty() && depth == 0) {
      const fs::path keep = o_.dir / "crashes" / fuzzer / fmt::format("drift-{}.bin", attempt);
      fs::create_directories(keep.parent_path());
      fs::copy_file(out, keep, fs::copy_options::overwrite_existing);
      handle_crash(fuzzer, keep, k, depth + 1);
    }
  }
  fs::remove_all(tmp);
  f["minimised"] = done;
  f["minimised_bytes"] = fs::file_size(dir / "crash.bin");
}

// The finding's files: crash.bin (bytes), finding.scn (scenario text, for
// fuzz_ops) or finding.txt (fuzz_walk's case), report.txt, and the replay
// command, checked to give the same first line.
void Campaign::finalise(json& f) {
  const fs::path dir = o_.dir / f["dir"].get<std::string>();
  const std::string fuzzer = f["fuzzer"], key = f["key"];
  const auto [k, report] = classify(fuzzer, dir / "crash.bin");
  write_text(dir / "report.txt", report.empty() ? key + "\n" : report);
  f["reproduces"] = k == key;
  std::string env;
  for (const auto& [name, value] : worker_env()) env += name + "=" + shell_quote(value) + " ";
  f["replay_binary"] = fmt::format("{}{} {}/crash.bin", env, binary(fuzzer).string(), f["dir"].get<std::string>());
  if (is_ptfold_key(key)) {
    const size_t on = key.rfind(" on ");
    const std::string body = key.substr(8, on - 8);
    f["class"] = body.substr(0, body.find(": "));
    f["helper"] = body.substr(body.find(": ") + 2);
    f["geometry"] = key.substr(on + 4);
  }
  f["replay_verified"] = false;
  if (fuzzer == "fuzz_ops") {
    const std::vector<uint8_t> b = read_bytes(dir / "crash.bin");
    fuzz::Scenario s;
    bool ok = false;
    if (fuzz::is_scenario_text(b.data(), b.size())) {
      try {
        s = fuzz::parse_text(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        ok = true;
      } catch (const fuzz::ScenarioError&) {
      }
    } else {
      ok = fuzz::decode_ops(b.data(), b.size(), pairs_, &s);
    }
    if (ok) {
      f["variant"] = s.variant;
      // The comment goes after the magic line, which must stay first.
      const std::string canonical = fuzz::to_text(s);
      const size_t nl = canonical.find('\n') + 1;
      const std::string text = fmt::format(
          "{}# {}\n# found by fuzz_ops in `ptfold campaign` (variant {}, geometries {}); replay:\n"
          "#   ptfold replay {}/finding.scn\n{}",
          canonical.substr(0, nl), key, o_.variant, o_.geometry, f["dir"].get<std::string>(), canonical.substr(nl));
      write_text(dir / "finding.scn", text);
      f["scenario"] = f["dir"].get<std::string>() + "/finding.scn";
      f["replay"] = fmt::format("ptfold replay {}/finding.scn", f["dir"].get<std::string>());
      // What `ptfold replay` will do with the file: parse it, run it.
      try {
        const fuzz::RunResult r = fuzz::run_scenario(fuzz::parse_text(text));
        f["replay_verified"] = r.finding && r.finding->first_line() == key;
        f["replay_first_line"] = r.finding ? r.finding->first_line() : "(no finding)";
      } catch (const std::exception& e) {
        f["replay_first_line"] = std::string("(replay failed: ") + e.what() + ")";
      }
    }
  } else {
    const std::vector<uint8_t> b = read_bytes(dir / "crash.bin");
    if (fuzzer == "fuzz_walk" && !b.empty()) f["variant"] = pairs_[b[0] % pairs_.size()].variant->name;
    const size_t at = report.find("op trace");
    const size_t nl = at == std::string::npos ? std::string::npos : report.find('\n', at);
    if (nl != std::string::npos) {
      write_text(dir / "finding.txt", fmt::format("# {}\n# found by {} in `ptfold campaign`; replay:\n#   {}\n{}", key,
                                                  fuzzer, f["replay_binary"].get<std::string>(), report.substr(nl + 1)));
      f["scenario"] = f["dir"].get<std::string>() + "/finding.txt";
    }
    f["replay"] = f["replay_binary"];
    f["replay_verified"] = k == key;
    f["replay_first_line"] = k;
  }
}

// --- reporting ---------------------------------------------------------------

void Campaign::progress(bool final_line) {
  const double every = o_.progress_every_s > 0 ? o_.progress_every_s : (tty_ ? 1.0 : 10.0);
  if (!final_line && seconds_since(last_progress_) < every) return;
  const double dt = std::max(1e-3, seconds_since(last_progress_));
  static uint64_t last_execs = 0;
  const uint64_t execs = session_execs(true);
  const double rate = static_cast<double>(execs >= last_execs ? execs - last_execs : 0) / dt;
  last_execs = execs;
  last_progress_ = Clock::now();
  size_t corpus = 0;
  std::string cov;
  for (const std::string& f : o_.fuzzers) {
    corpus += count_files(o_.dir / "corpus" / f);
    cov += fmt::format(" {}={}", f, cov_[f]);
  }
  const long e = static_cast<long>(elapsed());
  const std::string line =
      fmt::format("campaign {}:{:02}:{:02}  execs {}  {:.0f} exec/s  cov{}  corpus {}  findings {}", e / 3600,
                  e / 60 % 60, e % 60, prior_execs_ + execs, rate, cov, corpus, state_["findings"].size());
  // A terminal gets one line rewritten in place; a pipe or file, plain lines.
  if (tty_) std::fprintf(stdout, "\r\x1b[K%s%s", line.c_str(), final_line ? "\n" : "");
  else std::fprintf(stdout, "%s\n", line.c_str());
  std::fflush(stdout);
}

void Campaign::sample() {
  const double now = elapsed();
  const uint64_t execs = prior_execs_ + session_execs(false);
  json cov = json::object();
  for (const std::string& f : o_.fuzzers) cov[f] = cov_[f];
  size_t corpus = 0;
  for (const std::string& f : o_.fuzzers) corpus += count_files(o_.dir / "corpus" / f);
  const double dt = now - last_sample_time_;
  state_["history"].push_back(
      {{"elapsed_s", std::round(now)},
       {"execs", execs},
       {"exec_per_s", dt > 0 ? std::round(static_cast<double>(execs - std::min(execs, last_sample_execs_)) / dt) : 0.0},
       {"cov", cov},
       {"corpus", corpus},
       {"findings", state_["findings"].size()}});
  last_sample_time_ = now;
  last_sample_execs_ = execs;
  last_sample_ = Clock::now();
}

// Per fuzz target and geometry: how many corpus inputs run on the geometry
// and the coverage libFuzzer counts for them (-runs=0 loads and runs a
// corpus, then prints "INITED cov: N ft: M").
json Campaign::coverage_by_geometry() {
  json out = json::object();
  const auto measure = [&](const std::string& fuzzer, const fs::path& dir) -> std::pair<uint64_t, uint64_t> {
    const fs::path log = o_.dir / "tmp" / "cov.log";
    fs::remove(log);
    run_command({binary(fuzzer).string(), "-runs=0", kUnitTimeout, "-artifact_prefix=" + (o_.dir / "tmp").string() + "/", dir.string()},
        worker_env(), log, 2);
    std::istringstream in(read_text(log));
    std::string line;
    std::pair<uint64_t, uint64_t> r{0, 0};
    while (std::getline(in, line))
      if (auto s = parse_status(line); s && s->has_cov && line.find("INITED") != std::string::npos) r = {s->cov, s->ft};
    return r;
  };
  for (const std::string& fuzzer : o_.fuzzers) {
    if (g_stop >= 2) break;
    const fs::path corpus = o_.dir / "corpus" / fuzzer;
    json t = json::object();
    const auto [cov, ft] = measure(fuzzer, corpus);
    t["inputs"] = count_files(corpus);
    t["cov"] = cov;
    t["ft"] = ft;
    cov_[fuzzer] = std::max(cov_[fuzzer], cov);
    std::map<std::string, std::vector<fs::path>> by_geometry;
    for (const fs::path& p : sorted_files(corpus))
      if (auto g = geometry_of(fuzzer, read_bytes(p))) by_geometry[*g].push_back(p);
    json geos = json::object();
    for (const harness::Pair& pr : pairs_) {
      const std::string& g = pr.geometry->name;
      if (geos.contains(g) || g_stop >= 2) continue;
      auto it = by_geometry.find(g);
      if (it == by_geometry.end()) {
        if (fuzzer == "fuzz_ops" || fuzzer == "fuzz_walk") geos[g] = {{"inputs", 0}, {"cov", 0}, {"ft", 0}};
        continue;
      }
      const fs::path sub = o_.dir / "tmp" / "by-geometry";
      fs::remove_all(sub);
      fs::create_directories(sub);
      for (const fs::path& p : it->second) {
        std::error_code ec;
        fs::create_hard_link(p, sub / p.filename(), ec);
        if (ec) fs::copy_file(p, sub / p.filename());
      }
      const auto [gc, gf] = measure(fuzzer, sub);
      geos[g] = {{"inputs", it->second.size()}, {"cov", gc}, {"ft", gf}};
      fs::remove_all(sub);
    }
    if (!geos.empty()) t["geometries"] = geos;
    out[fuzzer] = t;
  }
  return out;
}

// `--coverage`: the corpus replayed by the coverage preset's binaries
// (source-based coverage), merged with llvm-profdata, rendered by llvm-cov.
json Campaign::source_coverage() {
  json out = json::object();
  const std::string profdata = find_tool({"llvm-profdata", "llvm-profdata-14"});
  const std::string llvm_cov = find_tool({"llvm-cov", "llvm-cov-14"});
  const fs::path cdir = o_.dir / "coverage";
  fs::remove_all(cdir / "raw");
  fs::create_directories(cdir / "raw");
  std::vector<std::string> objects;
  for (const std::string& f : o_.fuzzers) {
    const fs::path bin = o_.coverage_build / "fuzz" / f;
    const fs::path log = o_.dir / "logs" / fmt::format("coverage-{}.log", f);
    fs::remove(log);
    Env env = worker_env();
    env.emplace_back("LLVM_PROFILE_FILE", (cdir / "raw" / (f + ".profraw")).string());
    const int st = run_command({bin.string(), (o_.dir / "corpus" / f).string()}, env, log, 2);
    if (st != 0) out["errors"].push_back(fmt::format("{} exited with status {} (see {})", f, st, log.string()));
    objects.push_back(bin.string());
  }
  std::vector<std::string> merge = {profdata, "merge", "-sparse", "-o", (cdir / "campaign.profdata").string()};
  for (const fs::path& p : sorted_files(cdir / "raw")) merge.push_back(p.string());
  const fs::path log = o_.dir / "logs" / "coverage.log";
  fs::remove(log);
  if (merge.size() == 5 || run_command(merge, {}, log, 2) != 0) {
    out["errors"].push_back("llvm-profdata merge failed (see logs/coverage.log)");
    return out;
  }
  std::vector<std::string> show = {llvm_cov, "show", "-format=html", "-output-dir=" + (cdir / "html").string(),
                                   "-instr-profile=" + (cdir / "campaign.profdata").string(),
                                   "-ignore-filename-regex=^/usr/", objects[0]};
  for (size_t i = 1; i < objects.size(); ++i) show.insert(show.end(), {"-object", objects[i]});
  fs::remove_all(cdir / "html");
  if (run_command(show, {}, log, 2) != 0 || !fs::exists(cdir / "html" / "index.html")) {
    out["errors"].push_back("llvm-cov show failed (see logs/coverage.log)");
    return out;
  }
  out["html"] = "coverage/html/index.html";
  // Totals over the code under test (targets/) from llvm-cov's JSON export.
  std::vector<std::string> exp = {llvm_cov, "export", "-summary-only",
                                  "-instr-profile=" + (cdir / "campaign.profdata").string(), objects[0]};
  for (size_t i = 1; i < objects.size(); ++i) exp.insert(exp.end(), {"-object", objects[i]});
  const fs::path js = o_.dir / "tmp" / "coverage-export.json";
  fs::remove(js);
  {
    const pid_t pid = spawn(exp, {}, js, o_.dir / "logs" / "coverage.log");  // warnings apart from the JSON
    std::optional<int> st;
    while (!(st = poll_exit(pid))) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  try {
    const json e = json::parse(read_text(js));
    const std::string source = fs::weakly_canonical(o_.scenarios / ".." / "..").string();
    std::map<std::string, std::array<uint64_t, 6>> acc;  // lines, functions, regions: covered/count
    for (const json& file : e["data"][0]["files"]) {
      // Compilers record paths as given (build/coverage/../../targets/...).
      const std::string name = fs::path(file["filename"].get<std::string>()).lexically_normal().string();
      std::string area = "other";
      if (name.rfind(source + "/", 0) == 0) {
        const std::string rel = name.substr(source.size() + 1);
        area = rel.substr(0, rel.find('/'));
      }
      auto& a = acc[area];
      const json& s = file["summary"];
      a[0] += s["lines"]["covered"].get<uint64_t>();
      a[1] += s["lines"]["count"].get<uint64_t>();
      a[2] += s["functions"]["covered"].get<uint64_t>();
      a[3] += s["functions"]["count"].get<uint64_t>();
      a[4] += s["regions"]["covered"].get<uint64_t>();
      a[5] += s["regions"]["count"].get<uint64_t>();
    }
    json areas = json::object();
    for (const auto& [area, a] : acc)
      areas[area] = {{"lines", {{"covered", a[0]}, {"count", a[1]}}},
                     {"functions", {{"covered", a[2]}, {"count", a[3]}}},
                     {"regions", {{"covered", a[4]}, {"count", a[5]}}}};
    out["by_directory"] = areas;
  } catch (const std::exception& ex) {
    out["errors"].push_back(std::string("llvm-cov export: ") + ex.what());
  }
  fs::remove(js);
  return out;
}

void Campaign::save_state() {
  state_["elapsed_s"] = std::round(elapsed());
  state_["execs"] = prior_execs_ + session_execs(false);
  write_text(o_.dir / "campaign.json", state_.dump(2) + "\n");
}

int Campaign::run() {
  if (!o_.kernel_tree.empty())
    throw UsageError("campaigns on a kernel tree need the kernel-tree fuzz targets, which this build does not have",
                     "run the campaign on the models (--variant NAME or upstream) for now");
  if (o_.workers < 1 || o_.workers > 256)
    throw UsageError(fmt::format("--workers {} is out of range", o_.workers), "give 1 to 256 workers");
  if (auto b = enclosing_build_tree(o_.dir))
    throw UsageError(fmt::format("campaign directory {} is inside the build tree {}", o_.dir.string(), b->string()),
                     "give a directory outside build/ (a rebuild may wipe it), e.g. ~/ptfold-campaign");
  fs::create_directories(o_.dir / "logs");
  // One campaign per directory: a second one would merge and delete the
  // corpus under the first one's workers.
  lock_fd_ = ::open((o_.dir / "campaign.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
    throw UsageError(fmt::format("another campaign is running in {}", o_.dir.string()),
                     "wait for it to end or stop it with Ctrl-C, or give another directory");
  fs::remove_all(o_.dir / "tmp");
  fs::create_directories(o_.dir / "tmp");
  resolve_selection();
  check_binaries();
  if (o_.coverage) {
    for (const std::string& f : o_.fuzzers)
      if (!fs::exists(o_.coverage_build / "fuzz" / f))
        throw UsageError(fmt::format("--coverage needs the coverage build of {} at {}", f,
                                     (o_.coverage_build / "fuzz" / f).string()),
                         fmt::format("build it: cmake --preset coverage && cmake --build build/coverage --target {}; "
                                     "or give --coverage-build DIR",
                                     fmt::join(o_.fuzzers, " ")));
    if (find_tool({"llvm-profdata", "llvm-profdata-14"}).empty() || find_tool({"llvm-cov", "llvm-cov-14"}).empty())
      throw UsageError("--coverage needs llvm-profdata and llvm-cov", "run tools/setup.sh (Debian package llvm)");
  }
  tty_ = ::isatty(STDOUT_FILENO) && std::getenv("TERM") && std::string(std::getenv("TERM")) != "dumb";
  install_stop_handlers();
  for (const std::string& f : o_.fuzzers) seed_corpus(f);
  save_state();
  std::fprintf(stdout, "campaign %s: variant %s, geometries '%s' (%zu pairs), %s, %u workers%s\n", o_.dir.c_str(),
               o_.variant.c_str(), o_.geometry.c_str(), pairs_.size(), fmt::format("{}", fmt::join(o_.fuzzers, " ")).c_str(),
               o_.workers, state_["sessions"].empty() ? "" : " (resumed)");
  std::fflush(stdout);
  last_progress_ = start_;
  last_sample_ = start_;
  last_sample_time_ = prior_elapsed_;
  last_sample_execs_ = prior_execs_;
  if (state_["history"].empty()) sample();

  jobs_.resize(o_.workers);
  while (!g_stop && budget_left()) {
    std::vector<std::string> active;
    for (const std::string& f : o_.fuzzers)
      if (!disabled_.count(f)) active.push_back(f);
    if (active.empty()) {
      stop_reason_ = "every fuzz target stopped crashing at start-up";
      break;
    }
    // Worker w fuzzes target (w + epoch * N) mod T: every target gets
    // workers, and with fewer workers than targets they take turns.
    for (unsigned w = 0; w < o_.workers; ++w) {
      jobs_[w].fuzzer = active[(w + epoch_ * o_.workers) % active.size()];
      start_job(jobs_[w], w);
    }
    const Clock::time_point epoch_start = Clock::now();
    bool draining = false;
    for (;;) {
      bool any = false;
      for (unsigned w = 0; w < o_.workers; ++w) {
        Job& j = jobs_[w];
        if (!j.running) continue;
        read_log(j);
        if (auto st = poll_exit(j.pid)) {
          finish_job(j, *st);
          if (!draining && !g_stop && budget_left() && !disabled_.count(j.fuzzer)) start_job(j, w);
        }
        any |= j.running;
      }
      // No new jobs once the budget is spent. Jobs that still run are
      // stopped (libFuzzer ends on SIGINT; new inputs are on disk already)
      // at a merge, at the end of the time budget and on Ctrl-C; under a
      // run budget alone each ends by itself at its own -runs, which
      // start_job sized to what was left.
      if (!budget_left()) draining = true;
      const bool time_up = o_.time_budget_s > 0 && seconds_since(start_) >= o_.time_budget_s;
      if (g_stop || time_up || seconds_since(epoch_start) >= o_.merge_every_s) {
        draining = true;
        for (Job& j : jobs_)
          if (j.running) j.stop.request(j.pid);
      }
      for (Job& j : jobs_)
        if (j.running) j.stop.enforce(j.pid);
      if (!any) break;
      progress(false);
      if (seconds_since(last_sample_) >= 10) sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_stop) break;
    for (const std::string& f : o_.fuzzers) merge(f);
    sample();
    save_state();
    ++epoch_;
  }
  if (stop_reason_.empty())
    stop_reason_ = g_stop ? "interrupted" : (o_.time_budget_s > 0 && seconds_since(start_) >= o_.time_budget_s)
                                                ? "time budget"
                                                : (o_.run_budget > 0 ? "run budget" : "stopped");
  progress(true);
  // Crashes libFuzzer wrote that no job's log named (a job killed mid-way).
  for (const std::string& f : o_.fuzzers)
    for (const fs::path& p : sorted_files(o_.dir / "crashes" / f)) {
      if (g_stop >= 2) break;
      const auto [k, report] = classify(f, p);
      if (k.empty()) fs::remove(p);
      else handle_crash(f, p, k);
    }
  // Findings saved unminimised by an interrupted session are minimised now.
  if (!g_stop)
    for (json& f : state_["findings"])
      if (!f["minimised"].get<bool>()) {
        minimise(f, 1);
        finalise(f);
      }
  sample();
  json session = {{"workers", o_.workers},
                  {"elapsed_s", std::round(seconds_since(start_))},
                  {"execs", session_execs(false)},
                  {"stop", stop_reason_}};
  state_["sessions"].push_back(session);
  save_state();
  json extra = json::object();
  if (g_stop < 2) {
    std::fprintf(stdout, "campaign: measuring coverage per fuzz target and geometry\n");
    std::fflush(stdout);
    extra["coverage"] = coverage_by_geometry();
  }
  if (o_.coverage && g_stop < 2) {
    std::fprintf(stdout, "campaign: coverage HTML from %s\n", o_.coverage_build.c_str());
    std::fflush(stdout);
    extra["source_coverage"] = source_coverage();
  }
  fs::remove_all(o_.dir / "tmp");
  const json report = make_report(state_, extra);
  write_text(o_.dir / "report.json", report.dump(2) + "\n");
  write_text(o_.dir / "report.md", render_markdown(report));
  std::fprintf(stdout, "campaign: %s after %.0f s; %zu unique finding(s); report: %s\n", stop_reason_.c_str(),
               seconds_since(start_), state_["findings"].size(), (o_.dir / "report.md").c_str());
  for (const json& f : state_["findings"])
    std::fprintf(stdout, "  %s\n    replay: %s\n", f["key"].get<std::string>().c_str(),
                 f.value("replay", f.value("replay_binary", "")).c_str());
  std::fflush(stdout);
  return state_["findings"].empty() ? 0 : 1;
}

}  // namespace

double parse_duration(const std::string& text, const std::string& what) {
  double mult = 1;
  std::string num = text;
  if (!num.empty() && std::string("smh").find(num.back()) != std::string::npos) {
    mult = num.back() == 's' ? 1 : num.back() == 'm' ? 60 : 3600;
    num.pop_back();
  }
  size_t used = 0;
  double v = -1;
  try {
    v = std::stod(num, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (num.empty() || used != num.size() || !(v > 0) || !std::isfinite(v))
    throw UsageError(fmt::format("malformed {} '{}'", what, text), "give a positive duration: 600, 600s, 10m or 1h");
  return v * mult;
}

int run_campaign(const Options& o) { return Campaign(o).run(); }

}  // namespace ptfold::campaign
