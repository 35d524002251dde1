// Proof result renderers: table, JSON, SARIF 2.1.0 (as GitHub code
// scanning takes it), JUnit XML, KTAP. Each keeps the four outcomes apart:
// proved, not applicable (never a pass), counterexample, unknown.
#include "solver/report.h"

#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "harness/linux_view.h"

#include "solver/source_index.h"

namespace ptfold::solver {

namespace {

using nlohmann::json;

// The first counterexample of a cell, if any.
const Counterexample* first_cex(const Cell& c) {
  for (const HalfResult& h : c.halves)
    if (h.cex) return &*h.cex;
  return nullptr;
}

// Why a not-applicable cell checked nothing (its halves agree).
std::string na_reason(const Cell& c) {
  for (const HalfResult& h : c.halves)
    if (!h.detail.empty()) return h.detail;
  return "nothing to check";
}

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
    if (h.state == State::kProved || h.state == State::kNotApplicable) continue;
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
  j["helper"] = c.helper;
  j["lockless"] = c.lockless;
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

json matrix_json(const MatrixResult& r, const RenderOptions& o) {
  json j;
  j["tool"] = "ptfold prove";
  j["obligations"] = json::array();
  for (Obligation ob : r.obligations)
    j["obligations"].push_back({{"name", obligation_name(ob)}, {"title", obligation_title(ob)}});
  j["rows"] = json::array();
  for (const Row& row : r.rows) {
    json jr;
    jr["geometry"] = row.geometry->name;
    jr["variant"] = row.variant->name;
    jr["upstream"] = row.variant->upstream;
    if (o.timings) jr["setup_ms"] = row.setup_ms;
    if (!row.error.empty()) jr["error"] = row.error;
    jr["cells"] = json::array();
    for (const Cell& c : row.cells) {
      json jc;
      jc["obligation"] = obligation_name(c.obligation);
      jc["state"] = state_name(c.state);
      if (o.timings) jc["ms"] = c.ms;
      jc["halves"] = json::array();
      for (const HalfResult& h : c.halves) {
        json jh;
        jh["half"] = h.half;
        jh["state"] = state_name(h.state);
        jh["detail"] = h.detail;
        jh["checks"] = h.checks;
        if (o.timings) jh["ms"] = h.ms;
        jh["queries"] = json::array();
        for (const QueryLog& q : h.queries) {
          json jq = {{"name", q.name}, {"verdict", q.verdict}};
          if (o.timings) jq["ms"] = q.ms;
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
                  {"not_applicable", r.count(State::kNotApplicable)},
                  {"counterexample", r.count(State::kCounterexample)},
                  {"unknown", r.count(State::kUnknown)},
                  {"harness_error", r.count(State::kHarnessError)},
                  {"timeout_ms", r.timeout_ms},
                  {"exit_code", r.exit_code()},
                  {"line", summary_line(r, o.timings)}};
  if (o.timings) {
    j["summary"]["wall_ms"] = r.wall_ms;
    j["summary"]["median_obligation_ms"] = median_obligation_ms(r);
    j["summary"]["jobs"] = r.jobs;
  }
  return j;
}

// "WalkEquivalence": SARIF wants a rule's name to differ from its id.
std::string rule_name(std::string_view id) {
  std::string n;
  bool up = true;
  for (char ch : id) {
    if (ch == '-') {
      up = true;
      continue;
    }
    n += up ? static_cast<char>(toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return n == "Walk" ? "WalkEquivalence" : n == "Bounds" ? "EntriesInBounds" : n == "Index" ? "IndexRanges"
       : n == "Descriptor" ? "DescriptorDecoding" : n == "BugOn" ? "BugOnHolds" : n;
}

json sarif_location(const SourceLoc& l, const std::string& what) {
  return {{"physicalLocation",
           {{"artifactLocation", {{"uri", l.file}, {"uriBaseId", "%SRCROOT%"}}},
            {"region", {{"startLine", std::max(1u, l.line)}}}}},
          {"message", {{"text", what}}}};
}

json sarif(const MatrixResult& r, const RenderOptions& o) {
  json rules = json::array();
  for (Obligation ob : all_obligations()) {
    const std::string id = obligation_name(ob);
    rules.push_back(
        {{"id", id},
         {"name", rule_name(id)},
         {"shortDescription", {{"text", obligation_title(ob)}}},
         {"fullDescription", {{"text", obligation_description(ob)}}},
         {"help",
          {{"text", fmt::format("{} A failing result is a counterexample: the address, the table bases and "
                                "both walks level by level, with the `ptfold walk` command that replays it "
                                "(see the result's properties).",
                                obligation_description(ob))},
           {"markdown", fmt::format("{}\n\nA failing result is a counterexample: the address, the table bases "
                                    "and both walks level by level, with the `ptfold walk` command that replays "
                                    "it. See [docs/proofs.md]({}).",
                                    obligation_description(ob), docs_uri("proofs.md#" + id))}}},
         {"helpUri", docs_uri("proofs.md#" + id)},
         {"defaultConfiguration", {{"level", "error"}}}});
  }
  rules.push_back({{"id", "harness-error"},
                   {"name", "HarnessError"},
                   {"shortDescription", {{"text", "ptfold itself failed: a counterexample that does not reproduce "
                                                  "concretely, or a harness failure"}}},
                   {"fullDescription", {{"text", "Not a finding about the target: the prover found a counterexample "
                                                 "that the concrete run of the same helpers does not reproduce, or "
                                                 "the harness failed before an obligation ran. Report it as a "
                                                 "ptfold bug."}}},
                   {"help", {{"text", "A ptfold bug, not a kernel one: rerun with -f json for the details."},
                             {"markdown", fmt::format("A ptfold bug, not a kernel one: rerun with `-f json` for the "
                                                      "details. See [docs/proofs.md]({}).",
                                                      docs_uri("proofs.md#outcomes"))}}},
                   {"helpUri", docs_uri("proofs.md#outcomes")},
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
        case State::kNotApplicable:
          res["kind"] = "notApplicable";
          res["level"] = "none";
          break;
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
      std::string msg;
      switch (c.state) {
        case State::kProved: msg = fmt::format("{}: {} proved", row_name(row), obligation_name(c.obligation)); break;
        case State::kNotApplicable:
          msg = fmt::format("{}: {} not applicable: {}", row_name(row), obligation_name(c.obligation), na_reason(c));
          break;
        default:
          msg = fmt::format("{}: {} {}: {}", row_name(row), obligation_name(c.obligation), state_name(c.state),
                            cell_message(row, c));
      }
      res["message"] = {{"text", msg}};
      // The helper at fault for a counterexample; the target's class otherwise.
      const Counterexample* cx = first_cex(c);
      const std::string helper = cx ? cx->helper : std::string();
      const SourceLoc loc = o.locate(row, helper);
      res["locations"] = json::array(
          {sarif_location(loc, helper.empty() ? fmt::format("the {} target model", row.variant->name)
                                              : fmt::format("{} of the {} target model", helper, row.variant->name))});
      res["locations"][0]["logicalLocations"] =
          json::array({{{"name", helper.empty() ? row.model_class : helper},
                        {"fullyQualifiedName", row.variant->name + "::" + (helper.empty() ? row.model_class : helper)},
                        {"kind", "function"}}});
      json props = {{"geometry", row.geometry->name}, {"variant", row.variant->name},
                    {"obligation", obligation_name(c.obligation)}, {"state", state_name(c.state)}};
      if (cx) {
        props["counterexample"] = cex_json(*cx);
        props["walk_command"] = cx->walk_command;
      }
      res["properties"] = props;
      results.push_back(res);
    }
  json run = {{"tool", {{"driver", {{"name", "ptfold"},
                                     {"semanticVersion", "0.1.0"},
                                     {"informationUri", docs_uri("proofs.md")},
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

std::string junit(const MatrixResult& r, const RenderOptions& o) {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::string suites;
  auto time_attr = [&](double ms) { return o.timings ? fmt::format(" time=\"{:.6f}\"", ms / 1000.0) : std::string(); };
  for (const Row& row : r.rows) {
    size_t f = 0, e = 0, sk = 0;
    double ms = 0;
    std::string cases;
    for (const Cell& c : row.cells) {
      ms += c.ms;
      cases += fmt::format("    <testcase classname=\"prove.{}.{}\" name=\"{}\"{}", xml_escape(row.variant->name),
                           xml_escape(row.geometry->name), obligation_name(c.obligation), time_attr(c.ms));
      if (c.state == State::kProved) {
        cases += "/>\n";
        continue;
      }
      if (c.state == State::kNotApplicable) {
        // JUnit's "skipped": the check never ran. CI shows it apart from
        // the passes.
        ++sk;
        cases += fmt::format(">\n      <skipped message=\"not applicable: {}\"/>\n    </testcase>\n",
                             xml_escape(na_reason(c)));
        continue;
      }
      std::string body;
      for (const HalfResult& h : c.halves)
        if (h.cex) body += format_counterexample(row, *h.cex);
      const std::string msg = cell_message(row, c);
      // A counterexample is a failure; unknown and harness errors are errors
      // (never skipped, which CI would not count against the run).
      const char* tag = c.state == State::kCounterexample ? "failure" : "error";
      (c.state == State::kCounterexample ? f : e) += 1;
      cases += fmt::format(">\n      <{} type=\"{}\" message=\"{}\">{}</{}>\n    </testcase>\n", tag,
                           state_name(c.state), xml_escape(msg), xml_escape(body), tag);
    }
    tests += row.cells.size();
    failures += f;
    errors += e;
    skipped += sk;
    suites += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"{}>\n{}  </testsuite>\n",
                          xml_escape(row_name(row)), row.cells.size(), f, e, sk, time_attr(ms), cases);
  }
  return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<testsuites name=\"ptfold prove\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"{}>\n{}</testsuites>\n",
                     tests, failures, errors, skipped, time_attr(r.wall_ms), suites);
}

// KTAP names may not contain '#' (it starts a directive); keep them plain.
std::string ktap_name(std::string s) {
  for (char& ch : s)
    if (ch == '#' || ch == '\n' || ch == ' ') ch = '_';
  return s;
}

std::string ktap(const MatrixResult& r, const RenderOptions& o) {
  // Documentation/dev-tools/ktap.rst: version line, plan, one result line per
  // test; subtests indented by four spaces; diagnostics start with '#'; a
  // test that did not run is "ok N name # SKIP reason".
  std::string out = fmt::format("KTAP version 1\n1..{}\n", r.rows.size());
  size_t n = 0;
  for (const Row& row : r.rows) {
    ++n;
    out += fmt::format("    KTAP version 1\n    # Subtest: {}\n    1..{}\n",
                       ktap_name(row.geometry->name + ":" + row.variant->name), row.cells.size());
    bool all = true, any_run = false;
    size_t k = 0;
    for (const Cell& c : row.cells) {
      ++k;
      if (c.state == State::kNotApplicable) {
        std::string why = na_reason(c);
        for (char& ch : why)
          if (ch == '\n' || ch == '#') ch = ' ';
        out += fmt::format("    ok {} {} # SKIP not applicable: {}\n", k, obligation_name(c.obligation), why);
        continue;
      }
      any_run = true;
      if (c.state != State::kProved) {
        all = false;
        std::string msg = cell_message(row, c);
        for (char& ch : msg)
          if (ch == '\n') ch = ' ';
        out += fmt::format("    # {}: {}\n", state_name(c.state), msg);
        for (const HalfResult& h : c.halves)
          if (h.cex && !h.cex->walk_command.empty()) out += "    # replay: " + h.cex->walk_command + "\n";
      }
      out += fmt::format("    {} {} {}\n", c.state == State::kProved ? "ok" : "not ok", k, obligation_name(c.obligation));
    }
    out += fmt::format("{} {} {}{}\n", all ? "ok" : "not ok", n, ktap_name(row.geometry->name + ":" + row.variant->name),
                       all && !any_run ? " # SKIP not applicable" : "");
  }
  out += "# " + summary_line(r, o.timings) + "\n";
  return out;
}

std::string table(const MatrixResult& r, const RenderOptions& opt) {
  size_t gw = 8, vw = 7;
  for (const Row& row : r.rows) {
    gw = std::max(gw, row.geometry->name.size());
    vw = std::max(vw, row.variant->name.size());
  }
  std::string o = fmt::format("{:<{}}  {:<{}}", "geometry", gw, "variant", vw);
  for (Obligation ob : r.obligations) o += fmt::format("  {:<14}", obligation_name(ob));
  o += "\n";
  bool na = false;
  for (const Row& row : r.rows) {
    o += fmt::format("{:<{}}  {:<{}}", row.geometry->name, gw, row.variant->name, vw);
    for (const Cell& c : row.cells) {
      na |= c.state == State::kNotApplicable;
      o += fmt::format("  {:<14}", c.state == State::kNotApplicable ? "n/a" : state_name(c.state));
    }
    o += "\n";
  }
  if (na) o += "n/a: not applicable - the check never runs on that geometry (e.g. no walk helper has a BUG_ON); not a pass\n";
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
  o += fmt::format("\n{}\n", summary_line(r, opt.timings));
  if (opt.timings) o += fmt::format("median per obligation and half: {:.3f} ms\n", median_obligation_ms(r));
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
  std::string o = fmt::format("counterexample: {}{} on {}, target {}, half {}\n", obligation_name(c.obligation),
                              c.lockless ? " (lockless walk)" : "", g.name, row.variant->name, c.half);
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
  if (!c.walk_command.empty())
    o += fmt::format("  reproduce {}\n", c.walk_command);
  else if (c.lockless)
    o += "  reproduce fast GUP's walk: fuzz_ops' gup op (ptfold walk runs the locked walk only)\n";
  if (!c.helper.empty()) o += fmt::format("  helper    {}\n", c.helper);
  return o;
}

std::string format_matrix(const MatrixResult& r, Format f, const RenderOptions& o) {
  switch (f) {
    case Format::kTable: return table(r, o);
    case Format::kJson: return matrix_json(r, o).dump(2) + "\n";
    case Format::kSarif: return sarif(r, o).dump(2) + "\n";
    case Format::kJunit: return junit(r, o);
    case Format::kKtap: return ktap(r, o);
  }
  return {};
}

std::string docs_uri(std::string_view doc) {
  const char* server = std::getenv("GITHUB_SERVER_URL");
  const char* repo = std::getenv("GITHUB_REPOSITORY");
  const char* sha = std::getenv("GITHUB_SHA");
  if (server && *server && repo && *repo)
    return fmt::format("{}/{}/blob/{}/docs/{}", server, repo, sha && *sha ? sha : "HEAD", doc);
  return fmt::format("file://{}/docs/{}", PTFOLD_SOURCE_DIR, doc);
}

SourceLoc model_source(const Row& row, std::string_view helper) {
  const SourceIndexEntry e = find_source(row.model_class, helper);
  return {e.file, e.line};
}

}  // namespace ptfold::solver
