// The machine's kernel-style checks: each test provokes one report and
// asserts its class and helper, next to the legitimate sequence that must
// stay silent.
#include <gtest/gtest.h>

#include "fuzz/machine.h"

namespace ptfold::fuzz {
namespace {

using tgt::Level;

class MachineTest : public ::testing::Test {
 protected:
  Machine& m = machine();
  static Machine& machine() {
    static Machine mm(12);
    return mm;
  }
  void SetUp() override {
    m.reset(0, 1, PageTypeEncoding::kPgty);
    m.set_geometry_name("test-geometry");
  }
  template <class F>
  Finding expect_finding(F&& f) {
    try {
      f();
    } catch (const Finding& e) {
      return e;
    }
    ADD_FAILURE() << "no finding";
    return Finding("", "", "");
  }
};

TEST_F(MachineTest, pud_free_without_dtor_is_bad_page_state) {
  const u64 p = m.get_free_page(Level::kPud);
  m.pagetable_ctor(p, Level::kPud);
  EXPECT_EQ(m.nr_pagetable(), 1);
  const Finding f = expect_finding([&] { m.free_page(p, "pud_free"); });
  EXPECT_EQ(f.first_line(), "ptfold: bad-page-state: pud_free on test-geometry");
  EXPECT_NE(f.detail.find("page_type: f2(table)"), std::string::npos) << f.detail;
}

TEST_F(MachineTest, legacy_encoding_prints_mapcount_minus_512) {
  m.reset(0, 1, PageTypeEncoding::kLegacy);
  const u64 p = m.get_free_page(Level::kPud);
  m.pagetable_ctor(p, Level::kPud);
  const Finding f = expect_finding([&] { m.free_page(p, "pud_free"); });
  EXPECT_NE(f.detail.find("mapcount:-512"), std::string::npos) << f.detail;
}

TEST_F(MachineTest, ctor_dtor_free_is_silent_and_balances_nr_pagetable) {
  const u64 p = m.get_free_page(Level::kPmd);
  m.pagetable_ctor(p, Level::kPmd);
  m.pagetable_dtor(p, Level::kPmd);
  m.free_page(p, "pmd_free");
  EXPECT_EQ(m.nr_pagetable(), 0);
}

TEST_F(MachineTest, second_free_is_double_free_naming_first_freer) {
  const u64 p = m.get_free_page(Level::kPte);
  m.free_page(p, "pte_free_kernel");
  const Finding f = expect_finding([&] { m.free_page(p, "pte_free"); });
  EXPECT_EQ(f.cls, "double-free");
  EXPECT_NE(f.detail.find("pte_free_kernel"), std::string::npos);
}

TEST_F(MachineTest, free_of_non_head_address_is_bad_free) {
  const u64 p = m.get_free_page(Level::kPud);
  const Finding f = expect_finding([&] { m.free_page(p + 0x80, "pud_free"); });
  EXPECT_EQ(f.cls, "bad-free");
}

TEST_F(MachineTest, freeing_the_live_pgd_through_an_alias_is_bad_free) {
  const u64 pgd = m.get_free_page(Level::kPgd);
  m.mark_pgd(pgd, 0, true);
  const Finding f = expect_finding([&] { m.free_page(pgd, "pud_free"); });
  EXPECT_EQ(f.first_line(), "ptfold: bad-free: pud_free on test-geometry");
}

TEST_F(MachineTest, read_outside_slab_pgd_object_is_wild_access) {
  const u64 pgd = m.pgd_cache_alloc(512);
  EXPECT_NE(pgd & 0xfff, 0u) << "slab objects never sit at the page start";
  EXPECT_EQ(m.read(pgd + 504, Level::kPgd), 0u);
  const Finding f = expect_finding([&] { m.read(pgd & ~u64{0xfff}, Level::kPud); });
  EXPECT_EQ(f.first_line(), "ptfold: wild-access: pud_offset on test-geometry");
}

TEST_F(MachineTest, read_of_freed_table_is_use_after_free_naming_freer) {
  const u64 p = m.get_free_page(Level::kPmd);
  m.free_page(p, "pmd_free");
  const Finding f = expect_finding([&] { m.read(p, Level::kPmd); });
  EXPECT_EQ(f.first_line(), "ptfold: use-after-free: pmd_free on test-geometry");
}

TEST_F(MachineTest, stack_copy_reads_only_when_registered) {
  u64 local = 0x1234;
  const u64 addr = reinterpret_cast<u64>(&local);
  m.stack_copy_push(addr);
  EXPECT_EQ(m.read(addr, Level::kPgd), 0x1234u);
  m.stack_copy_pop();
  const Finding f = expect_finding([&] { m.read(addr, Level::kPgd); });
  EXPECT_EQ(f.cls, "wild-access");
}

TEST_F(MachineTest, gathered_tables_are_freed_at_tlb_finish_mmu) {
  const u64 p = m.get_free_page(Level::kPte);
  m.pagetable_ctor(p, Level::kPte);
  m.pagetable_dtor(p, Level::kPte);
  tgt::MmuGather tlb;
  m.tlb_remove_ptdesc(tlb, p, Level::kPte);
  EXPECT_TRUE(m.is_live_table(p));
  m.tlb_finish_mmu(tlb);
  EXPECT_FALSE(m.is_live_table(p));
}

TEST_F(MachineTest, pages_come_back_zeroed_after_reuse) {
  const u64 p = m.get_free_page(Level::kPte);
  m.write(p + 8, Level::kPte, 0xdead);
  m.free_page(p, "pte_free");
  m.reset(0, 1, PageTypeEncoding::kPgty);
  const u64 q = m.get_free_page(Level::kPte);
  EXPECT_EQ(q, p) << "reset makes allocation order deterministic";
  EXPECT_EQ(m.read(q + 8, Level::kPte), 0u);
}

}  // namespace
}  // namespace ptfold::fuzz
