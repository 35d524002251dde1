// The x86-64 and RISC-V catalogue rows (docs/geometries.md) and the
// LinuxView the upstream models report for them (the kernel's arch/x86 and
// arch/riscv asm/pgtable*.h).
#include <gtest/gtest.h>

#include "harness/linux_view.h"
#include "reference/geometry.h"

namespace ptfold::ref {
namespace {

using harness::Fold;
using harness::PgdAlloc;
using tgt::Level;

struct Row {
  const char* name;
  Arch arch;
  unsigned levels_walked;
  unsigned vabits_actual;
  unsigned pgdir_shift;
  u64 ptrs_per_p4d;
  Fold p4d, pud;
  Level root_reader;  // the Linux level whose entry the hardware root holds
  const char* root_name;
};

const Row kRows[] = {
    {"x86_64-4level", Arch::kX86_64, 4, 48, 39, 1, Fold::kCompileTime, Fold::kNone, Level::kP4d, "PML4"},
    {"x86_64-la57", Arch::kX86_64, 5, 57, 48, 512, Fold::kNone, Fold::kNone, Level::kPgd, "PML5"},
    {"x86_64-nola57", Arch::kX86_64, 4, 48, 39, 1, Fold::kRunTime, Fold::kNone, Level::kP4d, "PML4"},
    {"x86_64-pti", Arch::kX86_64, 4, 48, 39, 1, Fold::kRunTime, Fold::kNone, Level::kP4d, "PML4"},
    {"riscv64-sv57", Arch::kRiscv64, 5, 57, 48, 512, Fold::kNone, Fold::kNone, Level::kPgd, "level 4"},
    {"riscv64-sv48", Arch::kRiscv64, 4, 48, 39, 512, Fold::kRunTime, Fold::kNone, Level::kP4d, "level 3"},
    {"riscv64-sv39", Arch::kRiscv64, 3, 39, 30, 512, Fold::kRunTime, Fold::kRunTime, Level::kPud, "level 2"},
};

TEST(CatalogueArch, rows_match_linux_folding_and_the_cross_arch_table) {
  for (const Row& r : kRows) {
    SCOPED_TRACE(r.name);
    const Geometry* g = find(r.name);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->arch, r.arch);
    EXPECT_EQ(g->family, r.arch == Arch::kX86_64 ? "x86_64" : "riscv64");
    const harness::LinuxView& v = harness::upstream_view(*g);
    EXPECT_FALSE(v.folded_realigns);
    EXPECT_EQ(g->runtime_levels, r.levels_walked);
    EXPECT_EQ(g->vabits_actual, r.vabits_actual);
    ASSERT_EQ(g->hw.size(), r.levels_walked);
    EXPECT_EQ(g->hw.front().name, r.root_name);
    // Intel SDM Vol. 3A §4.5, RISC-V Sv39/Sv48/Sv57: 9 bits per level, full 4 KiB roots, index bits
    // VA[12+9k+8 : 12+9k] from the leaf up.
    for (size_t i = 0; i < g->hw.size(); ++i) {
      const unsigned k = static_cast<unsigned>(g->hw.size() - 1 - i);
      EXPECT_EQ(g->hw[i].lo, 12 + 9 * k);
      EXPECT_EQ(g->hw[i].hi, 20 + 9 * k);
      EXPECT_EQ(g->hw[i].entries, 512u);
    }
    EXPECT_EQ(g->root_bytes(), 4096u);
    EXPECT_EQ(v.lin(Level::kPgd).shift, r.pgdir_shift);
    EXPECT_EQ(v.lin(Level::kPgd).ptrs, 512u);
    EXPECT_EQ(v.lin(Level::kP4d).ptrs, r.ptrs_per_p4d);
    EXPECT_EQ(v.lin(Level::kP4d).fold, r.p4d);
    EXPECT_EQ(v.lin(Level::kPud).fold, r.pud);
    EXPECT_EQ(v.lin(Level::kPmd).fold, Fold::kNone);
    EXPECT_EQ(v.lin(Level::kPmd).shift, 21u);
    EXPECT_EQ(v.lin(Level::kPte).shift, 12u);
    EXPECT_EQ(v.reader_of(0), r.root_reader);
    // Every unfolded Linux level below the root reads its own hw table, in order.
    EXPECT_EQ(v.reader_of(static_cast<int>(g->hw.size()) - 1), Level::kPte);
    // Halves: VA[63:VA-1] all equal.
    ASSERT_EQ(g->halves.size(), 2u);
    EXPECT_EQ(g->halves[0].va_hi, (u64{1} << (r.vabits_actual - 1)) - 1);
    EXPECT_EQ(g->halves[1].va_lo, ~u64{0} << (r.vabits_actual - 1));
  }
}

TEST(CatalogueArch, x86_leaf_levels_are_pdpt_pd_pt) {
  const Geometry& g = *find("x86_64-la57");
  const bool expect[] = {false, false, true, true, true};  // PML5 PML4 PDPT PD PT
  for (size_t i = 0; i < g.hw.size(); ++i) EXPECT_EQ(g.hw[i].leaf_ok, expect[i]) << g.hw[i].name;
  for (const HwLevel& l : find("riscv64-sv57")->hw) EXPECT_TRUE(l.leaf_ok) << l.name;
}

TEST(CatalogueArch, pti_pgd_is_two_pages_with_the_user_root_on_the_second) {
  const Geometry& g = *find("x86_64-pti");
  EXPECT_TRUE(g.pti);
  EXPECT_TRUE(g.config_5level);
  EXPECT_FALSE(g.hwc.la57);
  const harness::LinuxView& v = harness::upstream_view(g);
  EXPECT_EQ(v.pgd_alloc, PgdAlloc::kTwoPages);
  EXPECT_EQ(v.pgd_alloc_bytes, 8192u);
  EXPECT_EQ(v.pgd_align, 8192u);
  EXPECT_EQ(g.halves[0].name, "user");
  EXPECT_EQ(v.root_offset.at(0), 4096);
  EXPECT_EQ(v.root_offset.at(1), 0);
  for (const char* other : {"x86_64-4level", "x86_64-la57", "x86_64-nola57"}) {
    const harness::LinuxView& o = harness::upstream_view(*find(other));
    EXPECT_EQ(o.pgd_alloc_bytes, 4096u) << other;
    EXPECT_EQ(o.root_offset.at(0), 0) << other;
  }
}

TEST(CatalogueArch, configuration_fields) {
  EXPECT_FALSE(find("x86_64-4level")->config_5level);
  EXPECT_EQ(find("x86_64-4level")->pgtable_levels, 4u);
  EXPECT_EQ(find("x86_64-nola57")->pgtable_levels, 5u);
  EXPECT_TRUE(find("x86_64-la57")->hwc.la57);
  EXPECT_EQ(find("riscv64-sv57")->hwc.satp_mode, 10u);
  EXPECT_EQ(find("riscv64-sv48")->hwc.satp_mode, 9u);
  EXPECT_EQ(find("riscv64-sv39")->hwc.satp_mode, 8u);
  for (const Geometry* g : select("riscv64-*")) EXPECT_EQ(g->pgtable_levels, 5u) << g->name;
  EXPECT_EQ(select("x86_64-*").size(), 4u);
  EXPECT_EQ(select("riscv64-*").size(), 3u);
}

}  // namespace
}  // namespace ptfold::ref
