// The arm64 catalogue rows and the LinuxView the upstream models report for
// them, row by row against the arm64 configuration table (arch/arm64/Kconfig,
// asm/pgtable-hwdef.h; docs/geometries.md) and the boot-time page-size family.
#include <gtest/gtest.h>

#include <set>

#include "harness/binding.h"
#include "harness/linux_view.h"
#include "harness/mem_env.h"
#include "reference/geometry.h"
#include "targets/variants.h"

namespace ptfold::ref {
namespace {

using harness::Fold;
using harness::LinuxView;
using harness::PgdAlloc;

struct Row {
  const char* name;
  unsigned levels_compile, levels_run, vabits_actual, pgdir_shift;
  u64 ptrs[5];            // PTRS_PER_PGD/P4D/PUD/PMD/PTE
  u64 pgd_size;           // PGD_SIZE
  u64 root_entries;       // the table the hardware walks first
  PgdAlloc alloc;
  u64 alloc_bytes;
  const char* runtime_folded;  // "" / "p4d" / "pud"
  u64 ttbr1_offset;
};

// The arm64 configuration table, row by row, then the boot-time family.
const Row kTable[] = {
    {"arm64-4k-va39", 3, 3, 39, 30, {512, 1, 1, 512, 512}, 4096, 512, PgdAlloc::kPage, 4096, "", 0},
    {"arm64-4k-va48", 4, 4, 48, 39, {512, 1, 512, 512, 512}, 4096, 512, PgdAlloc::kPage, 4096, "", 0},
    {"arm64-4k-va52-lpa2", 5, 5, 52, 48, {16, 512, 512, 512, 512}, 128, 16, PgdAlloc::kSlab, 128, "", 0},
    {"arm64-4k-va52-nolpa2", 5, 4, 48, 48, {16, 512, 512, 512, 512}, 128, 512, PgdAlloc::kPage, 4096, "p4d", 0},
    {"arm64-16k-va36", 2, 2, 36, 25, {2048, 1, 1, 1, 2048}, 16384, 2048, PgdAlloc::kPage, 16384, "", 0},
    {"arm64-16k-va47", 3, 3, 47, 36, {2048, 1, 1, 2048, 2048}, 16384, 2048, PgdAlloc::kPage, 16384, "", 0},
    {"arm64-16k-va48", 4, 4, 48, 47, {2, 1, 2048, 2048, 2048}, 16, 2, PgdAlloc::kSlab, 16, "", 0},
    {"arm64-16k-va52-lpa2", 4, 4, 52, 47, {32, 1, 2048, 2048, 2048}, 256, 32, PgdAlloc::kSlab, 256, "", 0},
    {"arm64-16k-va52-nolpa2", 4, 3, 47, 47, {32, 1, 2048, 2048, 2048}, 256, 2048, PgdAlloc::kPage, 16384, "pud", 0},
    {"arm64-64k-va42", 2, 2, 42, 29, {8192, 1, 1, 1, 8192}, 65536, 8192, PgdAlloc::kPage, 65536, "", 0},
    {"arm64-64k-va48", 3, 3, 48, 42, {64, 1, 1, 8192, 8192}, 512, 64, PgdAlloc::kSlab, 512, "", 0},
    {"arm64-64k-va52-lva", 3, 3, 52, 42, {1024, 1, 1, 8192, 8192}, 8192, 1024, PgdAlloc::kSlab, 8192, "", 0},
    {"arm64-64k-va52-nolva", 3, 3, 48, 42, {1024, 1, 1, 8192, 8192}, 8192, 64, PgdAlloc::kSlab, 8192, "", 7680},
    // Boot-time page size (RFC): 4 levels compiled, runtime shifts; the pgd
    // may be a sub-page pgd_cache object; folded levels take one entry.
    {"arm64-4k-va48-boot", 4, 4, 48, 39, {512, 1, 512, 512, 512}, 4096, 512, PgdAlloc::kPage, 4096, "", 0},
    {"arm64-16k-va48-boot", 4, 4, 48, 47, {2, 1, 2048, 2048, 2048}, 16, 2, PgdAlloc::kSlab, 16, "", 0},
    {"arm64-64k-va48-boot", 4, 3, 48, 42, {64, 1, 1, 8192, 8192}, 512, 64, PgdAlloc::kSlab, 512, "pud", 0},
};

class CatalogueRow : public ::testing::TestWithParam<Row> {};

TEST_P(CatalogueRow, hardware_side_matches_the_table) {
  const Row& r = GetParam();
  const Geometry* g = find(r.name);
  ASSERT_NE(g, nullptr) << r.name;
  EXPECT_EQ(g->pgtable_levels, r.levels_compile);
  EXPECT_EQ(g->runtime_levels, r.levels_run);
  EXPECT_EQ(g->hw.size(), r.levels_run);
  EXPECT_EQ(g->vabits_actual, r.vabits_actual);
  EXPECT_EQ(g->root_entries(), r.root_entries);
}

// Linux's side, as the upstream model reports it through the target interface.
TEST_P(CatalogueRow, linux_view_matches_the_table) {
  const Row& r = GetParam();
  const Geometry& g = *find(r.name);
  const LinuxView& v = harness::upstream_view(g);
  EXPECT_EQ(v.pgtable_levels, r.levels_compile);
  EXPECT_EQ(v.levels, r.levels_run);
  EXPECT_TRUE(v.covers_hw);
  EXPECT_EQ(v.vabits_actual, r.vabits_actual);
  EXPECT_EQ(v.lin(tgt::Level::kPgd).shift, r.pgdir_shift);
  for (int i = 0; i < tgt::kLevels; ++i)
    EXPECT_EQ(v.level[static_cast<size_t>(i)].ptrs, r.ptrs[i]) << tgt::level_name(static_cast<tgt::Level>(i));
  EXPECT_EQ(v.pgd_size, r.pgd_size);
  EXPECT_EQ(v.pgd_alloc, r.alloc);
  EXPECT_EQ(v.pgd_alloc_bytes, r.alloc_bytes);
  EXPECT_EQ(v.pgd_align, r.alloc_bytes);
  EXPECT_EQ(v.pgdir_is_page_size, r.alloc == PgdAlloc::kPage);
  std::string rt;
  for (const harness::LinuxLevel& l : v.level)
    if (l.fold == Fold::kRunTime) rt += tgt::level_name(l.level);
  EXPECT_EQ(rt, r.runtime_folded);
  ASSERT_EQ(v.root_offset.size(), 2u);
  EXPECT_EQ(v.root_offset[1], static_cast<int64_t>(r.ttbr1_offset));
  EXPECT_EQ(v.root_offset[0], 0);
  // The LPA2 family's folded helpers re-align to the page; the RFC's do not.
  if (!rt.empty()) {
    EXPECT_EQ(v.folded_realigns, g.family == "arm64-lpa2");
  }
  EXPECT_EQ(v.lin(tgt::Level::kPte).leaf_size, g.page_size());
}

INSTANTIATE_TEST_SUITE_P(Arm64, CatalogueRow, ::testing::ValuesIn(kTable),
                         [](const ::testing::TestParamInfo<Row>& p) {
                           std::string n = p.param.name;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(Catalogue, names_are_unique_and_stable) {
  std::set<std::string> seen;
  for (const Geometry& g : catalogue()) EXPECT_TRUE(seen.insert(g.name).second) << g.name;
  EXPECT_GE(catalogue().size(), 16u);
}

TEST(Catalogue, upstream_linux_levels_cover_the_hardware_walk) {
  for (const Geometry& g : catalogue()) {
    const LinuxView& v = harness::upstream_view(g);
    EXPECT_TRUE(v.covers_hw) << g.name;
    EXPECT_EQ(v.lin(tgt::Level::kPgd).hw, 0) << g.name;
    EXPECT_EQ(v.lin(tgt::Level::kPte).hw, static_cast<int>(g.hw.size()) - 1) << g.name;
    for (int i = 0; i < static_cast<int>(g.hw.size()); ++i)
      EXPECT_EQ(v.lin(v.reader_of(i)).hw, i) << g.name;
  }
}

// The pgd-allocation variant: the same constants, but pgd_alloc() hands out
// a sub-page pgd_cache object where a level is folded at run time.
TEST(LinuxView, pgdir_variant_reports_its_own_pgd_allocation) {
  const Geometry& g = *find("arm64-4k-va52-nolpa2");
  const LinuxView& up = harness::upstream_view(g);
  const LinuxView& bad = harness::linux_view("arm64-pgdir-page-size-nofold", g);
  EXPECT_EQ(up.pgd_alloc, PgdAlloc::kPage);
  EXPECT_EQ(up.pgd_alloc_bytes, 4096u);
  EXPECT_EQ(bad.pgd_alloc, PgdAlloc::kSlab);
  EXPECT_EQ(bad.pgd_alloc_bytes, 128u);
  EXPECT_EQ(bad.pgd_align, 128u);
  EXPECT_FALSE(bad.pgdir_is_page_size);
  EXPECT_EQ(bad.lin(tgt::Level::kP4d).shift, up.lin(tgt::Level::kP4d).shift);
}

// How a folded level folds is seen, not assumed: the probe tells the LPA2
// round-down from the RFC's pointer pass-through and the compile-time casts.
TEST(LinuxView, fold_how_is_probed_from_the_helpers) {
  EXPECT_EQ(harness::upstream_view(*find("arm64-4k-va52-nolpa2")).lin(tgt::Level::kP4d).how,
            "PTR_ALIGN_DOWN(pgdp, PAGE_SIZE) + p4d_index(addr)");
  EXPECT_EQ(harness::upstream_view(*find("arm64-64k-va48-boot")).lin(tgt::Level::kPud).how,
            "pud_offset returns the p4d pointer unchanged");
  EXPECT_EQ(harness::upstream_view(*find("arm64-4k-va48")).lin(tgt::Level::kP4d).how, "pgtable-nop4d.h: (p4d_t *)pgdp");
  EXPECT_EQ(harness::linux_view("arm64-fold-cast", *find("arm64-4k-va52-nolpa2")).lin(tgt::Level::kP4d).how,
            "p4d_offset returns the pgd pointer unchanged");
}

TEST(Catalogue, glob_selects_families) {
  EXPECT_EQ(select("arm64-*-boot").size(), 3u);
  EXPECT_EQ(select("arm64-16k-va52-*").size(), 2u);
  EXPECT_TRUE(select("nothing-*").empty());
  EXPECT_TRUE(glob_match("a?c*", "abcdef"));
  EXPECT_FALSE(glob_match("a?c", "abcd"));
}

}  // namespace
}  // namespace ptfold::ref
