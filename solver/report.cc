// Proof result renderers: table, JSON, SARIF 2.1.0, JUnit XML, KTAP.
#include "solver/report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "harness/linux_view.h"

namespace ptfold::solver {

namespace {

using nlohmann::json;

const ref::Half* find_half(const ref::Geometry& g, std::string_view name) {
  for (const ref::Half& h : g.halves)
    if (h.name == name) return &h;
  return nullptr;
}

std::string row_name(const Row& row) { return row.geometry->name + " " + row.variant->name; }

// One line per half that did not prove, for messages.
std::string cell_message(const Row& row, const Cell& c) {
  std::string out;
  if (!row.error.empty()) return "harness error: " + row.error;
  for (const HalfResult& h : c.halves) {
    if (h.state == State::kProved) continue;
    if (!out.empty()) out += "; ";
    out += fmt::format("{} {}: {}", h.half, state_name(h.state),
                       h.cex ? h.cex->what + (h.state == State::kHarnessError ? " - " + h.detail : "")
                             : h.detail);
  }
  return out;
}

// The geometry and the target's LinuxView of it, in one line.
std::string geometry_facts(const ref::Geometry& g, const harness::LinuxView& v) {
  std::string folds;
  for (const harness::LinuxLevel& l : v.level)
    if (l.fold == harness::Fold::kRunTime) folds += fmt::format("{}{} folded at run time", folds.empty() ? "" : ", ", tgt::level_name(l.level));
  std::string offsets;
  for (size_t i = 0; i < v.root_offset.size() && i < g.halves.size(); ++i)
    if (v.root_offset[i]) offsets += fmt::format("; {} root at pgd {:+}", g.halves[i].name, v.root_offset[i]);
  return fmt::format("{}; vabits_actual {}; {}; pgd {} B ({}, aligned {}); OA {} bits{}",
                     g.summary, g.vabits_actual,
                     folds.empty() ? "nothing folded at run time" : folds, v.pgd_alloc_bytes,
                     harness::pgd_alloc_name(v.pgd_alloc), v.pgd_align, g.hwc.oa_bits, offsets);
}

json cex_json(const Counterexample& c) {
  json j;
  j["half"] = c.half;
  j["query"] = c.query;
  j["what"] = c.what;
  j["level"] = c.level;
  j["first_diff_hw"] = c.first_diff_hw;
  j["va"] = fmt::format("{:#018x}", c.va);
  j["pgd_va"] = fmt::format("{:#x}", c.pgd_va);
  j["pgd_pa"] = fmt::format("{:#x}", c.pgd_pa);
  j["root"] = fmt::format("{:#x}", c.root);
  j["linear_offset"] = fmt::format("{:#x}", c.linear_offset);
  j["tables"] = json::array();
  for (u64 t : c.tables) j["tables"].push_back(fmt::format("{:#x}", t));
  j["linux"] = json::array();
  for (const CexLinuxLevel& l : c.linux_levels)
    j["linux"].push_back({{"level", l.level}, {"fold", l.fold}, {"shift", l.shift}, {"ptrs", l.ptrs},
                          {"index", l.index}, {"entry_pa", fmt::format("{:#x}", l.entry_pa)}, {"hw", l.hw}});
  j["hw"] = json::array();
  for (const CexHwLevel& h : c.hw)
    j["hw"].push_back({{"name", h.name}, {"bits", fmt::format("[{}:{}]", h.hi, h.lo)}, {"entries", h.entries},
                       {"index", h.index}, {"table", fmt::format("{:#x}", h.table)},
                       {"entry", fmt::format("{:#x}", h.entry)}, {"reader", h.reader},
                       {"linux_index", h.linux_index},
                       {"linux_entry_pa", fmt::format("{:#x}", h.linux_entry_pa)}, {"differs", h.differs}});
  j["values"] = json::object();
  for (const auto& [k, v] : c.values) j["values"][k] = fmt::format("{:#x}", v);
  j["walk_command"] = c.walk_command;
  j["replay"] = {{"attempted", c.replay.attempted}, {"reproduced", c.replay.reproduced}, {"detail", c.replay.detail}};
  return j;
}

json matrix_json(const MatrixResult& r) {
  json j;
  j["tool"] = "ptfold prove";
  j["obligations"] = json::array();
  for (Obligation o : r.obligations)
    j["obligations"].push_back({{"name", obligation_name(o)}, {"title", obligation_title(o)}});
  j["rows"] = json::array();
  for (const Row& row : r.rows) {
    json jr;
    jr["geometry"] = row.geometry->name;
    jr["variant"] = row.variant->name;
    jr["upstream"] = row.variant->upstream;
    jr["setup_ms"] = row.setup_ms;
    if (!row.error.empty()) jr["error"] = row.error;
    jr["cells"] = json::array();
    for (const Cell& c : row.cells) {
      json jc;
      jc["obligation"] = obligation_name(c.obligation);
      jc["state"] = state_name(c.state);
      jc["ms"] = c.ms;
      jc["halves"] = json::array();
      for (const HalfResult& h : c.halves) {
        json jh;
        jh["half"] = h.half;
        jh["state"] = state_name(h.state);
        jh["detail"] = h.detail;
        jh["vacuous"] = h.vacuous;
        jh["ms"] = h.ms;
        jh["queries"] = json::array();
        for (const QueryLog& q : h.queries) {
          json jq = {{"name", q.name}, {"verdict", q.verdict}, {"ms", q.ms}};
          if (!q.reason.empty()) jq["reason"] = q.reason;
          jh["queries"].push_back(jq);
        }
        if (h.cex) jh["counterexample"] = cex_json(*h.cex);
        jc["halves"].push_back(jh);
      }
      jr["cells"].push_back(jc);
    }
    j["rows"].push_back(jr);
  }
  j["summary"] = {{"rows", r.rows.size()},
                  {"proved", r.count(State::kProved)},
                  {"counterexample", r.count(State::kCounterexample)},
                  {"unknown", r.count(State::kUnknown)},
                  {"harness_error", r.count(State::kHarnessError)},
                  {"wall_ms", r.wall_ms},
                  {"median_obligation_ms", median_obligation_ms(r)},
                  {"jobs", r.jobs},
                  {"timeout_ms", r.timeout_ms},
                  {"exit_code", r.exit_code()},
                  {"line", summary_line(r)}};
  return j;
}

json sarif(const MatrixResult& r) {
  json rules = json::array();
  for (Obligation o : all_obligations())
    rules.push_back({{"id", obligation_name(o)},
                     {"name", obligation_name(o)},
                     {"shortDescription", {{"text", obligation_title(o)}}},
                     {"defaultConfiguration", {{"level", "error"}}}});
  rules.push_back({{"id", "harness-error"},
                   {"name", "harness-error"},
                   {"shortDescription", {{"text", "ptfold itself failed: a counterexample that does not reproduce "
                                                  "concretely, or a harness failure"}}},
                   {"defaultConfiguration", {{"level", "error"}}}});
  auto rule_index = [](std::string_view id) {
    for (size_t i = 0; i < all_obligations().size(); ++i)
      if (id == obligation_name(all_obligations()[i])) return static_cast<int>(i);
    return static_cast<int>(all_obligations().size());
  };
  json results = json::array();
  for (const Row& row : r.rows)
    for (const Cell& c : row.cells) {
      const std::string id = c.state == State::kHarnessError ? "harness-error" : obligation_name(c.obligation);
      json res;
      res["ruleId"] = id;
      res["ruleIndex"] = rule_index(id);
      // SARIF §3.27.9/§3.27.10: a result that is not a failure has level "none".
      switch (c.state) {
        case State::kProved:
          res["kind"] = "pass";
          res["level"] = "none";
          break;
        case State::kUnknown:
          res["kind"] = "open";  // undecided: neither pass nor fail
          res["level"] = "none";
          break;
        case State::kCounterexample:
        case State::kHarnessError:
          res["kind"] = "fail";
          res["level"] = "error";
          break;
      }
      const std::string msg = c.state == State::kProved
                                  ? fmt::format("{}: {} proved", row_name(row), obligation_name(c.obligation))
                                  : fmt::format("{}: {} {}: {}", row_name(row), obligation_name(c.obligation),
                                                state_name(c.state), cell_message(row, c));
      res["message"] = {{"text", msg}};
      res["locations"] = json::array({{{"logicalLocations",
                                        json::array({{{"name", row.geometry->name + "/" + row.variant->name},
                                                      {"fullyQualifiedName",
                                                       "ptfold::" + row.variant->name + "::" + row.geometry->name},
                                                      {"kind", "module"}}})}}});
      json props = {{"geometry", row.geometry->name}, {"variant", row.variant->name},
                    {"obligation", obligation_name(c.obligation)}, {"state", state_name(c.state)}};
      for (const HalfResult& h : c.halves)
        if (h.cex) {
          props["counterexample"] = cex_json(*h.cex);
          props["walk_command"] = h.cex->walk_command;
          break;
        }
      res["properties"] = props;
      results.push_back(res);
    }
  json run = {{"tool", {{"driver", {{"name", "ptfold"},
                                     {"semanticVersion", "0.1.0"},
                                     {"rules", rules}}}}},
              {"invocations", json::array({{{"executionSuccessful", true}, {"exitCode", r.exit_code()}}})},
              {"results", results}};
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"},
          {"runs", json::array({run})}};
}

std::string xml_escape(std::string_view s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') o += '?';
        else o += ch;
    }
  }
  return o;
}

std::string junit(const MatrixResult& r) {
  size_t tests = 0, failures = 0, errors = 0;
  std::string suites;
  for (const Row& row : r.rows) {
    size_t f = 0, e = 0;
    double ms = 0;
    std::string cases;
    for (const Cell& c : row.cells) {
      ms += c.ms;
      cases += fmt::format("    <testcase classname=\"prove.{}.{}\" name=\"{}\" time=\"{:.6f}\"",
                           xml_escape(row.variant->name), xml_escape(row.geometry->name),
                           obligation_name(c.obligation), c.ms / 1000.0);
      if (c.state == State::kProved) {
        cases += "/>\n";
        continue;
      }
      std::string body;
      for (const HalfResult& h : c.halves)
        if (h.cex) body += format_counterexample(row, *h.cex);
      const std::string msg = cell_message(row, c);
      // JUnit has pass, failure, error, skipped: a counterexample is a
      // failure; unknown and harness errors are errors (never skipped, which
      // CI would count as a pass).
      const char* tag = c.state == State::kCounterexample ? "failure" : "error";
      (c.state == State::kCounterexample ? f : e) += 1;
      cases += fmt::format(">\n      <{} type=\"{}\" message=\"{}\">{}</{}>\n    </testcase>\n", tag,
                           state_name(c.state), xml_escape(msg), xml_escape(body), tag);
    }
    tests += row.cells.size();
    failures += f;
    errors += e;
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.6f}\">\n{}  </testsuite>\n",
                          xml_escape(row_name(row)), row.cells.size(), f, e, ms / 1000.0, cases);
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"ptfold prove\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.6f}\">\n{}</testsuites>\n",
                     tests, failures, errors, r.wall_ms / 1000.0, suites);
}

// KTAP names may not contain '#' (it starts a directive); keep them plain.
std::string ktap_name(std::string s) {
  for (char& ch : s)
    if (ch == '#' || ch == '\n' || ch == ' ') ch = '_';
  return s;
}

std::string ktap(const MatrixResult& r) {
  // Documentation/dev-tools/ktap.rst: version line, plan, one result line per
  // test; subtests indented by four spaces; diagnostics start with '#'.
  std::string o = fmt::format("KTAP version 1\n1..{}\n", r.rows.size());
  size_t n = 0;
  for (const Row& row : r.rows) {
    ++n;
    o += fmt::format("    KTAP version 1\n    # Subtest: {}\n    1..{}\n", ktap_name(row.geometry->name + ":" + row.variant->name),
                     row.cells.size());
    bool all = true;
    size_t k = 0;
    for (const Cell& c : row.cells) {
      ++k;
      if (c.state != State::kProved) {
        all = false;
        std::string msg = cell_message(row, c);
        for (char& ch : msg)
          if (ch == '\n') ch = ' ';
        o += fmt::format("    # {}: {}\n", state_name(c.state), msg);
        for (const HalfResult& h : c.halves)
          if (h.cex && !h.cex->walk_command.empty()) o += "    # replay: " + h.cex->walk_command + "\n";
      }
      o += fmt::format("    {} {} {}\n", c.state == State::kProved ? "ok" : "not ok", k, obligation_name(c.obligation));
    }
    o += fmt::format("{} {} {}\n", all ? "ok" : "not ok", n, ktap_name(row.geometry->name + ":" + row.variant->name));
  }
  o += "# " + summary_line(r) + "\n";
  return o;
}

std::string table(const MatrixResult& r) {
  size_t gw = 8, vw = 7;
  for (const Row& row : r.rows) {
    gw = std::max(gw, row.geometry->name.size());
    vw = std::max(vw, row.variant->name.size());
  }
  std::string o = fmt::format("{:<{}}  {:<{}}", "geometry", gw, "variant", vw);
  for (Obligation ob : r.obligations) o += fmt::format("  {:<14}", obligation_name(ob));
  o += "\n";
  bool vacuous = false;
  for (const Row& row : r.rows) {
    o += fmt::format("{:<{}}  {:<{}}", row.geometry->name, gw, row.variant->name, vw);
    for (const Cell& c : row.cells) {
      bool vac = c.state == State::kProved && !c.halves.empty();
      for (const HalfResult& h : c.halves) vac = vac && h.vacuous;
      vacuous |= vac;
      o += fmt::format("  {:<14}", std::string(state_name(c.state)) + (vac ? "*" : ""));
    }
    o += "\n";
  }
  if (vacuous) o += "* vacuous: the check this obligation reads never runs on that geometry (no folded helper)\n";
  for (const Row& row : r.rows) {
    if (!row.error.empty()) o += fmt::format("\nharness error on {}: {}\n", row_name(row), row.error);
    for (const Cell& c : row.cells)
      for (const HalfResult& h : c.halves) {
        if (h.cex) o += "\n" + format_counterexample(row, *h.cex);
        if (h.state == State::kHarnessError) o += fmt::format("  harness error: {}\n", h.detail);
        if (h.state == State::kUnknown)
          o += fmt::format("\nunknown: {} on {} {}: {}\n", obligation_name(c.obligation), row_name(row), h.half, h.detail);
      }
  }
  o += fmt::format("\n{}\nmedian per obligation and half: {:.3f} ms\n", summary_line(r), median_obligation_ms(r));
  return o;
}

}  // namespace

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  if (name == "junit") return Format::kJunit;
  if (name == "ktap") return Format::kKtap;
  return std::nullopt;
}

std::string va_by_level(const ref::Geometry& g, std::string_view half, u64 va) {
  const ref::Half* h = find_half(g, half);
  std::string o = fmt::format("{:#018x} =", va);
  if (h && h->ia < 64) o += fmt::format(" [63:{}] {:#x} |", h->ia, va >> h->ia);
  for (const ref::HwLevel& l : g.hw) {
    const unsigned hi = h ? std::min(l.hi, h->ia - 1) : l.hi;
    o += fmt::format(" {} [{}:{}] {:#x} |", l.name, hi, l.lo, bits(va, hi, l.lo));
  }
  const unsigned lo = g.hw.empty() ? g.page_shift : g.hw.back().lo;
  o += fmt::format(" offset [{}:0] {:#x}", lo - 1, bits(va, lo - 1, 0u));
  return o;
}

std::string format_counterexample(const Row& row, const Counterexample& c) {
  const ref::Geometry& g = *row.geometry;
  const harness::LinuxView& view = harness::linux_view(row.variant->name, g);
  std::string o = fmt::format("counterexample: {} on {}, target {}, half {}\n", obligation_name(c.obligation),
                              g.name, row.variant->name, c.half);
  o += fmt::format("  {}\n", c.what);
  o += fmt::format("  query     {}\n", c.query);
  o += fmt::format("  va        {}\n", va_by_level(g, c.half, c.va));
  o += fmt::format("  pgd       pa {:#x}, va {:#x} ({} of {} B, offset {:#x} in its page)\n", c.pgd_pa, c.pgd_va,
                   harness::pgd_alloc_name(view.pgd_alloc), view.pgd_alloc_bytes, c.pgd_pa & (g.page_size() - 1));
  o += fmt::format("  root      {:#x} (the value Linux programs for {})\n", c.root, c.half);
  std::string tabs;
  for (size_t i = 0; i < c.tables.size(); ++i)
    tabs += fmt::format("{}{} {:#x}", tabs.empty() ? "" : ", ", i + 1 < g.hw.size() ? g.hw[i + 1].name : std::string("leaf"), c.tables[i]);
  o += fmt::format("  tables    {}\n", tabs);
  o += fmt::format("  linear    __va(pa) = pa + {:#x}\n", c.linear_offset);
  o += fmt::format("  geometry  {}\n", geometry_facts(g, view));
  if (!c.values.empty()) {
    for (const auto& [k, v] : c.values) o += fmt::format("  {:<28} {:#x}\n", k, v);
  }
  o += "  level  Linux: level index        entry pa            hardware: index        table               entry\n";
  for (const CexHwLevel& h : c.hw) {
    const bool first = c.first_diff_hw >= 0 && &h == &c.hw[static_cast<size_t>(c.first_diff_hw)];
    o += fmt::format("  {:<5}  {:<5} {:<14} {:#018x}  {:<14} {:#018x}  {:#018x}{}\n", h.name, h.reader,
                     fmt::format("{:#x}", h.linux_index), h.linux_entry_pa, fmt::format("{:#x}", h.index), h.table,
                     h.entry, first ? "  <- first difference" : (h.differs ? "  differs" : ""));
  }
  o += "  Linux walk:";
  for (const CexLinuxLevel& l : c.linux_levels)
    o += fmt::format(" {} idx {:#x}/{} @ {:#x}{};", l.level, l.index, l.ptrs, l.entry_pa,
                     l.fold == "-" ? "" : " (folded, " + l.fold + ")");
  o += "\n";
  o += fmt::format("  replay    {}: {}\n",
                   !c.replay.attempted ? "not replayed" : (c.replay.reproduced ? "reproduced" : "DOES NOT REPRODUCE"),
                   c.replay.detail);
  o += fmt::format("  reproduce {}\n", c.walk_command);
  return o;
}

std::string format_matrix(const MatrixResult& r, Format f) {
  switch (f) {
    case Format::kTable: return table(r);
    case Format::kJson: return matrix_json(r).dump(2) + "\n";
    case Format::kSarif: return sarif(r).dump(2) + "\n";
    case Format::kJunit: return junit(r);
    case Format::kKtap: return ktap(r);
  }
  return {};
}

}  // namespace ptfold::solver
