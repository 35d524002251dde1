// The machine's kernel-style checks: each test provokes one report and
// asserts its class and helper, next to the legitimate sequence that must
// stay silent.
#include <gtest/gtest.h>

#include <functional>
#include <utility>

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

TEST_F(MachineTest, swapper_pg_dir_is_written_only_through_the_fixmap) {
  const u64 pgd = m.get_free_page(Level::kPgd);
  m.write(pgd + 8, Level::kPud, 3);  // before it is read-only: boot time
  m.set_swapper_pg_dir(pgd);
  EXPECT_EQ(m.swapper_pg_dir(), pgd);
  m.set_swapper_pgd(pgd + 16, 7);
  EXPECT_EQ(m.read(pgd + 16, Level::kPgd), 7u);
  const Finding f = expect_finding([&] { m.write(pgd + 24, Level::kPud, 5); });
  EXPECT_EQ(f.first_line(), "ptfold: ro-write: set_pud on test-geometry");
  EXPECT_EQ(m.read(pgd + 24, Level::kPgd), 0u) << "the faulting write did not land";
  const u64 other = m.get_free_page(Level::kPud);
  m.write(other, Level::kPud, 1);  // any other table: writable
  m.reset(0, 1, PageTypeEncoding::kPgty);
  EXPECT_EQ(m.swapper_pg_dir(), 0u) << "a new input starts before boot";
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

TEST_F(MachineTest, tables_lockless_walkers_may_reach_are_freed_only_through_the_gather) {
  m.set_current_mm(0);
  const u64 walked = m.get_free_page(Level::kP4d), queued = m.get_free_page(Level::kPud);
  m.set_current_mm(1);
  const u64 other = m.get_free_page(Level::kP4d);
  m.set_lockless_walkers(0);
  m.free_page(other, "p4d_free");  // another mm's table: no walker on it
  tgt::MmuGather tlb;
  m.tlb_remove_ptdesc(tlb, queued, Level::kPud);  // the RCU-delayed path: silent
  const Finding f = expect_finding([&] { m.free_page(walked, "p4d_free"); });
  EXPECT_EQ(f.first_line(), "ptfold: lockless-free: p4d_free on test-geometry");
  m.set_lockless_walkers(-1);  // the walks are over: a free at once is fine again
  m.free_page(walked, "p4d_free");
  m.tlb_finish_mmu(tlb);
  EXPECT_FALSE(m.is_live_table(walked));
  EXPECT_FALSE(m.is_live_table(queued));
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

// scan() is n read()s in order: the same index for every stop predicate,
// fill level (a few written entries, or more than the machine tracks) and
// range, and the same finding where a read would make one.
TEST_F(MachineTest, scan_agrees_with_reading_entry_by_entry) {
  const auto by_reads = [&](u64 ptr, u64 n, auto stop) {
    for (u64 k = 0; k < n; ++k)
      if (stop(m.read(ptr + 8 * k, Level::kPte))) return k;
    return n;
  };
  const auto nonzero = [](u64 v) { return v != 0; };
  const auto zero = [](u64 v) { return v == 0; };
  const auto odd = [](u64 v) { return (v & 1) != 0; };
  for (const unsigned written : {0u, 1u, 3u, 6u, 7u, 40u}) {
    m.reset(0, 1, PageTypeEncoding::kPgty);
    const u64 p = m.get_free_page(Level::kPte);
    for (unsigned k = 0; k < written; ++k)  // descending, so the tracked order is not the table order
      m.write(p + 8 * ((written - k) * 37 % 512), Level::kPte, k % 3 == 0 ? 0 : 2 * k + (k % 2));
    for (const auto& [off, n] : {std::pair<u64, u64>{0, 512}, {8 * 100, 200}, {8 * 300, 212}, {0, 0}})
      for (const auto& stop : {std::function<bool(u64)>(nonzero), std::function<bool(u64)>(zero),
                               std::function<bool(u64)>(odd)})
        EXPECT_EQ(m.scan(p + off, n, Level::kPte, stop), by_reads(p + off, n, stop))
            << written << " written, entries [" << off / 8 << ", " << off / 8 + n << ")";
  }
  const u64 p = m.get_free_page(Level::kPte);
  const Finding across = expect_finding([&] { m.scan(p + 8, 512, Level::kPte, nonzero); });
  EXPECT_EQ(across.cls, "wild-access") << "a table running past its page reads the next one";
  m.free_page(p, "pte_free_kernel");
  const Finding freed = expect_finding([&] { m.scan(p, 512, Level::kPte, nonzero); });
  EXPECT_EQ(freed.first_line(), "ptfold: use-after-free: pte_free_kernel on test-geometry");
}

}  // namespace
}  // namespace ptfold::fuzz
