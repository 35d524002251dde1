// mm/debug_vm_pgtable.c (6.12) reduced to the steps that allocate, populate,
// clear and free page tables: init_args() (pXd_alloc, start_pXdp =
// pXd_offset(.., 0)), the pmd/pud/p4d/pgd clear and populate tests, and
// destroy_args() - where seed bug A was first seen ("Bad page state" from
// pud_free(start_pudp)). The descriptor round trips of the basic tests are
// fuzz_walk's business. Leaves the mm's pgd for the caller to free (mmput).
#pragma once

#include "base/word.h"
#include "targets/linux.h"
#include "targets/mm/memory.h"

namespace ptfold::tgt {

struct PgtableDebugArgs {
  u64 vaddr = 0;
  u64 pgdp = 0, p4dp = 0, pudp = 0, pmdp = 0;
  u64 start_p4dp = 0, start_pudp = 0, start_pmdp = 0, start_ptep = 0;
};

// WARN_ON(cond): the env's warn_on() where it has one (EnvWarnOn), else a BUG.
template <class W, class Env>
void debug_warn_on(LinuxPageTable<W, Env>& t, bool cond, const char* helper, const char* what) {
  warn_on_or_bug(t.env(), cond, helper, what);
}

// init_args(): returns false when an allocation failed (the kernel bails out).
template <class W, class Env>
bool debug_vm_pgtable_init_args(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c,
                                PgtableDebugArgs& a) {
  a.pgdp = t.pgd_offset(mm, W(a.vaddr));
  a.p4dp = pxd_alloc(t, mm, c, Level::kP4d, W(a.pgdp), W(a.vaddr));
  if (!a.p4dp) return false;
  a.start_p4dp = t.p4d_offset(W(a.pgdp), W(0));
  a.pudp = pxd_alloc(t, mm, c, Level::kPud, W(a.p4dp), W(a.vaddr));
  if (!a.pudp) return false;
  a.start_pudp = t.pud_offset(W(a.p4dp), W(0));
  a.pmdp = pxd_alloc(t, mm, c, Level::kPmd, W(a.pudp), W(a.vaddr));
  if (!a.pmdp) return false;
  a.start_pmdp = t.pmd_offset(W(a.pudp), W(0));
  // pte_alloc(mm, pmdp): __pte_alloc when pmd_none.
  if (to_bool(t.pmd_none(t.env().read(W(a.pmdp), Level::kPmd))) &&
      !__pxd_alloc(t, mm, c, Level::kPte, W(a.pmdp), W(a.vaddr)))
    return false;
  // start_ptep = pmd_pgtable(pmdp_get(pmdp))
  a.start_ptep = t.env().va(t.pmd_page_paddr(t.env().read(W(a.pmdp), Level::kPmd)));
  return true;
}

// The clear/populate tests in debug_vm_pgtable()'s order: under the PMD
// lock, under the PUD lock, then under page_table_lock.
template <class W, class Env>
void debug_vm_pgtable_table_tests(LinuxPageTable<W, Env>& t, Mm<W>& mm, PgtableDebugArgs& a) {
  auto rd = [&](u64 p, Level l) { return t.env().read(W(p), l); };
  // pmd_clear_tests
  t.pmd_clear(W(a.pmdp));
  debug_warn_on(t, !to_bool(t.pmd_none(rd(a.pmdp, Level::kPmd))), "pmd_clear", "!pmd_none after pmd_clear");
  // pmd_populate_tests
  t.pmd_populate(mm, W(a.pmdp), W(a.start_ptep));
  debug_warn_on(t, to_bool(t.pmd_bad(rd(a.pmdp, Level::kPmd))), "pmd_populate", "pmd_bad after pmd_populate");
  if (!t.mm_pmd_folded()) {
    // pud_clear_tests
    t.pud_clear(W(a.pudp));
    debug_warn_on(t, !to_bool(t.pud_none(rd(a.pudp, Level::kPud))), "pud_clear", "!pud_none after pud_clear");
    // pud_populate_tests
    t.pud_populate(mm, W(a.pudp), W(a.start_pmdp));
    debug_warn_on(t, to_bool(t.pud_bad(rd(a.pudp, Level::kPud))), "pud_populate", "pud_bad after pud_populate");
  }
  if (!t.mm_pud_folded()) {
    // p4d_clear_tests
    debug_warn_on(t, to_bool(t.p4d_none(rd(a.p4dp, Level::kP4d))), "p4d_clear", "p4d_none before p4d_clear");
    t.p4d_clear(W(a.p4dp));
    debug_warn_on(t, !to_bool(t.p4d_none(rd(a.p4dp, Level::kP4d))), "p4d_clear", "!p4d_none after p4d_clear");
  }
  if (!t.mm_p4d_folded()) {
    // pgd_clear_tests
    debug_warn_on(t, to_bool(t.pgd_none(rd(a.pgdp, Level::kPgd))), "pgd_clear", "pgd_none before pgd_clear");
    t.pgd_clear(W(a.pgdp));
    debug_warn_on(t, !to_bool(t.pgd_none(rd(a.pgdp, Level::kPgd))), "pgd_clear", "!pgd_none after pgd_clear");
  }
  if (!t.mm_pud_folded()) {
    // p4d_populate_tests
    t.pud_clear(W(a.pudp));
    t.p4d_clear(W(a.p4dp));
    t.p4d_populate(mm, W(a.p4dp), W(a.start_pudp));
    debug_warn_on(t, to_bool(t.p4d_bad(rd(a.p4dp, Level::kP4d))), "p4d_populate", "p4d_bad after p4d_populate");
  }
  if (!t.mm_p4d_folded()) {
    // pgd_populate_tests
    t.p4d_clear(W(a.p4dp));
    t.pgd_clear(W(a.pgdp));
    t.pgd_populate(mm, W(a.pgdp), W(a.start_p4dp));
    debug_warn_on(t, to_bool(t.pgd_bad(rd(a.pgdp, Level::kPgd))), "pgd_populate", "pgd_bad after pgd_populate");
  }
}

// destroy_args(): the page-table part.
template <class W, class Env>
void debug_vm_pgtable_destroy_args(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c,
                                   PgtableDebugArgs& a) {
  if (a.start_ptep) {
    t.pmd_clear(W(a.pmdp));
    t.pte_free(mm, a.start_ptep);
    mm_dec_nr(t, c, Level::kPte);
  }
  if (a.start_pmdp) {
    t.pud_clear(W(a.pudp));
    t.pmd_free(mm, a.start_pmdp);
    mm_dec_nr(t, c, Level::kPmd);
  }
  if (a.start_pudp) {
    t.p4d_clear(W(a.p4dp));
    t.pud_free(mm, a.start_pudp);
    mm_dec_nr(t, c, Level::kPud);
  }
  if (a.start_p4dp) {
    t.pgd_clear(W(a.pgdp));
    t.p4d_free(mm, a.start_p4dp);
  }
}

}  // namespace ptfold::tgt
