// Generic mm code that drives the architecture helpers (mm/memory.c,
// include/linux/mm.h): the pXd_alloc() / __pXd_alloc() pattern, including
// the race branch that frees a table another thread beat us to, the zap of
// one leaf, and the per-mm page-table counters.
#pragma once

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt {

// Per-mm page-table counters (mm_inc_nr_puds & co.). 6.12 has no p4d count.
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

inline Level parent_of(Level l) { return static_cast<Level>(static_cast<int>(l) - 1); }
inline Level child_of(Level l) { return static_cast<Level>(static_cast<int>(l) + 1); }

// mm_inc_nr_puds / mm_inc_nr_pmds / mm_inc_nr_ptes: the pud and pmd counts
// are skipped when the mm has that level folded (include/linux/mm.h).
template <class W, class Env>
void mm_inc_nr(LinuxPageTable<W, Env>& t, MmCounters& c, Level l) {
  if (l == Level::kP4d) return;
  if (l == Level::kPud && t.mm_pud_folded()) return;
  if (l == Level::kPmd && t.mm_pmd_folded()) return;
  ++c.of(l);
}
template <class W, class Env>
void mm_dec_nr(LinuxPageTable<W, Env>& t, MmCounters& c, Level l) {
  if (l == Level::kP4d) return;
  if (l == Level::kPud && t.mm_pud_folded()) return;
  if (l == Level::kPmd && t.mm_pmd_folded()) return;
  --c.of(l);
}

// __p4d_alloc / __pud_alloc / __pmd_alloc / __pte_alloc (mm/memory.c): allocate
// a `child`-level table and install it in the parent entry at `parentp`,
// unless the entry is present by the time the lock is held: then the new
// table is freed with pXd_free() - the one non-debug path that hit seed bug
// A. `race` forces that branch (another thread is taken to have populated
// the entry; the caller arranges that it really did, see pxd_alloc()).
// Returns false when the allocation failed.
template <class W, class Env>
bool __pxd_alloc(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c, Level child,
                 const W& parentp, const W& addr, bool race = false) {
  const u64 fresh = t.alloc_one(mm, child, addr);
  if (!fresh) return false;
  const Level parent = parent_of(child);
  // spin_lock(&mm->page_table_lock)
  const bool populated = race || to_bool(t.present(parent, t.env().read(parentp, parent)));
  if (!populated) {
    mm_inc_nr(t, c, child);
    t.populate(mm, parent, parentp, W(fresh));
  } else {
    t.free(mm, child, fresh);
  }
  return true;
}

// pXd_alloc(mm, parentp, addr): allocate the child table if the parent entry
// is none, then return pXd_offset(parentp, addr); 0 on allocation failure.
// With `race`, two threads fault on the same entry: the winner populates it,
// then the loser finds it present and frees its own fresh table.
template <class W, class Env>
W pxd_alloc(LinuxPageTable<W, Env>& t, Mm<W>& mm, MmCounters& c, Level child,
            const W& parentp, const W& addr, bool race = false) {
  const Level parent = parent_of(child);
  if (to_bool(t.none(parent, t.env().read(parentp, parent)))) {
    if (!__pxd_alloc(t, mm, c, child, parentp, addr)) return W(0);
    if (race && !__pxd_alloc(t, mm, c, child, parentp, addr)) return W(0);
  }
  return t.offset(child, parentp, addr);
}

}  // namespace ptfold::tgt
