// Unit tests of individual arm64 helpers in folded and unfolded modes
// (arch/arm64/include/asm/pgtable.h, asm/pgalloc.h, arch/arm64/mm/pgd.c).
#include <gtest/gtest.h>

#include "harness/binding.h"
#include "harness/mem_env.h"
#include "reference/geometry.h"
#include "targets/arm64/arm64.h"
#include "targets/arm64/variants.h"

namespace ptfold::tgt::arm64 {
namespace {

using harness::EnvError;
using harness::MemEnv;
using Model = Arm64<u64, MemEnv>;

struct Fixture {
  explicit Fixture(const char* geometry)
      : g(*ref::find(geometry)), env(g.page_size()), t(harness::config_for(g), env) {}
  const ref::Geometry& g;
  MemEnv env;
  Model t;
};

TEST(Arm64Helpers, pud_offset_folded_matches_hw_root) {
  Fixture f("arm64-16k-va52-nolpa2");
  Mm<u64> mm;
  mm.pgd = f.t.pgd_alloc(mm);
  const u64 va = 0xffff800012340000;
  // pgd_index uses the 52-bit view (slot 31 for kernel addresses); the folded
  // pud re-aligns to the page and indexes VA[46:36], the hardware L1 index.
  EXPECT_EQ(f.t.pgd_index(va), 31u);
  const u64 pudp = f.t.pud_offset(f.t.p4d_offset(f.t.pgd_offset(mm, va), va), va);
  EXPECT_EQ(pudp, mm.pgd + 8 * ((va >> 36) & 2047));
  f.t.pgd_free(mm, mm.pgd);
}

TEST(Arm64Helpers, pud_free_folded_is_noop) {
  Fixture f("arm64-16k-va52-nolpa2");
  Mm<u64> mm;
  mm.pgd = f.t.pgd_alloc(mm);
  // debug_vm_pgtable's start_pudp aliases the pgd page when the pud is folded.
  f.t.pud_free(mm, mm.pgd);
  EXPECT_EQ(f.env.live_allocations(), 1u);
  f.t.pgd_free(mm, mm.pgd);
  EXPECT_EQ(f.env.live_allocations(), 0u);
}

TEST(Arm64Helpers, pud_free_unfolded_runs_dtor) {
  Fixture f("arm64-4k-va48");
  Mm<u64> mm;
  const u64 pud = f.t.pud_alloc_one(mm, 0);
  EXPECT_EQ(f.env.nr_pagetable(), 1);
  f.t.pud_free(mm, pud);
  EXPECT_EQ(f.env.nr_pagetable(), 0);
  EXPECT_EQ(f.env.live_allocations(), 0u);
}

TEST(Arm64Helpers, pud_free_without_dtor_is_bad_page_state) {
  const ref::Geometry& g = *ref::find("arm64-4k-va48");
  MemEnv env(g.page_size());
  PudFreeNoDtor<u64, MemEnv> t(harness::config_for(g), env);
  Mm<u64> mm;
  const u64 pud = t.pud_alloc_one(mm, 0);
  try {
    t.pud_free(mm, pud);
    FAIL() << "freeing a constructed pud without its dtor must be reported";
  } catch (const EnvError& e) {
    EXPECT_NE(std::string(e.what()).find("Bad page state"), std::string::npos) << e.what();
  }
}

TEST(Arm64Helpers, pud_offset_phys_bugs_when_folded) {
  Fixture f("arm64-16k-va52-nolpa2");
  EXPECT_THROW(f.t.pud_offset_phys(0, 0), EnvError);
}

TEST(Arm64Helpers, p4d_populate_and_clear_are_noops_when_pud_folded) {
  Fixture f("arm64-16k-va52-nolpa2");
  Mm<u64> mm;
  mm.pgd = f.t.pgd_alloc(mm);
  const u64 pmd = f.t.pmd_alloc_one(mm, 0);
  f.t.p4d_populate(mm, mm.pgd, pmd);
  f.t.p4d_clear(mm.pgd);
  EXPECT_EQ(f.env.read(mm.pgd, Level::kP4d), 0u);
  EXPECT_FALSE(f.t.p4d_none(0));
  EXPECT_FALSE(f.t.p4d_bad(0));
  EXPECT_TRUE(f.t.p4d_present(0));
  f.t.pmd_free(mm, pmd);
  f.t.pgd_free(mm, mm.pgd);
}

TEST(Arm64Helpers, p4d_entry_tests_are_live_when_pud_is_not_folded) {
  Fixture f("arm64-16k-va52-lpa2");
  EXPECT_TRUE(f.t.p4d_none(0));
  EXPECT_TRUE(f.t.p4d_bad(1));
  EXPECT_FALSE(f.t.p4d_present(0));
}

TEST(Arm64Helpers, pgd_alloc_is_a_page_when_a_level_is_folded) {
  EXPECT_TRUE(Fixture("arm64-4k-va52-nolpa2").t.pgdir_is_page_size());
  EXPECT_FALSE(Fixture("arm64-4k-va52-lpa2").t.pgdir_is_page_size());
  // The RFC drops the rule in boot-time mode: a 512-byte pgd_cache object.
  EXPECT_FALSE(Fixture("arm64-64k-va48-boot").t.pgdir_is_page_size());
}

TEST(Arm64Helpers, phys_to_pte_val_lpa2_vector) {
  // arch/arm64/include/asm/pgtable.h: PA 0xc0000048d0000 <-> descriptor 0x48d0300 (DS=1).
  Fixture f("arm64-4k-va52-lpa2");
  EXPECT_EQ(f.t.__phys_to_pte_val(0xc0000048d0000), 0x48d0300u);
  EXPECT_EQ(f.t.__pte_to_phys(0x48d0300), 0xc0000048d0000u);
  // With DS=0 bits [9:8] are shareability: cleared, PA bits 51:50 lost.
  Fixture g("arm64-4k-va52-nolpa2");
  EXPECT_EQ(g.t.__pte_to_phys(0x48d0300), 0x48d0000u);
}

TEST(Arm64Helpers, ttbr1_offset_only_for_64k_va52_without_lva) {
  EXPECT_EQ(Fixture("arm64-64k-va52-nolva").t.ttbr1_offset(), 7680u);
  EXPECT_EQ(Fixture("arm64-64k-va52-lva").t.ttbr1_offset(), 0u);
  EXPECT_EQ(Fixture("arm64-4k-va52-nolpa2").t.ttbr1_offset(), 0u);
  EXPECT_EQ(Fixture("arm64-64k-va52-nolva").t.hw_root(0x10000, true), 0x10000u + 7680);
  EXPECT_EQ(Fixture("arm64-64k-va52-nolva").t.hw_root(0x10000, false), 0x10000u);
}

TEST(Arm64Helpers, folded_pointer_check_fires_on_a_pointer_indexed_with_another_address) {
  Fixture f("arm64-4k-va52-nolpa2");
  Mm<u64> mm;
  mm.pgd = f.t.pgd_alloc(mm);
  const u64 kva = 0xffff000000000000, uva = 0x0000000000400000;
  EXPECT_NO_THROW(f.t.pgd_to_folded_p4d(f.t.pgd_offset(mm, kva), kva));
  // pgdp indexed with a user address (slot 0) used for a kernel one (slot 15).
  EXPECT_THROW(f.t.pgd_to_folded_p4d(f.t.pgd_offset(mm, uva), kva), EnvError);
  f.t.pgd_free(mm, mm.pgd);
}

}  // namespace
}  // namespace ptfold::tgt::arm64
