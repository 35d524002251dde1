// Child processes and libFuzzer output parsing for `ptfold campaign`
// (tools/campaign/libfuzzer.h).
#include "tools/campaign/libfuzzer.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ptfold::campaign {

volatile std::sig_atomic_t g_stop = 0;

namespace {

void on_stop(int) {
  if (g_stop < 2) g_stop = g_stop + 1;
}

// The number after `key` in `line` ("cov: 812" -> 812), if present.
std::optional<uint64_t> field(const std::string& line, const char* key) {
  const size_t at = line.find(key);
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + std::strlen(key);
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return std::nullopt;
  uint64_t v = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(line[i] - '0');
  return v;
}

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

pid_t spawn(const std::vector<std::string>& argv, const Env& env, const fs::path& log, const fs::path& err) {
  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    bool overridden = false;
    for (const auto& [k, v] : env) overridden |= std::strncmp(*e, (k + "=").c_str(), k.size() + 1) == 0;
    if (!overridden) env_strings.emplace_back(*e);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> cenv, cargv;
  for (auto& s : env_strings) cenv.push_back(s.data());
  cenv.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (auto& s : args) cargv.push_back(s.data());
  cargv.push_back(nullptr);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + log.string() + ": " + std::strerror(errno));
  const int efd = err.empty() ? -1 : ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  // SIGINT/SIGTERM stay blocked from before fork() until the child has its
  // default handlers back: a signal sent to the child's group in between
  // would otherwise run the supervisor's handler in the child and be lost,
  // and the child would fuzz on after the campaign asked it to stop.
  sigset_t stop_signals, saved;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop_signals, &saved);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::sigprocmask(SIG_SETMASK, &saved, nullptr);
    ::close(fd);
    if (efd >= 0) ::close(efd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    // A worker in its own process group survives its supervisor's death
    // (SIGKILL, a crash) and, without a budget, would fuzz on for ever:
    // the kernel kills it when the supervisor goes.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the supervisor died before prctl
    ::setpgid(0, 0);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(efd >= 0 ? efd : fd, STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &saved, nullptr);  // a signal sent meanwhile arrives now
    ::execve(cargv[0], cargv.data(), cenv.data());
    const char msg[] = "ptfold: error: cannot execute the fuzz binary\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent: no race with an early signal
  ::sigprocmask(SIG_SETMASK, &saved, nullptr);
  ::close(fd);
  if (efd >= 0) ::close(efd);
  return pid;
}

void Stopper::request(pid_t pid) {
  if (asked_) return;
  ::kill(-pid, SIGINT);
  asked_ = true;
  asked_at_ = std::chrono::steady_clock::now();
}

void Stopper::enforce(pid_t pid) {
  if (!asked_ || killed_) return;
  if (std::chrono::steady_clock::now() - asked_at_ < kStopGrace) return;
  ::kill(-pid, SIGKILL);
  killed_ = true;
}

std::optional<int> poll_exit(pid_t pid) {
  int st = 0;
  const pid_t r = ::waitpid(pid, &st, WNOHANG);
  if (r == 0) return std::nullopt;
  if (r < 0) return 127;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return std::nullopt;
}

int run_command(const std::vector<std::string>& argv, const Env& env, const fs::path& log, int interrupt_at) {
  const pid_t pid = spawn(argv, env, log);
  Stopper stop;
  for (;;) {
    if (auto st = poll_exit(pid)) return *st;
    if (g_stop >= interrupt_at) stop.request(pid);
    stop.enforce(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::optional<Status> parse_status(const std::string& line) {
  Status s;
  if (starts_with(line, "Done ")) {  // "Done 12345 runs in 10 second(s)"
    auto runs = field(line, "Done ");
    if (!runs) return std::nullopt;
    s.runs = *runs;
    return s;
  }
  if (!starts_with(line, "#")) return std::nullopt;
  auto runs = field(line, "#");
  auto cov = field(line, "cov: ");
  if (!runs || !cov) return std::nullopt;
  s.runs = *runs;
  s.cov = *cov;
  s.ft = field(line, "ft: ").value_or(0);
  s.corpus = field(line, "corp: ").value_or(0);
  s.exec_s = field(line, "exec/s: ").value_or(0);
  s.has_cov = true;
  return s;
}

bool is_ptfold_key(const std::string& key) {
  return starts_with(key, "ptfold: ") && !starts_with(key, "ptfold: error:") && key.find(" on ") != std::string::npos;
}

std::optional<Crash> parse_crash(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  Crash c;
  std::string summary;
  bool in_report = false;
  while (std::getline(in, line)) {
    if (c.key.empty() && is_ptfold_key(line)) {
      c.key = line;
      in_report = true;
    } else if (in_report && (starts_with(line, "==") || starts_with(line, "MS: ") || starts_with(line, "artifact_prefix="))) {
      in_report = false;
    }
    if (in_report) c.report += line + "\n";
    if (summary.empty() && starts_with(line, "SUMMARY: ")) summary = line;
    // "artifact_prefix='DIR/'; Test unit written to DIR/crash-<sha1>"
    const size_t at = line.find("Test unit written to ");
    if (at != std::string::npos) c.artifact = line.substr(at + std::strlen("Test unit written to "));
  }
  // A run on a named input file writes no artifact: the key alone tells.
  if (c.artifact.empty() && c.key.empty() && summary.empty()) return std::nullopt;
  if (c.key.empty()) c.key = summary.empty() ? "SUMMARY: unknown crash (no report line)" : summary;
  return c;
}

std::vector<Crash> parse_crashes(const std::string& text) {
  std::vector<Crash> out;
  std::istringstream in(text);
  std::string line, key, summary;
  while (std::getline(in, line)) {
    if (key.empty() && is_ptfold_key(line)) key = line;
    if (summary.empty() && starts_with(line, "SUMMARY: ")) summary = line;
    const size_t at = line.find("Test unit written to ");
    if (at == std::string::npos) continue;
    Crash c;
    c.artifact = line.substr(at + std::strlen("Test unit written to "));
    c.key = !key.empty() ? key : !summary.empty() ? summary : "SUMMARY: unknown crash (no report line)";
    out.push_back(c);
    key.clear();
    summary.clear();
  }
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, p);  // readers never see half a file
}

}  // namespace ptfold::campaign
