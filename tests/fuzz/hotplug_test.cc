// arm64 memory hot-add/hot-remove (targets/arm64/hotplug.h) and its fuzz_ops
// ops: the ops round-trip through text and bytes and run on arm64 only; the
// range check accepts the linear map as the spec lays it out, from the
// PHYS_OFFSET arm64_memblock_init() picks; the model frees every table a
// removal empties and never the pgd a folded level aliases; its fold guards
// agree with the catalogue's folded levels.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fuzz/machine.h"
#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "harness/binding.h"
#include "harness/linux_view.h"
#include "reference/geometry.h"
#include "targets/arm64/hotplug.h"
#include "targets/mm/memory_hotplug.h"
#include "targets/variants.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

using tgt::Level;

const char* variant_for(const ref::Geometry& g) { return g.family == "arm64-boot" ? "arm64-boot" : "arm64"; }

// The owner fuzz_ops charges hot-added tables to (runner.cc's kHotplugOwner).
constexpr int kHotOwner = kDebugMm + 1;

// g's upstream model on a reset machine with init_mm booted as the runner
// boots it: its pgd allocated and live, swapper_pg_dir read-only, and what
// is allocated from here on charged to kHotOwner.
struct BootedInitMm {
  Machine& m;
  std::unique_ptr<tgt::LinuxPageTable<u64, Machine>> t;
  tgt::Mm<u64> init_mm;
};
BootedInitMm boot_init_mm(const ref::Geometry& g) {
  Machine& m = machine_for(g.page_shift);
  m.reset(0, 1, PageTypeEncoding::kPgty);
  m.set_geometry_name(g.name);
  BootedInitMm b{m, tgt::make_variant<u64>(variant_for(g), harness::config_for(g), m), {}};
  b.init_mm.init_mm = true;
  m.set_current_mm(kKernelMm);
  b.init_mm.pgd = b.t->pgd_alloc(b.init_mm);
  m.mark_pgd(b.init_mm.pgd, kKernelMm, true);
  if (b.t->swapper_pg_dir_read_only()) m.set_swapper_pg_dir(b.init_mm.pgd);
  m.set_current_mm(kHotOwner);
  return b;
}

TEST(Hotplug, text_encode_decode_round_trip_is_identity) {
  const Scenario s = parse_normalised(header("arm64", "arm64-4k-va48") +
                                "hot-add pa=0x80000000 len=0x3000 level=pte\n"
                                "hot-add pa=0x100000000 len=0x400000 level=pmd\n"
                                "hot-add pa=0x200000000 len=0x80000000 level=pud\n"
                                "hot-remove pa=0x100000000\n");
  ASSERT_EQ(s.ops.size(), 4u);
  EXPECT_EQ(s.ops[2].kind, OpKind::kHotAdd);
  EXPECT_EQ(s.ops[3].kind, OpKind::kHotRemove);
  expect_round_trip(s);
  const Scenario k = parse_normalised(header("arm64", "arm64-4k-va48") + "memory dram=0x80000000 parange=40 kaslr=0x8000\n" +
                                "hot-add pa=0x0 len=0x1000 level=pte\n");
  EXPECT_TRUE(k.memory.set);
  EXPECT_EQ(k.memory.parange, 40u);
  expect_round_trip(k);
}

TEST(Hotplug, ranges_are_normalised_into_the_cpus_physical_space) {
  // Anywhere in the PA space, aligned to the leaf: whether the linear map
  // holds the range is the kernel's range check to answer, not the decoder's.
  const Scenario s = parse_normalised(header("arm64", "arm64-4k-va48") +
                                "hot-add pa=0xfffffffff000 len=0x3000 level=pte\n"
                                "hot-add pa=0x1234567 len=0x10000000000 level=pmd\n");
  for (const Op& op : s.ops) EXPECT_LE(op.pa + op.len - 1, (u64{1} << 48) - 1);
  EXPECT_EQ(s.ops[0].pa, 0xffffffffd000u) << "the whole range inside 48 bits";
  EXPECT_EQ(s.ops[1].pa, 0x1200000u) << "pmd-aligned";
  EXPECT_EQ(s.ops[1].len, 4u << 21) << "one to four leaves";
  // With a CPU of 40-bit PAs (memory parange=40), inside 40 bits.
  const Scenario p40 = parse_normalised(header("arm64", "arm64-4k-va48") + "memory dram=0x0 parange=40\n" +
                                  "hot-add pa=0xfffffffff000 len=0x1000 level=pte\n");
  EXPECT_EQ(p40.ops[0].pa, 0xfffffff000u);
  // 16K: no pud blocks (pud_sect_supported() is 4K only): pmd leaves instead.
  const Scenario k16 = parse_normalised(header("arm64", "arm64-16k-va48") +
                                  "hot-add pa=0x0 len=0x1000000000 level=pud\n");
  EXPECT_EQ(k16.ops[0].leaf, Level::kPmd);
}

TEST(Hotplug, memory_statement_errors_say_what_to_write) {
  const auto error = [](const std::string& line) {
    try {
      parse_text(header("arm64", "arm64-4k-va48") + line + "\n");
    } catch (const ScenarioError& e) {
      return std::string(e.what()) + " (" + e.fix + ")";
    }
    return std::string();
  };
  EXPECT_NE(error("memory dram=0x0 parange=52").find("choose one of 32, 36, 40, 42, 44, 48"), std::string::npos);
  EXPECT_NE(error("memory dram=0x1000 parange=48").find("GiB-aligned"), std::string::npos);
  EXPECT_NE(error("memory dram=0xc0000000 parange=32").find("below 0xc0000000"), std::string::npos);
  EXPECT_NE(error("memory dram=0x0 parange=48 kaslr=0x10000").find("16-bit"), std::string::npos);
  EXPECT_NE(error("memory parange=48").find("needs dram="), std::string::npos);
  EXPECT_NE(error("hot-add pa=0x0 len=0x1000\nmemory dram=0x0 parange=48").find("after the ops"), std::string::npos);
}

TEST(Hotplug, ops_run_where_the_model_has_memory_hotplug) {
  const std::string ops = "hot-add pa=0x80000000 len=0x1000 level=pte\nhot-remove pa=0x80000000\n";
  const auto ran = [&](const char* v, const char* g) { return run_scenario(parse_normalised(header(v, g) + ops)).ops_run; };
  EXPECT_EQ(ran("arm64", "arm64-4k-va48"), 2u);
  EXPECT_EQ(ran("arm64-boot", "arm64-64k-va48-boot"), 2u);
  EXPECT_EQ(ran("x86_64", "x86_64-la57"), 0u);
  EXPECT_EQ(ran("riscv64", "riscv64-sv48"), 0u);
}

TEST(Hotplug, memory_already_there_is_not_added_again) {
  // The boot memory (1 GiB at 0x40000000 by default) and a range hot-added
  // before: add_memory() fails on the resource, no range check runs.
  const RunResult r = run_scenario(parse_normalised(header("arm64", "arm64-4k-va48") +
                                              "hot-add pa=0x7ffff000 len=0x2000 level=pte\n"
                                              "hot-add pa=0x80000000 len=0x2000 level=pte\n"
                                              "hot-add pa=0x80001000 len=0x1000 level=pte\n"));
  EXPECT_FALSE(r.finding);
  EXPECT_EQ(r.ops_run, 1u) << r.trace;
}

TEST(Hotplug, vmalloc_and_the_linear_map_never_share_a_pgd_entry) {
  // 16K/48: two kernel pgd entries, the linear map is the first; a vmalloc
  // map in it is skipped once memory is hot-added there, and the reverse.
  const RunResult a = run_scenario(parse_normalised(header("arm64", "arm64-16k-va48") +
                                              "hot-add pa=0x80000000 len=0x4000 level=pte\n"
                                              "map kernel va=0xffff400000000000 pa=0x1000000 level=pte\n"));
  EXPECT_FALSE(a.finding);
  EXPECT_EQ(a.ops_run, 1u) << a.trace;
  const RunResult b = run_scenario(parse_normalised(header("arm64", "arm64-16k-va48") +
                                              "map kernel va=0xffff400000000000 pa=0x1000000 level=pte\n"
                                              "hot-add pa=0x80000000 len=0x4000 level=pte\n"));
  EXPECT_FALSE(b.finding);
  EXPECT_EQ(b.ops_run, 1u) << b.trace;
}

// arm64_memblock_init()'s PHYS_OFFSET, worked by hand from arch/arm64/mm/init.c.
TEST(Hotplug, memstart_addr_follows_arm64_memblock_init) {
  const auto memstart = [](const char* geometry, tgt::arm64::BootMemory mem) {
    const ref::Geometry& g = *ref::find(geometry);
    auto t = tgt::make_variant<u64>(variant_for(g), harness::config_for(g), machine_for(g.page_shift));
    return tgt::arm64::arm64_memblock_init(*t, mem);
  };
  const u64 G = u64{1} << 30;
  // Rounded down to ARM64_MEMSTART_ALIGN: 1 GiB with 4K and 16K, 512 MiB with 64K.
  EXPECT_EQ(memstart("arm64-4k-va48", {G + G / 2, 2 * G + G / 2, 48, 0}), G);
  EXPECT_EQ(memstart("arm64-16k-va48", {G + G / 2, 2 * G + G / 2, 48, 0}), G);
  EXPECT_EQ(memstart("arm64-64k-va48", {G + G / 2, 2 * G + G / 2, 48, 0}), G + G / 2);
  // A 52-bit kernel on 48-bit hardware: moved down by 2^52 - 2^48.
  EXPECT_EQ(memstart("arm64-4k-va52-nolpa2", {G, 2 * G, 48, 0}), G - ((u64{1} << 52) - (u64{1} << 48)));
  EXPECT_EQ(memstart("arm64-4k-va52-lpa2", {G, 2 * G, 52, 0}), G);
  // KASLR: range = 2^47 - 2^40 over 1 GiB = 130048; 130048 * 0x8000 >> 16 = 65024 GiB down.
  EXPECT_EQ(memstart("arm64-4k-va48", {G, 2 * G, 40, 0x8000}), G - 65024 * G);
  // No slack (the PA range is as large as the linear region): no randomisation.
  EXPECT_EQ(memstart("arm64-4k-va48", {G, 2 * G, 48, 0xffff}), G);
  // Memory that does not fit the linear region (16K/36: 32 GiB) moves it up.
  EXPECT_EQ(memstart("arm64-16k-va36", {0, 40 * G, 40, 0}), 8 * G);
}

// mhp_get_pluggable_range() against the linear map of the geometry's
// LinuxView (the arm64 model owns its layout, PAGE_END = _PAGE_END(VA_BITS_MIN)
// included): [reachable start, PAGE_END) shifted by PHYS_OFFSET and clamped
// at 0 - on every arm64 geometry and several boot memories. PAGE_OFFSET and
// the reachable start are checked against the catalogue row (-2^VA_BITS,
// -2^vabits_actual).
TEST(Hotplug, pluggable_range_is_the_linear_map_on_every_geometry) {
  // Every PA width up to the geometry's, boot memory low and high, KASLR off,
  // at its extremes and in between.
  const u64 G = u64{1} << 30;
  std::vector<tgt::arm64::BootMemory> mems;
  for (unsigned parange : {32u, 36u, 40u, 42u, 44u, 48u, 52u})
    for (u64 dram : {u64{0}, G, 7 * G, 200 * G})
      if (dram + G <= u64{1} << parange)
        for (unsigned seed : {0u, 1u, 0x100u, 0x7fffu, 0x8000u, 0xfffeu, 0xffffu})
          mems.push_back({dram, dram + G, parange, seed});
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    const tgt::VariantInfo& v = *tgt::find_variant(variant_for(g));
    auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), machine_for(g.page_shift));
    const tgt::LinearMap& lm = harness::upstream_view(g).linear_map;
    const u64 page_offset = lm.page_offset, start = lm.start, end = lm.end;
    EXPECT_EQ(page_offset, u64{0} - (u64{1} << g.va_bits)) << g.name;
    EXPECT_EQ(start, u64{0} - (u64{1} << g.vabits_actual)) << g.name;
    EXPECT_LT(start, end) << g.name << ": PAGE_END above the reachable start";
    for (const tgt::arm64::BootMemory& mem : mems) {
      if (mem.parange > pa_bits_for(v, g)) continue;
      const u64 phys_offset = tgt::arm64::arm64_memblock_init(*t, mem);
      const int64_t lo = static_cast<int64_t>(start - page_offset + phys_offset);
      const tgt::PhysRange r = tgt::mhp_get_pluggable_range(*t, true, phys_offset);
      const std::string at = fmt::format("{} dram {:#x} parange {} seed {:#x}", g.name, mem.dram_start, mem.parange,
                                         mem.memstart_offset_seed);
      EXPECT_EQ(r.start, lo < 0 ? 0 : static_cast<u64>(lo)) << at;
      EXPECT_EQ(r.end, end - 1 - page_offset + phys_offset) << at;
      EXPECT_LE(mem.dram_end - 1, r.end) << at << ": the boot memory is inside the linear map";
      EXPECT_GE(mem.dram_start, r.start) << at;
    }
  }
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
      EXPECT_EQ(t->hotplug_level_folded(l), harness::upstream_view(g).lin(l).fold != harness::Fold::kNone)
          << g.name << " " << tgt::level_name(l);
  }
}

TEST(Hotplug, swapper_pg_dir_entries_go_through_the_fixmap_on_every_geometry) {
  // swapper_pg_dir read-only: hot-add and hot-remove populate and clear its
  // entries through whichever set_pXd() the geometry's folding makes the
  // pgd level (set_pgd, set_p4d, set_pud, set_pmd), each of which must take
  // set_swapper_pgd() - a write in place is a finding.
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    auto [m, t, init_mm] = boot_init_mm(g);
    ASSERT_TRUE(t->swapper_pg_dir_read_only());
    ASSERT_EQ(m.swapper_pg_dir(), init_mm.pgd);
    const tgt::LinearMap lm = t->hotplug_linear_map();
    EXPECT_NO_THROW(tgt::arm64::__create_pgd_mapping(*t, init_mm, 0x80000000, lm.start, g.page_size())) << g.name;
    // The entry written is wherever the folded helpers put it (a runtime-
    // folded level re-indexes inside the pgd): some entry of the pgd.
    const u64 n = t->pgd_alloc_size() / 8;
    EXPECT_LT(m.scan(init_mm.pgd, n, Level::kPgd, [](u64 v) { return v != 0; }), n) << g.name << ": swapper populated";
    EXPECT_NO_THROW(tgt::arm64::__remove_pgd_mapping(*t, init_mm, lm, lm.start, g.page_size())) << g.name;
  }
}

TEST(Hotplug, removal_frees_every_table_it_emptied_and_never_the_pgd) {
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.arch != ref::Arch::kArm64) continue;
    auto [m, t, init_mm] = boot_init_mm(g);
    const tgt::LinearMap lm = t->hotplug_linear_map();
    ASSERT_FALSE(lm.empty()) << g.name;
    const int hot = kHotOwner;
    const u64 page = g.page_size(), pmd = u64{1} << harness::upstream_view(g).lin(Level::kPmd).shift;
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
