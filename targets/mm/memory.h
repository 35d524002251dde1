// Generic mm code that drives the architecture helpers (mm/memory.c,
// include/linux/mm.h): the pXd_alloc() / __pXd_alloc() pattern, including
// the race branch that frees a table another thread beat us to.
#pragma once

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt {

// Per-mm page-table counters (mm_inc_nr_puds & co.).
struct MmCounters {
  long nr_p4ds = 0, nr_puds = 0, nr_pmds = 0, nr_ptes = 0;
  long& of(Level l) {
    switch (l) {
      case Level::kP4d: return nr_p4ds;
      case Level::kPud: return nr_puds;
      case Level::kPmd: return nr_pmds;
      default: return nr_ptes;
    }
  }
};

// __p4d_alloc / __pud_alloc / __pmd_alloc / __pte_alloc (mm/memory.c): allocate
// a `child`-level table and install it in the parent entry at `parentp`.
// With `race` set, another thread is taken to have populated the entry
// between the allocation and the lock: the kernel then frees the new table
// with pXd_free() - the one non-debug path that hit seed bug A. Returns false
// when the allocation failed.
template <class W, class Env>
bool __pxd_alloc(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c, Level child,
                 const W& parentp, const W& addr, bool race = false) {
  const u64 fresh = t.alloc_one(mm, child, addr);
  if (!fresh) return false;
  const Level parent = static_cast<Level>(static_cast<int>(child) - 1);
  // spin_lock(&mm->page_table_lock)
  const bool populated = race || to_bool(t.present(parent, t.env().read(parentp, parent)));
  if (!populated) {
    if (!t.mm_pud_folded() || child != Level::kPud) ++c.of(child);  // mm_inc_nr_*
    t.populate(mm, parent, parentp, W(fresh));
  } else {
    t.free(mm, child, fresh);
  }
  return true;
}

// pXd_alloc(mm, parentp, addr): allocate the child table if the parent entry
// is none, then return pXd_offset(parentp, addr); 0 on allocation failure.
template <class W, class Env>
W pxd_alloc(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c, Level child,
            const W& parentp, const W& addr, bool race = false) {
  const Level parent = static_cast<Level>(static_cast<int>(child) - 1);
  if (to_bool(t.none(parent, t.env().read(parentp, parent))) &&
      !__pxd_alloc(t, mm, c, child, parentp, addr, race))
    return W(0);
  return t.offset(child, parentp, addr);
}

}  // namespace ptfold::tgt
