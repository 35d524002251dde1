// The proof driver end to end: the upstream matrix proves everywhere (or is
// not applicable, never a silent pass), each bug variant yields a
// counterexample at the expected obligation and level that replays
// concretely, unknown and harness errors are their own states, output is the
// same bytes at any -j, and the machine formats have the shape CI tools
// expect.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "solver/obligations.h"
#include "solver/prove.h"
#include "solver/report.h"
#include "reference/dispatch.h"
#include "solver/source_index.h"
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

// Proved, or (bug-on only) nothing to check on that geometry.
bool proved_or_na(const Cell& c) {
  return c.state == State::kProved || (c.obligation == Obligation::kBugOn && c.state == State::kNotApplicable);
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
    for (const HalfResult& h : c.halves) {
      // Only bug-on may have nothing to check (no walk helper with a BUG_ON).
      const State want = c.obligation == Obligation::kBugOn && h.checks == 0 ? State::kNotApplicable : State::kProved;
      EXPECT_EQ(h.state, want) << obligation_name(c.obligation) << " " << h.half << ": " << h.detail
                               << (h.cex ? "\n" + format_counterexample(r, *h.cex) : "");
    }
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

TEST(BugOnObligation, runs_the_vm_bug_on_where_a_level_is_folded_at_run_time) {
  const Row r = prove("arm64", "arm64-4k-va52-nolpa2");
  const Cell& c = cell(r, Obligation::kBugOn);
  EXPECT_EQ(c.state, State::kProved);
  for (const HalfResult& h : c.halves) {
    EXPECT_GT(h.checks, 0u) << h.half;
    EXPECT_GE(h.queries.size(), 1u);
  }
}

TEST(BugOnObligation, is_not_applicable_where_no_walk_helper_has_a_bug_on) {
  for (const char* g : {"arm64-4k-va48", "x86_64-la57", "riscv64-sv39"}) {
    const tgt::VariantInfo& v = *tgt::upstream_for_family(ref::find(g)->family);
    const Row r = prove(v.name.c_str(), g);
    const Cell& c = cell(r, Obligation::kBugOn);
    EXPECT_EQ(c.state, State::kNotApplicable) << g;
    for (const HalfResult& h : c.halves) {
      EXPECT_EQ(h.checks, 0u);
      EXPECT_TRUE(h.queries.empty());
      EXPECT_NE(h.detail.find("no walk helper"), std::string::npos) << h.detail;
    }
  }
}

TEST(NotApplicable, counts_apart_in_the_summary_and_never_fails_the_run) {
  ProveOptions o;
  o.geometries = {ref::find("arm64-4k-va48"), ref::find("arm64-4k-va52-nolpa2")};
  const MatrixResult r = prove_matrix(o);
  EXPECT_EQ(r.count(State::kNotApplicable), 1u);
  EXPECT_EQ(r.count(State::kProved), 9u);
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_EQ(summary_line(r), "prove: 2 rows x 5 obligations = 10 cells: 9 proved, 1 not applicable, 0 counterexamples, "
                             "0 unknown, 0 harness errors");
}

// --- Bug variants --------------------------------------------------------------

// ZOO-04: the generic p4d_offset_lockless() hands fast GUP's on-stack pgd
// copy to the run-time folded pud, which re-aligns the stack address. Only
// the lockless walk shows it, and only where pud is folded at run time.
TEST(LocklessStackcopy, lockless_walk_leaves_the_table_where_pud_is_folded_at_run_time) {
  const Row r = prove("arm64-lockless-stackcopy", "arm64-16k-va52-nolpa2");
  const Cell& walk = cell(r, Obligation::kWalk);
  ASSERT_EQ(walk.state, State::kCounterexample);
  for (const HalfResult& h : walk.halves) {
    ASSERT_TRUE(h.cex) << h.half;
    EXPECT_TRUE(h.cex->lockless);
    EXPECT_EQ(h.cex->level, "L1");
    EXPECT_EQ(h.cex->query, "walk/" + h.half + "/L1/lockless");
    EXPECT_EQ(h.cex->helper, "p4d_offset_lockless");
    EXPECT_TRUE(h.cex->replay.reproduced) << h.cex->replay.detail;
    EXPECT_TRUE(h.cex->walk_command.empty()) << "ptfold walk runs the locked walk only";
  }
  // The locked walk and every other geometry are fine; upstream proves.
  for (const char* g : {"arm64-4k-va39", "arm64-4k-va52-nolpa2", "arm64-64k-va52-nolva"})
    EXPECT_EQ(cell(prove("arm64-lockless-stackcopy", g), Obligation::kWalk).state, State::kProved) << g;
  EXPECT_EQ(cell(prove("arm64", "arm64-16k-va52-nolpa2"), Obligation::kWalk).state, State::kProved);
}

// A __pte_to_phys() whose mask keeps the shareability field: table
// descriptors carry no such bits, so only a leaf built with the kernel's
// protections shows it.
template <class W, class Env>
class PteToPhysKeepsShared : public tgt::arm64::Arm64<W, Env> {
 public:
  using tgt::arm64::Arm64<W, Env>::Arm64;
  W __pte_to_phys(const W& pte) const override {
    if (!this->cfg_.ARM64_PA_BITS_52) return pte & W(this->PTE_ADDR_LOW() | tgt::arm64::PTE_SHARED);
    return tgt::arm64::Arm64<W, Env>::__pte_to_phys(pte);
  }
};

TEST(DescriptorObligation, a_leaf_with_the_kernels_protections_catches_an_attribute_bit_in_the_pa_mask) {
  const ref::Geometry& g = *ref::find("arm64-4k-va48");
  const tgt::VariantInfo& upstream = *tgt::find_variant("arm64");
  smt::Context ctx;
  smt::Scope scope(ctx);
  auto make = [](const tgt::Config& cfg, SymEnv& env) -> std::unique_ptr<SymEnv::Target> {
    return std::make_unique<PteToPhysKeepsShared<smt::BV, SymEnv>>(cfg, env);
  };
  ProveOptions no_replay;  // the concrete replay would run upstream
  no_replay.replay = false;
  double setup = 0;
  const auto rs = prove_half(ctx, upstream, g, 1, {Obligation::kDescriptor}, no_replay, &setup, make);
  ASSERT_EQ(rs[0].state, State::kCounterexample);
  const Counterexample& c = *rs[0].cex;
  EXPECT_EQ(c.query, "descriptor/ttbr1/leaf/linux");
  EXPECT_EQ(c.helper, "__pte_to_phys");
  u64 leaf = 0, back = 0;
  for (const auto& [k, v] : c.values) {
    if (k == "leaf descriptor") leaf = v;
    if (k == "__pte_to_phys(leaf)") back = v;
  }
  EXPECT_NE(leaf & tgt::arm64::PTE_SHARED, 0u);
  EXPECT_NE(back & tgt::arm64::PTE_SHARED, 0u) << "the leaked bits are the shareability field";
  // Upstream clears them: proved.
  EXPECT_EQ(cell(prove("arm64", "arm64-4k-va48"), Obligation::kDescriptor).state, State::kProved);
}

// TTBR1 programmed 0x100 past the root table on 64K/52 without LVA (where
// the root sits at pgd + 7680): the root table is 512 bytes, so the CPU
// would round the extra bits away - the reference reports them instead.
template <class W, class Env>
class Ttbr1OffsetOff : public tgt::arm64::Arm64<W, Env> {
 public:
  using tgt::arm64::Arm64<W, Env>::Arm64;
  W hw_root(const W& pgd_pa, bool upper) const override {
    return tgt::arm64::Arm64<W, Env>::hw_root(pgd_pa, upper) | W(upper ? u64{0x100} : u64{0});
  }
};

TEST(WalkObligation, a_ttbr1_offset_with_bits_below_the_root_alignment_is_a_counterexample) {
  const ref::Geometry& g = *ref::find("arm64-64k-va52-nolva");
  const tgt::VariantInfo& upstream = *tgt::find_variant("arm64");
  smt::Context ctx;
  smt::Scope scope(ctx);
  auto make = [](const tgt::Config& cfg, SymEnv& env) -> std::unique_ptr<SymEnv::Target> {
    return std::make_unique<Ttbr1OffsetOff<smt::BV, SymEnv>>(cfg, env);
  };
  ProveOptions no_replay;
  no_replay.replay = false;
  double setup = 0;
  const auto upper = prove_half(ctx, upstream, g, 1, {Obligation::kWalk}, no_replay, &setup, make);
  ASSERT_EQ(upper[0].state, State::kCounterexample);
  EXPECT_EQ(upper[0].cex->query, "walk/ttbr1/root");
  EXPECT_EQ(upper[0].cex->helper, "hw_root");
  EXPECT_EQ(upper[0].cex->root & 0x1ff, 0x100u);
  const auto lower = prove_half(ctx, upstream, g, 0, {Obligation::kWalk}, no_replay, &setup, make);
  EXPECT_EQ(lower[0].state, State::kProved);
  // The concrete reference walk faults on it too (what `ptfold walk` shows).
  const ref::Half& h = g.halves.at(1);
  struct NoMem {
    u64 read64(u64, int) const { return 0; }
  } mem;
  EXPECT_EQ(ref::walk_half(g, 1, h.va_lo, u64{0x1e00 | 0x100}, mem).fault, ref::Fault::kReserved);
  EXPECT_NE(ref::walk_half(g, 1, h.va_lo, u64{0x1e00}, mem).fault, ref::Fault::kReserved);
}

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
    for (const Cell& c : r.cells) EXPECT_TRUE(proved_or_na(c)) << g << " " << obligation_name(c.obligation);
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
    EXPECT_TRUE(proved_or_na(c)) << obligation_name(c.obligation);
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
    EXPECT_TRUE(proved_or_na(c)) << obligation_name(c.obligation);
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

TEST(BugOnObligation, off_by_one_pgd_slot_is_caught_and_a_non_reproducing_cex_is_a_harness_error) {
  const ref::Geometry& g = *ref::find("arm64-4k-va52-nolpa2");
  const tgt::VariantInfo& upstream = *tgt::find_variant("arm64");
  smt::Context ctx;
  smt::Scope scope(ctx);
  auto make = [](const tgt::Config& cfg, SymEnv& env) -> std::unique_ptr<SymEnv::Target> {
    return std::make_unique<PgdSlotOffByOne<smt::BV, SymEnv>>(cfg, env);
  };
  double setup = 0;
  const auto rs = prove_half(ctx, upstream, g, 1, {Obligation::kWalk, Obligation::kBugOn}, ProveOptions{}, &setup, make);
  EXPECT_EQ(rs[0].state, State::kProved) << "the round-down hides the wrong slot from the walk";
  ASSERT_TRUE(rs[1].cex);
  EXPECT_EQ(rs[1].cex->level, "pgd_to_folded_p4d");
  EXPECT_EQ(rs[1].state, State::kHarnessError);
  EXPECT_NE(rs[1].detail.find("does not reproduce"), std::string::npos) << rs[1].detail;

  ProveOptions no_replay;
  no_replay.replay = false;
  const auto rs2 = prove_half(ctx, upstream, g, 1, {Obligation::kBugOn}, no_replay, &setup, make);
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

TEST(Jobs, parallel_matrix_prints_the_same_bytes_as_serial_and_as_a_second_run) {
  ProveOptions o;
  o.variants = {tgt::find_variant("arm64-fold-cast"), tgt::find_variant("arm64-lockless-stackcopy"),
                tgt::find_variant("arm64-descriptor-ds")};
  o.geometries = ref::select("arm64-*k-va52-*");
  const std::string a = format_matrix(prove_matrix(o), Format::kJson);
  o.jobs = 2;
  const std::string b = format_matrix(prove_matrix(o), Format::kJson);
  const std::string c = format_matrix(prove_matrix(o), Format::kJson);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, c);
  EXPECT_NE(a.find("counterexample"), std::string::npos);
}

TEST(Determinism, counterexamples_take_the_smallest_address) {
  // fold-cast's walk on the LPA2 fallback goes wrong from the second
  // hardware root slot on (VA[47:39] = 1): the minimised address is that
  // slot's first, and the pgd is at physical address 0.
  const Row r = prove("arm64-fold-cast", "arm64-4k-va52-nolpa2");
  const Counterexample& c = first_cex(cell(r, Obligation::kWalk));
  EXPECT_EQ(c.half, "ttbr0");
  EXPECT_EQ(c.va, u64{1} << 39);
  EXPECT_EQ(c.pgd_pa, 0u);
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
  for (const auto& rule : rules) {
    // GitHub code scanning wants all three on every rule.
    EXPECT_FALSE(rule["fullDescription"]["text"].get<std::string>().empty()) << rule["id"];
    EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty()) << rule["id"];
    EXPECT_NE(rule["helpUri"].get<std::string>().find("docs/proofs.md"), std::string::npos) << rule["id"];
    EXPECT_NE(rule["name"], rule["id"]);
  }
  size_t fails = 0, na = 0;
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
    na += res["kind"] == "notApplicable";
    ASSERT_FALSE(res["locations"].empty());
    const auto& pl = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(pl["artifactLocation"]["uri"].get<std::string>().rfind("targets/", 0), 0u);
    EXPECT_GE(pl["region"]["startLine"].get<int>(), 1);
  }
  EXPECT_EQ(fails, 1u);
  EXPECT_EQ(na, 2u);  // bug-on: fold-cast's folded helpers carry no VM_BUG_ON
  EXPECT_EQ(run["results"].size(), 10u);
}

TEST(Formats, junit_counts_failures) {
  const std::string x = format_matrix(mixed(), Format::kJunit);
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0), 0u);
  EXPECT_NE(x.find("<testsuites name=\"ptfold prove\" tests=\"10\" failures=\"1\" errors=\"0\" skipped=\"2\">"),
            std::string::npos);
  size_t cases = 0, pos = 0;
  while ((pos = x.find("<testcase ", pos)) != std::string::npos) ++cases, ++pos;
  EXPECT_EQ(cases, 10u);
  EXPECT_NE(x.find("<failure type=\"counterexample\""), std::string::npos);
  EXPECT_NE(x.find("<skipped message=\"not applicable: no walk helper"), std::string::npos);
  EXPECT_EQ(x.find("time="), std::string::npos) << "timings only with --timings";
}

TEST(Formats, ktap_version_plan_and_results) {
  std::istringstream in(format_matrix(mixed(), Format::kKtap));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "KTAP version 1");
  std::getline(in, line);
  EXPECT_EQ(line, "1..2");
  const std::regex top(R"(^(ok|not ok) (\d+) \S+$)"), sub(R"(^    (ok|not ok) (\d+) \S+( # SKIP .*)?$)");
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
  EXPECT_NE(format_matrix(mixed(), Format::kKtap).find("    ok 5 bug-on # SKIP not applicable: "), std::string::npos);
}

TEST(SourceIndex, a_helper_resolves_to_the_variants_override_hook_before_the_base_helper) {
  const SourceIndexEntry own = find_source("LocklessStackcopy", "p4d_offset_lockless");
  EXPECT_EQ(own.file, "targets/arm64/variants.h");
  const SourceIndexEntry base = find_source("LocklessStackcopy", "pud_offset_lockless");
  EXPECT_EQ(base.file, "targets/arm64/arm64.h");
  EXPECT_GT(base.line, 1u);
  const SourceIndexEntry cls = find_source("FoldCast", "");
  EXPECT_EQ(cls.file, "targets/arm64/variants.h");
  EXPECT_EQ(find_source("NoSuchClass", "pgd_offset").file, "targets/linux.h");
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
