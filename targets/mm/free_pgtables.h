// free_pgd_range() and its per-level helpers (mm/memory.c, 6.12): free the
// page tables of [addr, end) that no address in [floor, ceiling) outside the
// range still needs, through an mmu_gather (__pXd_free_tlb). Written once,
// level-indexed, calling only the LinuxPageTable interface, so folded levels
// take exactly the paths the kernel's macros give them (the loops run once,
// the frees and clears are no-ops).
#pragma once

#include "base/word.h"
#include "targets/linux.h"
#include "targets/mm/memory.h"

namespace ptfold::tgt {

// pXd_addr_end(addr, end): the next boundary of a level-`l` entry, or end.
// Compile-time folded levels (pgtable-nopXd.h) return `end`; with their shift
// equal to the parent's the generic formula gives the same.
template <class W, class Env>
u64 pxd_addr_end(const LinuxPageTable<W, Env>& t, Level l, u64 addr, u64 end) {
  const unsigned s = t.shift(l);
  const u64 boundary = (addr + (u64{1} << s)) & ~((u64{1} << s) - 1);
  return boundary - 1 < end - 1 ? boundary : end;
}

// pXd_none_or_clear_bad(pXdp): a bad entry is reported (pXd_ERROR, the
// env's bad_entry(): EnvBadEntry) and cleared.
template <class W, EnvBadEntry Env>
bool pxd_none_or_clear_bad(LinuxPageTable<W, Env>& t, Level l, u64 p) {
  const W v = t.env().read(W(p), l);
  if (to_bool(t.none(l, v))) return true;
  if (to_bool(t.bad(l, v))) {
    t.env().bad_entry(l, p, v);
    // pgd/p4d/pud_clear_bad exist only where the level is real; pmd always.
    t.clear(l, W(p));
    return true;
  }
  return false;
}

// free_pte_range(): pmd_clear + pte_free_tlb + mm_dec_nr_ptes.
template <class W, class Env>
void free_pte_range(LinuxPageTable<W, Env>& t, MmuGather& tlb, Mm<W>& mm, MmCounters& c,
                    u64 pmdp, u64 addr) {
  // pgtable_t token = pmd_pgtable(*pmd)
  const u64 token = t.env().va(t.pmd_page_paddr(t.env().read(W(pmdp), Level::kPmd)));
  t.pmd_clear(W(pmdp));
  t.free_tlb(tlb, mm, Level::kPte, token, addr);
  mm_dec_nr(t, c, Level::kPte);
}

// free_pmd_range / free_pud_range / free_p4d_range: walk the level-`l`
// entries of the table `parentp` points at (pmd_offset(pud, addr) ...), free
// what lies below, then free the level-`l` table itself when [start & MASK,
// end) is clear of floor and ceiling (MASK of the parent level: PUD_MASK for
// pmd tables, P4D_MASK for pud tables, PGDIR_MASK for p4d tables).
template <class W, class Env>
void free_pxd_range(LinuxPageTable<W, Env>& t, MmuGather& tlb, Mm<W>& mm, MmCounters& c, Level l,
                    u64 parentp, u64 addr, u64 end, u64 floor, u64 ceiling) {
  u64 start = addr;
  u64 p = t.offset(l, W(parentp), W(addr));
  u64 next;
  do {
    next = pxd_addr_end(t, l, addr, end);
    if (pxd_none_or_clear_bad(t, l, p)) continue;
    if (l == Level::kPmd)
      free_pte_range(t, tlb, mm, c, p, addr);
    else
      free_pxd_range(t, tlb, mm, c, child_of(l), p, addr, next, floor, ceiling);
  } while (p += 8, addr = next, addr != end);

  const u64 mask = ~((u64{1} << t.shift(parent_of(l))) - 1);
  start &= mask;
  if (start < floor) return;
  if (ceiling) {
    ceiling &= mask;
    if (!ceiling) return;
  }
  if (end - 1 > ceiling - 1) return;

  const u64 table = t.offset(l, W(parentp), W(start));
  t.clear(parent_of(l), W(parentp));
  t.free_tlb(tlb, mm, l, table, start);
  mm_dec_nr(t, c, l);
}

// free_pgd_range(tlb, addr, end, floor, ceiling).
template <class W, class Env>
void free_pgd_range(LinuxPageTable<W, Env>& t, MmuGather& tlb, Mm<W>& mm, MmCounters& c, u64 addr,
                    u64 end, u64 floor, u64 ceiling) {
  const u64 pmd_size = u64{1} << t.shift(Level::kPmd);
  const u64 pmd_mask = ~(pmd_size - 1);
  addr &= pmd_mask;
  if (addr < floor) {
    addr += pmd_size;
    if (!addr) return;
  }
  if (ceiling) {
    ceiling &= pmd_mask;
    if (!ceiling) return;
  }
  if (end - 1 > ceiling - 1) end -= pmd_size;
  if (addr > end - 1) return;

  u64 pgd = t.pgd_offset(mm, W(addr));
  u64 next;
  do {
    next = pxd_addr_end(t, Level::kPgd, addr, end);
    if (pxd_none_or_clear_bad(t, Level::kPgd, pgd)) continue;
    free_pxd_range(t, tlb, mm, c, Level::kP4d, pgd, addr, next, floor, ceiling);
  } while (pgd += 8, addr = next, addr != end);
}

// A VMA reduced to its range, for free_pgtables().
struct VmaRange {
  u64 vm_start = 0, vm_end = 0;
};

// free_pgtables() without hugetlb (mm/memory.c 6.12): per run of VMAs that
// lie within PMD_SIZE of each other, free_pgd_range(tlb, start, end, floor,
// next ? next->vm_start : ceiling). `vmas` sorted by address.
template <class W, class Env>
void free_pgtables(LinuxPageTable<W, Env>& t, MmuGather& tlb, Mm<W>& mm, MmCounters& c,
                   const VmaRange* vmas, size_t n, u64 floor, u64 ceiling) {
  const u64 pmd_size = u64{1} << t.shift(Level::kPmd);
  size_t i = 0;
  while (i < n) {
    const u64 addr = vmas[i].vm_start;
    size_t last = i;
    while (last + 1 < n && vmas[last + 1].vm_start <= vmas[last].vm_end + pmd_size) ++last;
    const u64 next_start = last + 1 < n ? vmas[last + 1].vm_start : ceiling;
    free_pgd_range(t, tlb, mm, c, addr, vmas[last].vm_end, floor, next_start);
    i = last + 1;
  }
}

// zap of one leaf (unmap_page_range -> zap_pte_range / zap_huge_pmd /
// zap_huge_pud reduced to clearing the entry): walks with pXd_offset to the
// level-`leaf` entry for addr and clears it. Returns false when an entry on
// the way is none (nothing mapped).
template <class W, class Env>
bool zap_leaf(LinuxPageTable<W, Env>& t, Mm<W>& mm, u64 addr, Level leaf) {
  u64 p = t.pgd_offset(mm, W(addr));
  for (int i = 1; i <= static_cast<int>(leaf); ++i) {
    const Level parent = static_cast<Level>(i - 1);
    if (to_bool(t.none(parent, t.env().read(W(p), parent)))) return false;
    p = t.offset(static_cast<Level>(i), W(p), W(addr));
  }
  t.clear(leaf, W(p));
  return true;
}

}  // namespace ptfold::tgt
