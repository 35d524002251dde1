// The catalogue against linux-folding.md §2.7 (arm64 configuration table) and
// §7 (boot-time page size), and the target models' own constants against it.
#include <gtest/gtest.h>

#include <set>

#include "harness/binding.h"
#include "harness/mem_env.h"
#include "reference/geometry.h"
#include "targets/variants.h"

namespace ptfold::ref {
namespace {

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

// linux-folding.md §2.7, row by row; §7 for the boot-time family.
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

TEST_P(CatalogueRow, matches_linux_folding_table) {
  const Row& r = GetParam();
  const Geometry* g = find(r.name);
  ASSERT_NE(g, nullptr) << r.name;
  EXPECT_EQ(g->pgtable_levels, r.levels_compile);
  EXPECT_EQ(g->runtime_levels, r.levels_run);
  EXPECT_EQ(g->hw.size(), r.levels_run);
  EXPECT_EQ(g->vabits_actual, r.vabits_actual);
  EXPECT_EQ(g->lin(Level::kPgd).shift, r.pgdir_shift);
  for (int i = 0; i < kLinuxLevels; ++i) EXPECT_EQ(g->linux[i].ptrs, r.ptrs[i]) << level_name(static_cast<Level>(i));
  EXPECT_EQ(g->pgd_size, r.pgd_size);
  EXPECT_EQ(g->root_entries(), r.root_entries);
  EXPECT_EQ(g->pgd_alloc, r.alloc);
  EXPECT_EQ(g->pgd_alloc_bytes, r.alloc_bytes);
  std::string rt;
  for (const LinuxLevel& l : g->linux)
    if (l.fold == Fold::kRunTime) rt += level_name(l.level);
  EXPECT_EQ(rt, r.runtime_folded);
  EXPECT_EQ(g->halves.at(1).root_offset, r.ttbr1_offset);
  EXPECT_EQ(g->halves.at(0).root_offset, 0u);
}

// The target model derives PGDIR_SHIFT, PTRS_PER_*, folding and the pgd size
// with the kernel's own formulas; they must agree with the catalogue.
TEST_P(CatalogueRow, target_model_constants_agree) {
  const Geometry& g = *find(GetParam().name);
  harness::MemEnv env(g.page_size());
  const tgt::VariantInfo* v = tgt::upstream_for_family(g.family);
  ASSERT_NE(v, nullptr);
  auto t = tgt::make_variant<u64>(v->name, harness::config_for(g), env);
  for (int i = 0; i < kLinuxLevels; ++i) {
    const auto l = static_cast<tgt::Level>(i);
    EXPECT_EQ(t->shift(l), g.linux[i].shift) << tgt::level_name(l);
    EXPECT_EQ(t->ptrs_per(l), g.linux[i].ptrs) << tgt::level_name(l);
    EXPECT_EQ(t->folded(l), g.linux[i].fold != Fold::kNone) << tgt::level_name(l);
  }
  EXPECT_EQ(t->vabits_actual(), g.vabits_actual);
  EXPECT_EQ(t->PGD_SIZE(), g.pgd_size);
  EXPECT_EQ(t->pgd_alloc_size(), g.pgd_alloc_bytes);
  EXPECT_EQ(t->pgdir_is_page_size(), g.pgd_alloc == PgdAlloc::kPage);
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

TEST(Catalogue, linux_levels_cover_the_hardware_walk) {
  for (const Geometry& g : catalogue()) {
    EXPECT_EQ(g.lin(Level::kPgd).hw, 0) << g.name;
    EXPECT_EQ(g.lin(Level::kPte).hw, static_cast<int>(g.hw.size()) - 1) << g.name;
    for (int i = 0; i < static_cast<int>(g.hw.size()); ++i)
      EXPECT_EQ(g.lin(g.reader_of(i)).hw, i) << g.name;
  }
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
