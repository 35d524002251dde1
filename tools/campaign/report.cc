// report.json and report.md of a campaign (tools/campaign/report.h).
#include "tools/campaign/report.h"

#include <fmt/format.h>

#include <algorithm>

namespace ptfold::campaign {

using json = nlohmann::ordered_json;

json make_report(const json& state, const json& measured) {
  json r = json::object();
  r["schema"] = "ptfold-campaign-report/1";
  r["selection"] = state["selection"];
  r["elapsed_s"] = state["elapsed_s"];
  r["execs"] = state["execs"];
  r["sessions"] = state["sessions"];
  r["seeded"] = state["seeded"];
  r["coverage"] = measured.contains("coverage") ? measured["coverage"] : json::object();
  if (measured.contains("source_coverage")) r["source_coverage"] = measured["source_coverage"];
  r["findings"] = state["findings"];
  r["crashes"] = state["crashes"];
  r["merges"] = state.contains("merges") ? state["merges"] : json::array();
  r["history"] = state["history"];
  return r;
}

namespace {

std::string pct(uint64_t covered, uint64_t count) {
  return count ? fmt::format("{:.1f}% ({}/{})", 100.0 * static_cast<double>(covered) / static_cast<double>(count),
                             covered, count)
               : "-";
}

std::string clock(double s) {
  const long e = static_cast<long>(s);
  return fmt::format("{}:{:02}:{:02}", e / 3600, e / 60 % 60, e % 60);
}

}  // namespace

std::string render_markdown(const json& r) {
  std::string md;
  const json& sel = r["selection"];
  std::vector<std::string> fuzzers = sel["fuzzers"];
  md += "# ptfold campaign report\n\n";
  md += fmt::format("Variant `{}`, geometries `{}`, fuzz targets {}.\n\n", sel["variant"].get<std::string>(),
                    sel["geometry"].get<std::string>(), fmt::join(fuzzers, ", "));
  const double elapsed = r["elapsed_s"];
  const uint64_t execs = r["execs"];
  md += fmt::format("{} executions in {} over {} session(s) ({:.0f} exec/s on average).\n\n", execs, clock(elapsed),
                    r["sessions"].size(), elapsed > 0 ? static_cast<double>(execs) / elapsed : 0.0);
  md += "| session | workers | time | executions | stopped by |\n|---|---|---|---|---|\n";
  int i = 1;
  for (const json& s : r["sessions"])
    md += fmt::format("| {} | {} | {} | {} | {} |\n", i++, s["workers"].get<unsigned>(),
                      clock(s["elapsed_s"].get<double>()), s["execs"].get<uint64_t>(), s["stop"].get<std::string>());

  const json& findings = r["findings"];
  md += fmt::format("\n## Findings ({} unique)\n\n", findings.size());
  if (findings.empty()) md += "None.\n";
  md += "Deduplicated by the first line; paths are relative to the campaign directory (run the replay commands "
        "there).\n";
  for (const json& f : findings) {
    md += fmt::format("\n### `{}`\n\n", f["key"].get<std::string>());
    md += fmt::format("- found by {}{} after {}, {} crash(es) with this first line\n", f["fuzzer"].get<std::string>(),
                      f.contains("variant") ? fmt::format(" on variant `{}`", f["variant"].get<std::string>()) : "",
                      clock(f["found_at_s"].get<double>()), f["hits"].get<uint64_t>());
    md += fmt::format("- input: `{}/crash.bin`, {} bytes ({} as found{})\n", f["dir"].get<std::string>(),
                      f["minimised_bytes"].get<uint64_t>(), f["original_bytes"].get<uint64_t>(),
                      f["minimised"].get<bool>() ? ", minimised with -minimize_crash=1" : ", not minimised yet");
    if (f.contains("scenario")) md += fmt::format("- readable: `{}`\n", f["scenario"].get<std::string>());
    md += fmt::format("- replay: `{}`{}\n", f.value("replay", std::string()),
                      f["replay_verified"].get<bool>() ? " (checked: same first line)" : " (NOT reproduced)");
    md += fmt::format("- fuzz binary: `{}`\n", f["replay_binary"].get<std::string>());
  }

  md += "\n## Coverage\n\n";
  const json& cov = r["coverage"];
  if (cov.empty()) md += "Not measured (the session was stopped twice).\n";
  for (const auto& [fuzzer, t] : cov.items()) {
    md += fmt::format("{}: {} corpus inputs, cov {} ft {} (libFuzzer's counters for the whole corpus).\n\n", fuzzer,
                      t["inputs"].get<uint64_t>(), t["cov"].get<uint64_t>(), t["ft"].get<uint64_t>());
    if (!t.contains("geometries")) continue;
    md += "| geometry | inputs | cov | ft |\n|---|---|---|---|\n";
    for (const auto& [g, c] : t["geometries"].items())
      md += fmt::format("| {} | {} | {} | {} |\n", g, c["inputs"].get<uint64_t>(), c["cov"].get<uint64_t>(),
                        c["ft"].get<uint64_t>());
    md += "\n";
  }
  if (r.contains("source_coverage")) {
    const json& sc = r["source_coverage"];
    md += "Source coverage of the corpus (coverage preset, llvm-cov)";
    md += sc.contains("html") ? fmt::format(": `{}`\n\n", sc["html"].get<std::string>()) : ":\n\n";
    if (sc.contains("by_directory")) {
      md += "| directory | lines | functions | regions |\n|---|---|---|---|\n";
      for (const auto& [d, a] : sc["by_directory"].items())
        md += fmt::format("| {} | {} | {} | {} |\n", d, pct(a["lines"]["covered"], a["lines"]["count"]),
                          pct(a["functions"]["covered"], a["functions"]["count"]),
                          pct(a["regions"]["covered"], a["regions"]["count"]));
    }
    if (sc.contains("errors"))
      for (const json& e : sc["errors"]) md += fmt::format("- error: {}\n", e.get<std::string>());
    md += "\n";
  }

  md += "## Throughput over time\n\n";
  md += "| elapsed | executions | exec/s |";
  for (const std::string& f : fuzzers) md += fmt::format(" cov {} |", f);
  md += " corpus | findings |\n|---|---|---|";
  for (size_t k = 0; k < fuzzers.size(); ++k) md += "---|";
  md += "---|---|\n";
  // At most ~30 rows: every k-th sample and the last; report.json has all.
  const json& h = r["history"];
  const size_t step = std::max<size_t>(1, (h.size() + 29) / 30);
  for (size_t k = 0; k < h.size(); ++k) {
    if (k % step != 0 && k + 1 != h.size()) continue;
    const json& s = h[k];
    md += fmt::format("| {} | {} | {} |", clock(s["elapsed_s"].get<double>()), s["execs"].get<uint64_t>(),
                      s["exec_per_s"].get<double>());
    for (const std::string& f : fuzzers) md += fmt::format(" {} |", s["cov"].value(f, uint64_t{0}));
    md += fmt::format(" {} | {} |\n", s["corpus"].get<uint64_t>(), s["findings"].get<uint64_t>());
  }
  return md;
}

}  // namespace ptfold::campaign
