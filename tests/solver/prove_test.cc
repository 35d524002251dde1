// The proof driver end to end: the upstream matrix proves everywhere, each
// bug variant yields a counterexample at the expected obligation and level
// that replays concretely, unknown and harness errors are their own states,
// and the machine formats have the shape CI tools expect.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "solver/obligations.h"
#include "solver/prove.h"
#include "solver/report.h"
#include "targets/arm64/arm64.h"

namespace ptfold::solver {
namespace {

using Pair = std::pair<const tgt::VariantInfo*, const ref::Geometry*>;

const Cell& cell(const Row& r, Obligation o) {
  for (const Cell& c : r.cells)
    if (c.obligation == o) return c;
  throw std::logic_error("no cell");
}

const Counterexample& first_cex(const Cell& c) {
  for (const HalfResult& h : c.halves)
    if (h.cex) return *h.cex;
  throw std::logic_error("no counterexample");
}

Row prove(const char* variant, const char* geometry) {
  const tgt::VariantInfo* v = tgt::find_variant(variant);
  const ref::Geometry* g = ref::find(geometry);
  if (!v || !g) throw std::logic_error("test names");
  return prove_pair(*v, *g, ProveOptions{});
}

// --- The upstream matrix -------------------------------------------------------

class UpstreamMatrix : public ::testing::TestWithParam<Pair> {};

TEST_P(UpstreamMatrix, every_obligation_proves_on_every_half) {
  const auto [v, g] = GetParam();
  const Row r = prove_pair(*v, *g, ProveOptions{});
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.cells.size(), all_obligations().size());
  for (const Cell& c : r.cells) {
    ASSERT_EQ(c.halves.size(), g->halves.size());
    for (const HalfResult& h : c.halves)
      EXPECT_EQ(h.state, State::kProved) << obligation_name(c.obligation) << " " << h.half << ": " << h.detail
                                         << (h.cex ? "\n" + format_counterexample(r, *h.cex) : "");
  }
}

INSTANTIATE_TEST_SUITE_P(Upstream, UpstreamMatrix, ::testing::ValuesIn(matrix_pairs(ProveOptions{})),
                         [](const ::testing::TestParamInfo<Pair>& p) {
                           std::string n = p.param.first->name + "_" + p.param.second->name;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(UpstreamMatrixShape, covers_both_upstream_arm64_variants_on_every_family_geometry) {
  size_t arm64 = 0, boot = 0;
  for (const auto& [v, g] : matrix_pairs(ProveOptions{})) {
    arm64 += v->name == "arm64";
    boot += v->name == "arm64-boot";
  }
  EXPECT_EQ(arm64, ref::select("arm64-*").size() - ref::select("arm64-*-boot").size());
  EXPECT_EQ(boot, ref::select("arm64-*-boot").size());
}

TEST(FoldedObligation, runs_the_vm_bug_on_where_a_level_is_folded_at_run_time) {
  const Row r = prove("arm64", "arm64-4k-va52-nolpa2");
  const Cell& c = cell(r, Obligation::kFolded);
  EXPECT_EQ(c.state, State::kProved);
  for (const HalfResult& h : c.halves) {
    EXPECT_FALSE(h.vacuous) << h.half;
    EXPECT_GE(h.queries.size(), 1u);
  }
}

// --- Bug variants --------------------------------------------------------------

// ZOO-02: the LPA2 round-down on a 512-byte pgd_cache object.
TEST(BootRounddown, walk_differs_at_the_root_and_the_pud_pointer_leaves_the_pgd_object) {
  const Row r = prove("arm64-boot-rounddown", "arm64-64k-va48-boot");
  const Cell& walk = cell(r, Obligation::kWalk);
  ASSERT_EQ(walk.state, State::kCounterexample);
  const Counterexample& c = first_cex(walk);
  EXPECT_EQ(c.first_diff_hw, 0);
  EXPECT_EQ(c.level, "L1");
  // p4d_to_folded_pud() rounded the pgd pointer down to the 64K page.
  EXPECT_EQ(c.linux_levels.at(2).entry_pa, c.pgd_pa & ~u64{0xffff});
  EXPECT_NE(c.hw.at(0).linux_entry_pa, c.hw.at(0).entry);
  EXPECT_TRUE(c.replay.attempted);
  EXPECT_TRUE(c.replay.reproduced) << c.replay.detail;
  EXPECT_NE(c.walk_command.find("--pgd-offset"), std::string::npos);

  const Cell& bounds = cell(r, Obligation::kBounds);
  ASSERT_EQ(bounds.state, State::kCounterexample);
  EXPECT_EQ(first_cex(bounds).level, "pud");
  EXPECT_TRUE(first_cex(bounds).replay.reproduced);

  EXPECT_EQ(cell(r, Obligation::kIndex).state, State::kProved);
  EXPECT_EQ(cell(r, Obligation::kDescriptor).state, State::kProved);
}

TEST(BootRounddown, page_sized_or_unfolded_pgds_prove) {
  for (const char* g : {"arm64-4k-va48-boot", "arm64-16k-va48-boot"}) {
    const Row r = prove("arm64-boot-rounddown", g);
    for (const Cell& c : r.cells) EXPECT_EQ(c.state, State::kProved) << g << " " << obligation_name(c.obligation);
  }
}

TEST(FoldCast, walk_differs_at_the_folded_level_on_the_lpa2_fallback) {
  struct Expect {
    const char* geometry;
    const char* level;
  };
  for (const Expect& e : {Expect{"arm64-4k-va52-nolpa2", "L0"}, Expect{"arm64-16k-va52-nolpa2", "L1"}}) {
    const Row r = prove("arm64-fold-cast", e.geometry);
    const Cell& walk = cell(r, Obligation::kWalk);
    ASSERT_EQ(walk.state, State::kCounterexample) << e.geometry;
    for (const HalfResult& h : walk.halves) {
      ASSERT_TRUE(h.cex) << e.geometry << " " << h.half;
      EXPECT_EQ(h.cex->level, e.level) << e.geometry;
      EXPECT_EQ(h.cex->first_diff_hw, 0) << e.geometry;
      EXPECT_TRUE(h.cex->replay.reproduced) << h.cex->replay.detail;
    }
  }
  for (const Cell& c : prove("arm64-fold-cast", "arm64-4k-va52-lpa2").cells)
    EXPECT_EQ(c.state, State::kProved) << obligation_name(c.obligation);
}

TEST(DescriptorDs, round_trip_loses_pa_bits_51_50) {
  for (const char* g : {"arm64-4k-va52-lpa2", "arm64-16k-va52-lpa2"}) {
    const Row r = prove("arm64-descriptor-ds", g);
    const Cell& d = cell(r, Obligation::kDescriptor);
    ASSERT_EQ(d.state, State::kCounterexample) << g;
    const Counterexample& c = first_cex(d);
    u64 pa = 0;
    for (const auto& [k, v] : c.values)
      if (k == "pa") pa = v;
    EXPECT_NE(pa >> 50, 0u) << g << ": only PA[51:50] is lost";
    EXPECT_LT(pa, u64{1} << 52);
    EXPECT_TRUE(c.replay.reproduced) << c.replay.detail;
    EXPECT_NE(c.walk_command.find("--phys-offset"), std::string::npos);
  }
  for (const Cell& c : prove("arm64-descriptor-ds", "arm64-4k-va52-nolpa2").cells)
    EXPECT_EQ(c.state, State::kProved) << obligation_name(c.obligation);
}

// --- The prover's own failure modes -------------------------------------------

// Indexes the pgd one slot off: the folded helper re-aligns the pointer, so
// the walk still matches, but the post-6.12 VM_BUG_ON fires. Only the
// symbolic model has the bug, so the concrete replay (upstream) cannot
// reproduce it: a harness error, not a finding.
template <class W, class Env>
class PgdSlotOffByOne : public tgt::arm64::Arm64<W, Env> {
 public:
  using tgt::arm64::Arm64<W, Env>::Arm64;
  W pgd_offset_pgd(const W& pgd, const W& addr) override {
    const u64 n = this->ptrs_per(tgt::Level::kPgd);
    return pgd + (((this->pgd_index(addr) + W(u64{1})) & W(n - 1)) << 3);
  }
};

TEST(FoldedObligation, off_by_one_pgd_slot_is_caught_and_a_non_reproducing_cex_is_a_harness_error) {
  const ref::Geometry& g = *ref::find("arm64-4k-va52-nolpa2");
  const tgt::VariantInfo& upstream = *tgt::find_variant("arm64");
  smt::Context ctx;
  smt::Scope scope(ctx);
  auto make = [](const tgt::Config& cfg, SymEnv& env) -> std::unique_ptr<SymEnv::Target> {
    return std::make_unique<PgdSlotOffByOne<smt::BV, SymEnv>>(cfg, env);
  };
  double setup = 0;
  const auto rs = prove_half(ctx, upstream, g, 1, {Obligation::kWalk, Obligation::kFolded}, ProveOptions{}, &setup, make);
  EXPECT_EQ(rs[0].state, State::kProved) << "the round-down hides the wrong slot from the walk";
  ASSERT_TRUE(rs[1].cex);
  EXPECT_EQ(rs[1].cex->level, "pgd_to_folded_p4d");
  EXPECT_EQ(rs[1].state, State::kHarnessError);
  EXPECT_NE(rs[1].detail.find("does not reproduce"), std::string::npos) << rs[1].detail;

  ProveOptions no_replay;
  no_replay.replay = false;
  const auto rs2 = prove_half(ctx, upstream, g, 1, {Obligation::kFolded}, no_replay, &setup, make);
  EXPECT_EQ(rs2[0].state, State::kCounterexample);
}

TEST(Unknown, a_resource_limit_is_unknown_never_proved_and_exits_3) {
  ProveOptions o;
  o.geometries = {ref::find("arm64-4k-va48")};
  o.obligations = {Obligation::kWalk, Obligation::kBounds};
  o.rlimit = 1;
  const MatrixResult r = prove_matrix(o);
  EXPECT_EQ(r.count(State::kProved), 0u);
  EXPECT_EQ(r.count(State::kUnknown), 2u);
  EXPECT_EQ(r.exit_code(), 3);
  for (const Cell& c : r.rows.at(0).cells)
    for (const HalfResult& h : c.halves) EXPECT_FALSE(h.detail.empty());
}

TEST(ExitCode, zero_when_all_proved_one_with_a_counterexample) {
  ProveOptions o;
  o.geometries = {ref::find("arm64-4k-va52-nolpa2")};
  EXPECT_EQ(prove_matrix(o).exit_code(), 0);
  o.variants = {tgt::find_variant("arm64-fold-cast")};
  EXPECT_EQ(prove_matrix(o).exit_code(), 1);
}

TEST(Jobs, parallel_matrix_equals_serial_matrix) {
  ProveOptions o;
  o.variants = {tgt::find_variant("arm64-fold-cast"), tgt::find_variant("arm64")};
  o.geometries = ref::select("arm64-*k-va52-*");
  const MatrixResult a = prove_matrix(o);
  o.jobs = 2;
  const MatrixResult b = prove_matrix(o);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t i = 0; i < a.rows.size(); ++i)
    for (size_t j = 0; j < a.rows[i].cells.size(); ++j)
      EXPECT_EQ(a.rows[i].cells[j].state, b.rows[i].cells[j].state) << i << " " << j;
}

// --- Output formats ------------------------------------------------------------

MatrixResult mixed() {
  ProveOptions o;
  o.variants = {tgt::find_variant("arm64-fold-cast")};
  o.geometries = {ref::find("arm64-4k-va48"), ref::find("arm64-4k-va52-nolpa2")};
  return prove_matrix(o);
}

TEST(Formats, json_carries_states_counterexamples_and_summary) {
  const MatrixResult r = mixed();
  const auto j = nlohmann::json::parse(format_matrix(r, Format::kJson));
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["cells"][0]["state"], "proved");
  EXPECT_EQ(j["rows"][1]["cells"][0]["state"], "counterexample");
  const auto& cx = j["rows"][1]["cells"][0]["halves"][0]["counterexample"];
  EXPECT_EQ(cx["level"], "L0");
  EXPECT_EQ(cx["replay"]["reproduced"], true);
  EXPECT_NE(cx["walk_command"].get<std::string>().find("ptfold walk --geometry arm64-4k-va52-nolpa2"), std::string::npos);
  EXPECT_EQ(j["summary"]["exit_code"], 1);
  EXPECT_EQ(j["summary"]["counterexample"], 1);
}

TEST(Formats, sarif_2_1_0_shape) {
  const auto s = nlohmann::json::parse(format_matrix(mixed(), Format::kSarif));
  EXPECT_EQ(s["version"], "2.1.0");
  EXPECT_NE(s["$schema"].get<std::string>().find("sarif-2.1.0"), std::string::npos);
  ASSERT_EQ(s["runs"].size(), 1u);
  const auto& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "ptfold");
  const auto& rules = run["tool"]["driver"]["rules"];
  size_t fails = 0;
  for (const auto& res : run["results"]) {
    const int idx = res["ruleIndex"];
    ASSERT_LT(static_cast<size_t>(idx), rules.size());
    EXPECT_EQ(rules[idx]["id"], res["ruleId"]);
    ASSERT_TRUE(res["message"].contains("text"));
    // §3.27.9: level must be "none" unless kind is "fail".
    if (res["kind"] != "fail") {
      EXPECT_EQ(res["level"], "none");
    } else {
      ++fails;
      EXPECT_EQ(res["level"], "error");
    }
    ASSERT_FALSE(res["locations"].empty());
  }
  EXPECT_EQ(fails, 1u);
  EXPECT_EQ(run["results"].size(), 10u);
}

TEST(Formats, junit_counts_failures) {
  const std::string x = format_matrix(mixed(), Format::kJunit);
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(x.find("<testsuites name=\"ptfold prove\" tests=\"10\" failures=\"1\" errors=\"0\""), std::string::npos);
  size_t cases = 0, pos = 0;
  while ((pos = x.find("<testcase ", pos)) != std::string::npos) ++cases, ++pos;
  EXPECT_EQ(cases, 10u);
  EXPECT_NE(x.find("<failure type=\"counterexample\""), std::string::npos);
  EXPECT_EQ(x.find("<skipped"), std::string::npos);
}

TEST(Formats, ktap_version_plan_and_results) {
  std::istringstream in(format_matrix(mixed(), Format::kKtap));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "KTAP version 1");
  std::getline(in, line);
  EXPECT_EQ(line, "1..2");
  const std::regex top(R"(^(ok|not ok) (\d+) \S+$)"), sub(R"(^    (ok|not ok) (\d+) \S+$)");
  std::vector<std::string> tops;
  size_t subs = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, top)) tops.push_back(m[1]);
    if (std::regex_match(line, m, sub)) ++subs;
    if (!line.empty() && line[0] != ' ' && line[0] != '#') {
      EXPECT_TRUE(std::regex_match(line, top)) << line;
    }
  }
  ASSERT_EQ(tops.size(), 2u);
  EXPECT_EQ(tops[0], "ok");
  EXPECT_EQ(tops[1], "not ok");
  EXPECT_EQ(subs, 10u);
}

TEST(Formats, counterexample_text_names_levels_bases_and_replay) {
  const MatrixResult r = mixed();
  const Row& row = r.rows.at(1);
  const std::string t = format_counterexample(row, first_cex(cell(row, Obligation::kWalk)));
  for (const char* want : {"counterexample: walk on arm64-4k-va52-nolpa2", "L0 [47:39]", "offset [11:0]",
                           "<- first difference", "pgd       pa", "root", "replay    reproduced",
                           "reproduce ptfold walk --geometry arm64-4k-va52-nolpa2"})
    EXPECT_NE(t.find(want), std::string::npos) << want << "\n" << t;
}

}  // namespace
}  // namespace ptfold::solver
