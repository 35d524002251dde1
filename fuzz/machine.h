// The simulated machine the fuzzers run the Linux helpers on: a page
// allocator of the geometry's page size over an aligned host arena, a
// struct-page side table (allocation state, refcount, page_type, owner mm,
// level), a pgd_cache slab whose objects sit inside poisoned blocks, the
// page-table constructor/destructor with an NR_PAGETABLE count, a deferred
// mmu_gather, and the kernel's free-time checks. It implements the Env
// contract of targets/linux.h (W = u64) and the reference Mem contract
// (read64), and every access is checked deterministically before the host
// access that ASan watches.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "base/fixed_map.h"
#include "base/word.h"
#include "fuzz/finding.h"
#include "targets/linux.h"

namespace ptfold::fuzz {

// How a page still typed as a page table prints at free time
// (include/linux/page-flags.h, mm/debug.c; docs/oracles.md O1).
enum class PageTypeEncoding {
  kPgty,    // 6.12: page_type 0xf2000000, "page_type: f2(table)", mapcount:0
  kLegacy,  // v6.8/v6.9: page_type 0xfffffdff, "mapcount:-512"
};

class Machine {
 public:
  // Largest number of live page-sized allocations one input can make; the
  // op decoder's bounds keep every input below it.
  static constexpr size_t kArenaPages = 768;
  static constexpr size_t kQuarantine = 32;
  static constexpr int kMaxMms = 8;
  // Where the arenas are mapped when the address is free (Machine()).
  static constexpr u64 kArenaHint = u64{0x7e} << 40;

  explicit Machine(unsigned page_shift);
  ~Machine();
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  // Resets all state for one input: every page free, nothing typed, counters
  // zero, quarantine empty. `phys_offset` is added to host addresses to form
  // physical ones; `slab_slot` picks where in its block a pgd_cache object
  // sits (never slot 0, so a round-down to the page leaves the object).
  void reset(u64 phys_offset, unsigned slab_slot, PageTypeEncoding enc);
  // The geometry findings are reported on (a catalogue name: lives as long as the process).
  void set_geometry_name(std::string_view name) { geometry_ = name; }

  // The mm that allocations are charged to (owner in struct page); -1: none.
  void set_current_mm(int mm) { current_mm_ = mm; }
  // Lockless-walk context: wild accesses then name pXd_offset_lockless.
  void set_lockless(bool on) { lockless_ = on; }

  // --- tgt Env contract ------------------------------------------------------
  u64 read(u64 ptr, tgt::Level lvl);
  void write(u64 ptr, tgt::Level lvl, u64 v);
  // The index of the first of the n entries at ptr for which stop(entry)
  // holds, n if none: exactly what n read()s in order would return and
  // report. A table inside one live page-table page is not read entry by
  // entry: its entries not written since the page was zeroed read as 0, so
  // when stop(0) is false only the written ones (at most six, else the whole
  // page is read) can end the scan. hot-remove's scan of all PTRS_PER_*
  // entries was the largest part of fuzz_ops's run (8 192 checked reads
  // for a 64K pte table).
  template <class Stop>
  u64 scan(u64 ptr, u64 n, tgt::Level lvl, Stop&& stop);
  u64 pa(u64 va) const { return va + phys_offset_; }
  u64 va(u64 pa) const { return pa - phys_offset_; }
  void bug_on(bool cond, const char* helper, const char* what);
  void warn_on(bool cond, const char* helper, const char* what);
  void bad_entry(tgt::Level l, u64 ptr, u64 v);
  u64 get_free_page(tgt::Level lvl) { return get_free_pages(lvl, 0); }
  void free_page(u64 va, const char* helper) { free_pages(va, 0, helper); }
  // __get_free_pages / free_pages: 2^order zeroed pages aligned to their size
  // (x86 PTI's order-1 pgd); the tail pages are not heads.
  u64 get_free_pages(tgt::Level lvl, unsigned order);
  void free_pages(u64 va, unsigned order, const char* helper);
  void pagetable_ctor(u64 va, tgt::Level lvl);
  void pagetable_dtor(u64 va, tgt::Level lvl);
  u64 pgd_cache_alloc(u64 size);
  void pgd_cache_free(u64 va);
  void tlb_remove_ptdesc(tgt::MmuGather& tlb, u64 va, tgt::Level lvl);
  // tlb_finish_mmu(): the TLB is flushed, queued tables go back to the allocator.
  void tlb_finish_mmu(tgt::MmuGather& tlb);
  // Fast GUP may be walking mm's tables on another CPU (the runner's munmap,
  // from before its unmap until tlb_finish_mmu()); -1: no walker. Freeing a
  // page-table page of that mm at once - not through the mmu_gather, whose
  // frees wait for every such walk (RCU table free) - is a finding
  // ("lockless-free", docs/oracles.md O10).
  void set_lockless_walkers(int mm) { lockless_mm_ = mm; }
  // gup_fast's on-stack entry copies (targets/mm/gup.h).
  void stack_copy_push(u64 addr);
  void stack_copy_pop();
  // A writer racing fast GUP (docs/oracles.md O11). Armed with the levels
  // (bit 1 << level, pgd..pmd) it strikes at: when the lockless walk has
  // copied a present entry of such a level (lockless_snapshot(), called by
  // targets/mm/gup.h), the writer clears the live entry before the walk
  // descends, as free_pgtables() clears a pXd on another CPU or khugepaged's
  // collapse clears a pmd. The table below stays allocated (the walk may
  // still be in it: the RCU-delayed table free). end_lockless_race() puts
  // the entries back - khugepaged's path when a collapse fails - so the
  // scenario's tables are as the other ops left them, and disarms.
  void arm_lockless_race(unsigned levels);
  void lockless_snapshot(tgt::Level lvl, u64 ptr);
  void end_lockless_race();
  // One fast-GUP walk: reads are named as the lockless helpers' and the
  // writer is armed with `race` (0: none) while the guard lives; its end
  // puts the raced entries back (raced() still answers until the next arm).
  class LocklessWalk {
   public:
    LocklessWalk(Machine& m, unsigned race) : m_(m) {
      m_.set_lockless(true);
      m_.arm_lockless_race(race);
    }
    ~LocklessWalk() {
      m_.end_lockless_race();
      m_.set_lockless(false);
    }
    LocklessWalk(const LocklessWalk&) = delete;
    LocklessWalk& operator=(const LocklessWalk&) = delete;

   private:
    Machine& m_;
  };
  // The writer cleared the entry at `ptr` during this walk.
  bool raced(u64 ptr) const;
  int nr_raced() const { return nr_raced_; }
  // Whether level `lvl` of the walk's result `r` (a tgt::GupResult) read the
  // cleared value legitimately: through the raced entry itself - a folded
  // level re-reads its parent's entry, each level loading it once - or,
  // once the walk saw the clear there, through the copies of it the
  // compile-time folded levels below pass down. The walk may stop on it
  // (the kernel's gup_fast then falls back to the slow path); anything else
  // it read must be what the tables hold.
  template <class GupResult>
  bool read_the_clear(const GupResult& r, int lvl) const {
    if (r.val[lvl] != 0) return false;
    for (int k = 0; k <= lvl; ++k)
      if (r.val[k] == 0 && raced(r.ptr[k])) return true;
    return false;
  }
  // swapper_pg_dir, read-only once the kernel has booted: write() into it
  // is a fault ("ro-write"), set_swapper_pgd() - the fixmap path the arm64
  // set_pXd() helpers take for it - is the one way in. 0 until the runner
  // names init_mm's pgd (set_swapper_pg_dir()).
  u64 swapper_pg_dir() const { return swapper_; }
  void set_swapper_pgd(u64 ptr, u64 v);
  void set_swapper_pg_dir(u64 pgd);
  // Kernel-tree mode: the real code writes entries itself, past write(), so
  // swapper_pg_dir is made read-only in host memory too (whole pages only);
  // a write in place faults, and the configuration's runtime reports it.
  // set_swapper_pgd() still writes; reset() makes the pages writable again.
  void protect_swapper_pg_dir(u64 pgd);

  // --- reference Mem contract -------------------------------------------------
  // The hardware reads only live table memory; anything else reads as 0 (a
  // translation fault the walk oracle reports) and is remembered.
  u64 read64(u64 pa, int hw_index);
  bool take_hw_stray(std::string* why);

  // --- pgd bookkeeping (pgd_alloc / pgd_free wrappers of the runner) ---------
  void mark_pgd(u64 pgd, int mm, bool live);

  // --- kernel-tree mode (targets/kernel/kernel_tree.h) -------------------------
  // The arena a configuration object's struct page array covers, and a
  // finding it reported (BUG, WARN, bad-page-state, bad-va ...), raised here.
  u64 arena_base() const { return base_; }
  u64 arena_size() const { return kArenaPages * page_size_; }
  [[noreturn]] void report(const char* cls, std::string helper, std::string detail) const {
    raise(cls, std::move(helper), std::move(detail));
  }

  // --- introspection for oracles ---------------------------------------------
  long nr_pagetable() const { return nr_pagetable_; }
  // Live allocations charged to `mm` (pages and slab objects).
  size_t live_owned_by(int mm, std::string* first) const;
  // Forget pages charged to `mm` without checks (init_mm: the kernel never
  // frees vmalloc page tables, so the harness drops them at teardown).
  void drop_owned_by(int mm);
  u64 page_size() const { return page_size_; }
  bool is_live_table(u64 va) const;
  // Live page-table pages charged to `mm` at `level` (not queued for freeing).
  long count_tables(int mm, tgt::Level level) const;
  // The helper that freed the page the last stray hardware read hit, if any.
  const char* hw_stray_freed_by() const { return hw_stray_freed_by_; }

 private:
  enum class State : uint8_t { kNever, kAllocated, kQuarantined, kFree };
  struct Page {
    State state = State::kNever;
    bool slab = false;        // a pgd_cache block; object at [obj_off, obj_off+obj_size)
    // Entries written since the page was last zeroed: a few indices, or
    // `all_dirty` - so handing a page out again zeroes only what was written.
    bool all_dirty = false;
    uint8_t ndirty = 0;
    uint16_t dirty_idx[6] = {};
    bool live_pgd = false;    // the pgd of a live mm
    bool in_gather = false;   // queued in an mmu_gather
    bool tail = false;        // a tail page of a higher-order allocation
    uint8_t order = 0;        // on the head page
    int refcount = 0;
    uint32_t page_type = 0xffffffffu;  // UINT_MAX: no type
    tgt::Level ctor_level = tgt::Level::kPgd;
    tgt::Level level = tgt::Level::kPgd;  // level it was allocated for
    int owner = -1;
    u64 obj_off = 0, obj_size = 0;
    const char* freed_by = nullptr;
  };

  [[noreturn]] void raise(const char* cls, std::string helper, std::string detail) const;
  Page* page_of(u64 va, size_t* index);
  const Page* page_of(u64 va, size_t* index) const;
  u64 page_va(size_t i) const { return base_ + i * page_size_; }
  size_t take_page(tgt::Level lvl);
  void prepare(size_t i);
  void scrub(size_t i);
  void release_page(size_t i, const char* helper);
  // The access check shared by read and write, and its report.
  void check_access(u64 ptr, tgt::Level lvl, bool write);
  [[noreturn, gnu::cold, gnu::noinline]] void bad_access(u64 ptr, tgt::Level lvl, bool write) const;
  std::string dump_page(size_t i, const char* reason) const;
  uint32_t pgtable_type() const { return enc_ == PageTypeEncoding::kPgty ? 0xf2000000u : 0xfffffdffu; }

  unsigned page_shift_;
  u64 page_size_;
  FixedMapping arena_;
  u64 base_;
  std::vector<Page> pages_;
  size_t watermark_ = 0;           // pages [0, watermark_) have been handed out
  std::vector<size_t> free_;       // LIFO
  std::vector<size_t> quarantine_; // FIFO
  std::vector<size_t> gather_;
  std::vector<size_t> gather_copy_;  // tlb_finish_mmu's snapshot (kArenaPages)
  u64 stack_copies_[8] = {};
  int nr_stack_copies_ = 0;
  unsigned race_levels_ = 0;
  struct Raced {
    u64 ptr, old;
  };
  Raced raced_[tgt::kLevels] = {};
  int nr_raced_ = 0;
  u64 phys_offset_ = 0;
  unsigned slab_slot_ = 1;
  PageTypeEncoding enc_ = PageTypeEncoding::kPgty;
  long nr_pagetable_ = 0;
  int current_mm_ = -1;
  int lockless_mm_ = -1;
  bool lockless_ = false;
  u64 swapper_ = 0, swapper_size_ = 0;  // swapper_pg_dir, read-only
  bool fixmap_ = false;                 // inside set_swapper_pgd()
  bool swapper_protected_ = false;      // read-only in host memory
  std::string_view geometry_;
  std::string hw_stray_;
  const char* hw_stray_freed_by_ = nullptr;
};

static_assert(tgt::LinuxEnv<Machine, u64>);
static_assert(tgt::EnvHigherOrderPages<Machine> && tgt::EnvScan<Machine> && tgt::EnvReadOnlySwapper<Machine> &&
              tgt::EnvWarnOn<Machine> && tgt::EnvBadEntry<Machine> && tgt::EnvStackCopies<Machine> &&
              tgt::EnvLocklessRace<Machine>);

template <class Stop>
u64 Machine::scan(u64 ptr, u64 n, tgt::Level lvl, Stop&& stop) {
  size_t i = 0;
  const Page* p = (ptr & 7) ? nullptr : page_of(ptr, &i);
  const u64 off = p ? ptr - page_va(i) : 0;
  if (p && p->state == State::kAllocated && !p->slab && !p->all_dirty && n <= (page_size_ - off) / 8 && !stop(u64{0})) {
    uint16_t idx[6];
    unsigned m = 0;
    for (unsigned k = 0; k < p->ndirty; ++k)
      if (const u64 e = p->dirty_idx[k]; e >= off / 8 && e < off / 8 + n) {
        unsigned j = m++;  // insertion, in table order
        for (; j > 0 && idx[j - 1] > e; --j) idx[j] = idx[j - 1];
        idx[j] = static_cast<uint16_t>(e);
      }
    for (unsigned k = 0; k < m; ++k) {
      u64 v;
      std::memcpy(&v, reinterpret_cast<const void*>(page_va(i) + idx[k] * u64{8}), 8);
      if (stop(v)) return idx[k] - off / 8;
    }
    return n;
  }
  for (u64 k = 0; k < n; ++k)
    if (stop(read(ptr + 8 * k, lvl))) return k;
  return n;
}

}  // namespace ptfold::fuzz
