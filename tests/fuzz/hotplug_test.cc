// arm64 memory hot-add/hot-remove (targets/arm64/hotplug.h) and its fuzz_ops
// ops: the ops round-trip through text and bytes and run on arm64 only; the
// model frees every table a removal empties and never the pgd a folded
// level aliases; its fold guards agree with the catalogue's folded levels.
#include <gtest/gtest.h>

#include <string>

#include "fuzz/machine.h"
#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "harness/binding.h"
#include "reference/geometry.h"
#include "targets/arm64/hotplug.h"
#include "targets/variants.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

using tgt::Level;

const char* variant_for(const ref::Geometry& g) { return g.family == "arm64-boot" ? "arm64-boot" : "arm64"; }

TEST(Hotplug, text_encode_decode_round_trip_is_identity) {
  const Scenario s = parse_text(header("arm64", "arm64-4k-va48") +
                                "hot-add va=0xffff000000000000 pa=0x40000000 len=0x3000 level=pte\n"
                                "hot-add va=0xffff000040000000 pa=0x80000000 len=0x400000 level=pmd\n"
                                "hot-add va=0xffff000100000000 pa=0x40000000 len=0x80000000 level=pud\n"
                                "hot-remove va=0xffff000040000000\n");
  ASSERT_EQ(s.ops.size(), 4u);
  EXPECT_EQ(s.ops[2].kind, OpKind::kHotAdd);
  EXPECT_EQ(s.ops[3].kind, OpKind::kHotRemove);
  expect_round_trip(s);
}

TEST(Hotplug, ranges_are_normalised_into_the_linear_map_and_the_physical_space) {
  // 4K/48: linear map [0xffff000000000000, 0xffff800000000000), 48-bit PAs.
  const Scenario s = parse_text(header("arm64", "arm64-4k-va48") +
                                "hot-add va=0x1234 pa=0xfffffffff000 len=0x3000 level=pte\n"
                                "hot-add va=0xffffffffffffffff pa=0x0 len=0x10000000000 level=pmd\n");
  for (const Op& op : s.ops) {
    EXPECT_GE(op.va, 0xffff000000000000u);
    EXPECT_LE(op.va + op.len - 1, 0xffff7fffffffffffu);
    EXPECT_LE(op.pa + op.len - 1, (u64{1} << 48) - 1) << "mhp_range_allowed: the range fits the PA space";
  }
  EXPECT_EQ(s.ops[1].len, 4u << 21) << "one to four leaves";
  // 16K: no pud blocks (pud_sect_supported() is 4K only): pmd leaves instead.
  const Scenario k16 = parse_text(header("arm64", "arm64-16k-va48") +
                                  "hot-add va=0x0 pa=0x0 len=0x1000000000 level=pud\n");
  EXPECT_EQ(k16.ops[0].leaf, Level::kPmd);
}

TEST(Hotplug, ops_run_where_the_model_has_memory_hotplug) {
  const std::string ops = "hot-add va=0x0 pa=0x40000000 len=0x1000 level=pte\nhot-remove va=0x0\n";
  const auto ran = [&](const char* v, const char* g) { return run_scenario(parse_text(header(v, g) + ops)).ops_run; };
  EXPECT_EQ(ran("arm64", "arm64-4k-va48"), 2u);
  EXPECT_EQ(ran("arm64-boot", "arm64-64k-va48-boot"), 2u);
  EXPECT_EQ(ran("x86_64", "x86_64-la57"), 0u);
  EXPECT_EQ(ran("riscv64", "riscv64-sv48"), 0u);
}

TEST(Hotplug, vmalloc_and_the_linear_map_never_share_a_pgd_entry) {
  // 16K/48: two kernel pgd entries, the linear map is the first; a vmalloc
  // map in it is skipped once memory is hot-added there, and the reverse.
  const RunResult a = run_scenario(parse_text(header("arm64", "arm64-16k-va48") +
                                              "hot-add va=0xffff000000000000 pa=0x40000000 len=0x4000 level=pte\n"
                                              "map kernel va=0xffff400000000000 pa=0x1000000 level=pte\n"));
  EXPECT_FALSE(a.finding);
  EXPECT_EQ(a.ops_run, 1u) << a.trace;
  const RunResult b = run_scenario(parse_text(header("arm64", "arm64-16k-va48") +
                                              "map kernel va=0xffff400000000000 pa=0x1000000 level=pte\n"
                                              "hot-add va=0xffff000000000000 pa=0x40000000 len=0x4000 level=pte\n"));
  EXPECT_FALSE(b.finding);
  EXPECT_EQ(b.ops_run, 1u) << b.trace;
}

TEST(Hotplug, fold_guards_agree_with_the_catalogue) {
  // free_empty_pud_table returns on !pgtable_l4_enabled(), the p4d one on
  // !pgtable_l5_enabled(), the pmd one when pmd is folded: exactly the
  // levels the catalogue lists as folded, at compile or run time.
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    Machine& m = machine_for(g.page_shift);
    auto t = tgt::make_variant<u64>(variant_for(g), harness::config_for(g), m);
    for (Level l : {Level::kP4d, Level::kPud, Level::kPmd})
      EXPECT_EQ(tgt::arm64::hotplug_detail::level_folded_for_free(*t, l), g.lin(static_cast<ref::Level>(l)).fold != ref::Fold::kNone)
          << g.name << " " << tgt::level_name(l);
  }
}

TEST(Hotplug, removal_frees_every_table_it_emptied_and_never_the_pgd) {
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    Machine& m = machine_for(g.page_shift);
    m.reset(0, 1, PageTypeEncoding::kPgty);
    m.set_geometry_name(g.name);
    auto t = tgt::make_variant<u64>(variant_for(g), harness::config_for(g), m);
    const tgt::LinearMap lm = t->hotplug_linear_map();
    ASSERT_FALSE(lm.empty()) << g.name;
    tgt::Mm<u64> init_mm;
    init_mm.init_mm = true;
    m.set_current_mm(kKernelMm);
    init_mm.pgd = t->pgd_alloc(init_mm);
    m.mark_pgd(init_mm.pgd, kKernelMm, true);
    const int hot = kDebugMm + 1;
    m.set_current_mm(hot);
    const u64 page = g.page_size(), pmd = u64{1} << g.lin(ref::Level::kPmd).shift;
    // Two ranges sharing a pte table, and a pmd-sized range of pages.
    tgt::arm64::__create_pgd_mapping(*t, init_mm, 0x40000000, lm.start, 2 * page);
    tgt::arm64::__create_pgd_mapping(*t, init_mm, 0x40100000, lm.start + 4 * page, page);
    tgt::arm64::__create_pgd_mapping(*t, init_mm, 0x80000000, lm.start + 8 * pmd, 4 * page);
    const size_t added = m.live_owned_by(hot, nullptr);
    EXPECT_GT(added, 0u) << g.name;
    tgt::arm64::__remove_pgd_mapping(*t, init_mm, lm, lm.start, 2 * page);
    EXPECT_EQ(m.live_owned_by(hot, nullptr), added) << g.name << ": the shared pte table is still in use";
    tgt::arm64::__remove_pgd_mapping(*t, init_mm, lm, lm.start + 8 * pmd, 4 * page);
    tgt::arm64::__remove_pgd_mapping(*t, init_mm, lm, lm.start + 4 * page, page);
    std::string first;
    EXPECT_EQ(m.live_owned_by(hot, &first), 0u) << g.name << ": " << first;
    EXPECT_TRUE(m.is_live_table(init_mm.pgd)) << g.name;
    EXPECT_EQ(m.live_owned_by(kKernelMm, nullptr), 1u) << g.name << ": only the pgd";
  }
}

}  // namespace
}  // namespace ptfold::fuzz
