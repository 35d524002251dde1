// The op executor of fuzz_ops and its oracles. Each op runs the generic mm
// code of targets/mm/ against the variant's helpers on the machine, then
// checks what it touched - incrementally, never a re-walk of everything:
//   * the reference walk from the hardware root agrees with the shadow map
//     of what is mapped (O5), and the Linux walk reaches the same entries;
//   * page states and per-mm counters are consistent after frees (O1, O6);
//   * at teardown nothing the mm allocated is left and NR_PAGETABLE is 0.
// The machine itself reports bad frees, bad page state and wild accesses.
#include "fuzz/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>

#include "base/flat_map.h"
#include "base/static_vec.h"
#include "fuzz/boot_ops.h"
#include "fuzz/external.h"
#include "harness/compare.h"
#include "harness/linux_view.h"
#include "reference/dispatch.h"
#include "targets/mm/debug_vm_pgtable.h"
#include "targets/mm/free_pgtables.h"
#include "targets/mm/gup.h"
#include "targets/mm/memory.h"
#include "targets/mm/memory_hotplug.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using tgt::Level;

Machine& machine_for(unsigned page_shift) {
  static std::unique_ptr<Machine> machines[3];
  const int i = page_shift == 12 ? 0 : page_shift == 14 ? 1 : 2;
  if (!machines[i]) machines[i] = std::make_unique<Machine>(page_shift);
  return *machines[i];
}

namespace {

using Table = tgt::LinuxPageTable<u64, Machine>;
__extension__ using i128 = __int128;  // PA - PHYS_OFFSET, exactly

struct Mapping {
  u64 va = 0, size = 0, pa = 0;
  Level leaf = Level::kPte;
};

// The owner the machine charges hot-added linear-map tables to: they are
// init_mm's, but kept apart so that hot-remove's frees can be accounted.
constexpr int kHotplugOwner = kDebugMm + 1;
static_assert(kHotplugOwner < Machine::kMaxMms);

struct MmState {
  bool live = false;
  tgt::Mm<u64> mm;
  tgt::MmCounters c;
  // Inline, sorted: at most one mapping and one VMA per op of the scenario.
  FlatMap<u64, Mapping, kMaxOps> maps;  // by va
  FlatMap<u64, u64, kMaxOps> vmas;      // vm_start -> vm_end, merged
  FlatMap<u64, Mapping, kMaxOps> hot;   // init_mm: hot-added ranges (size: the range)
  // Emptied in place: the state outlives inputs (see run_scenario), and
  // assigning a fresh MmState meant a kilobyte memset and copy under ASan.
  void reset() {
    live = false;
    mm = tgt::Mm<u64>{};
    c = tgt::MmCounters{};
    maps.clear();
    vmas.clear();
    hot.clear();
  }
};

class Runner {
 public:
  Runner(const Scenario& s, Table& t, const ref::Geometry& g, const PairFacts& facts, Machine& m, RunResult& out,
         std::vector<Op>& executed, MmState (&mms)[kDebugMm + 1])
      : s_(s), g_(g), v_(*facts.view), m_(m), out_(out), t_(&t), executed_(executed), mms_(mms) {
    const unsigned pa_bits = facts.pa_bits;
    for (MmState& st : mms_) st.reset();
    m_.reset(s.phys_offset, s.slab_slot, s.page_type);
    m_.set_geometry_name(g.name);
    executed_.clear();
    if (!v_.linear_map.empty()) {
      hotplug_ = t.memory_hotplug();
      if (!hotplug_) throw std::logic_error("ptfold: internal: a linear map for hotplug but no MemoryHotplug");
      boot_memory(pa_bits);
    }
  }

  void run() {
    create_mm(0);
    create_mm(kKernelMm);
    for (const Op& op : s_.ops) {
      // Whatever the target does is a finding, never a harness crash: a
      // C++ exception out of a helper names the op it ran in. ptfold's
      // own failures ("ptfold: internal:") go on up.
      try {
        step(op);
      } catch (const Finding&) {
        throw;
      } catch (const std::exception& e) {
        if (std::string_view(e.what()).starts_with("ptfold: internal:")) throw;
        fail("exception", std::string(op_info(op.kind).text),
             fmt::format("expected: the op returns\nactual:   the target threw: {}", e.what()));
      }
    }
    for (int i = 0; i < kUserMms; ++i)
      if (mms_[i].live) exit_mmap(i);
    // init_mm's vmalloc and linear-map tables are never freed by the kernel
    // at teardown: drop them.
    m_.drop_owned_by(kKernelMm);
    m_.drop_owned_by(kHotplugOwner);
    if (m_.nr_pagetable() != 0)
      fail("leak", "pagetable_dtor",
           fmt::format("expected: NR_PAGETABLE 0 after every mm is torn down\nactual:   {}", m_.nr_pagetable()));
  }

 private:
  [[noreturn]] void fail(const char* cls, std::string helper, std::string detail) {
    Finding f(cls, std::move(helper), std::move(detail));
    f.geometry = g_.name;
    throw f;
  }

  // The trace is kept as ops and formatted only when it is asked for.
  void record(const Op& op) {
    executed_.push_back(op);
    ++out_.ops_run;
  }

  const ref::Half& half_of(int slot) const {
    for (const ref::Half& h : g_.halves)
      if (h.upper == (slot == kKernelMm)) return h;
    return g_.halves.front();
  }
  int half_index(int slot) const {
    for (size_t i = 0; i < g_.halves.size(); ++i)
      if (g_.halves[i].upper == (slot == kKernelMm)) return static_cast<int>(i);
    return 0;
  }
  u64 leaf_size(Level l) const { return u64{1} << v_.lin(l).shift; }

  void create_mm(int slot) {
    MmState& st = mms_[slot];
    st.reset();
    st.mm.init_mm = slot == kKernelMm;
    m_.set_current_mm(slot);
    st.mm.pgd = t_->pgd_alloc(st.mm);
    m_.mark_pgd(st.mm.pgd, slot, true);
    if (slot == kKernelMm && t_->swapper_pg_dir_read_only()) m_.set_swapper_pg_dir(st.mm.pgd);
    st.live = true;
  }

  static const Mapping* find_in(const FlatMap<u64, Mapping, kMaxOps>& m, u64 va) {
    auto it = m.upper_bound(va);
    if (it == m.begin()) return nullptr;
    --it;
    return va - it->second.va < it->second.size ? &it->second : nullptr;
  }
  static bool overlaps_in(const FlatMap<u64, Mapping, kMaxOps>& m, u64 va, u64 size) {
    auto it = m.lower_bound(va);
    if (it != m.end() && it->first - va < size) return true;
    if (it == m.begin()) return false;
    --it;
    return va - it->second.va < it->second.size;
  }
  // The entry an unmap-style op acts on: the one containing va, else the
  // first at or after it, else the first. `m` is not empty.
  static const Mapping& pick_in(const FlatMap<u64, Mapping, kMaxOps>& m, u64 va) {
    if (const Mapping* hit = find_in(m, va)) return *hit;
    auto it = m.lower_bound(va);
    return (it == m.end() ? m.begin() : it)->second;
  }
  // What the shadow says maps va: a mapping, or a hot-added range.
  const Mapping* find_mapping(const MmState& st, u64 va) const {
    const Mapping* m = find_in(st.maps, va);
    return m ? m : find_in(st.hot, va);
  }
  bool overlaps(const MmState& st, u64 va, u64 size) const {
    return overlaps_in(st.maps, va, size) || overlaps_in(st.hot, va, size);
  }

  // O5: the hardware walk from the root vs the shadow map, and the Linux
  // walk's entry pointers vs the entries the hardware read.
  void check_va(int slot, u64 va) {
    ++out_.checks;
    MmState& st = mms_[slot];
    const Mapping* want = find_mapping(st, va);
    const ref::Half& h = half_of(slot);
    const u64 root = t_->hw_root(m_.pa(st.mm.pgd), h.upper);
    const ref::WalkResult<u64> hw = ref::walk_half(g_, half_index(slot), va, root, m_);
    std::string stray;
    if (m_.take_hw_stray(&stray) && m_.hw_stray_freed_by())
      fail("use-after-free", m_.hw_stray_freed_by(),
           fmt::format("expected: the hardware walk of {:#x} reads live tables only\nactual:   {}", va, stray));
    // The Linux walk, down to the level whose entry the hardware read last.
    harness::LinuxWalk<u64> lw;
    lw.addr = va;
    int depth = -1;
    for (const ref::WalkStep<u64>& stp : hw.steps) depth = std::max(depth, static_cast<int>(v_.reader_of(stp.hw)));
    for (int i = 0; i <= depth; ++i) {
      const auto l = static_cast<Level>(i);
      lw.index[i] = t_->index(l, va);
      lw.ptr[i] = t_->offset(l, i == 0 ? st.mm.pgd : lw.ptr[i - 1], va);
    }
    for (const auto& c : harness::level_compares(v_, *t_, lw, hw))
      if (!c.equal)
        fail("walk-mismatch", offset_helper(static_cast<Level>(c.reader), false),
             fmt::format("va {:#x} ({}): at hardware level {} the {} entry\n"
                         "expected: pa {:#x} (the entry the hardware reads)\n"
                         "actual:   pa {:#x} (the entry {} computes)",
                         va, h.name, g_.hw[c.hw].name, tgt::level_name(c.reader), c.hw_entry, c.linux_entry_pa,
                         offset_helper(static_cast<Level>(c.reader), false)));
    const int fault_reader = hw.fault_hw >= 0 ? static_cast<int>(v_.reader_of(hw.fault_hw)) : 0;
    if (want) {
      const u64 expect = want->pa + (va - want->va);
      if (!hw.ok()) {
        const auto r = static_cast<Level>(fault_reader);
        fail("walk-mismatch",
             r == want->leaf ? std::string("set_") + tgt::level_name(r) : std::string(tgt::level_name(r)) + "_populate",
             fmt::format("va {:#x} ({}) is mapped\nexpected: translation to pa {:#x}\n"
                         "actual:   {} fault at hardware level {}{}",
                         va, h.name, expect, ref::fault_name(hw.fault),
                         hw.fault_hw >= 0 ? g_.hw[hw.fault_hw].name : std::string("(root)"),
                         stray.empty() ? "" : "; " + stray));
      }
      if (hw.oa != expect || hw.leaf_size != leaf_size(want->leaf))
        fail("walk-mismatch", "__phys_to_pte_val",
             fmt::format("va {:#x} ({}) is mapped by a {} entry\nexpected: pa {:#x}, {:#x}-byte leaf\n"
                         "actual:   pa {:#x}, {:#x}-byte leaf",
                         va, h.name, tgt::level_name(want->leaf), expect, leaf_size(want->leaf), hw.oa,
                         hw.leaf_size));
    } else if (hw.ok()) {
      const auto r = v_.reader_of(hw.leaf_hw);
      fail("walk-mismatch", std::string(tgt::level_name(r)) + "_clear",
           fmt::format("va {:#x} ({}) is not mapped\nexpected: a translation fault\n"
                       "actual:   translates to pa {:#x} through a {} leaf",
                       va, h.name, hw.oa, g_.hw[hw.leaf_hw].name));
    }
  }

  // O6 during the run: the per-mm counters match the live table pages.
  void check_counters(int slot) {
    MmState& st = mms_[slot];
    for (Level l : {Level::kPud, Level::kPmd, Level::kPte}) {
      if ((l == Level::kPud && t_->mm_pud_folded()) || (l == Level::kPmd && t_->mm_pmd_folded())) continue;
      const long live = m_.count_tables(slot, l);
      if (live != st.c.of(l))
        fail("leak", fmt::format("mm_dec_nr_{}s", tgt::level_name(l)),
             fmt::format("expected: nr_{}s == {} live {} table pages of the mm\nactual:   nr_{}s = {}",
                         tgt::level_name(l), live, tgt::level_name(l), tgt::level_name(l), st.c.of(l)));
    }
  }

  void add_vma(MmState& st, u64 start, u64 end) {
    auto it = st.vmas.upper_bound(start);
    if (it != st.vmas.begin()) {
      auto prev = std::prev(it);
      if (prev->second >= start) {
        start = prev->first;
        end = std::max(end, prev->second);
        it = st.vmas.erase(prev);
      }
    }
    while (it != st.vmas.end() && it->first <= end) {
      end = std::max(end, it->second);
      it = st.vmas.erase(it);
    }
    st.vmas[start] = end;
  }

  void map(const Op& op) {
    MmState& st = mms_[op.mm];
    if (!st.live) return;
    Level leaf = op.leaf;
    const u64 size = leaf_size(leaf);
    if (op.va & (size - 1) || overlaps(st, op.va, size)) return;
    u64 p = t_->pgd_offset(st.mm, op.va);
    if (op.mm == kKernelMm) {
      // vmalloc and the linear map never share a table in the kernel; a
      // scenario keeps them under different pgd entries (hot-remove frees
      // every table it empties, and vmalloc's pmd tables are constructed).
      if (hot_pgd(st, p)) return;
      if (std::find(kernel_pgds_.begin(), kernel_pgds_.end(), p) == kernel_pgds_.end()) kernel_pgds_.push_back(p);
    }
    record(op);
    m_.set_current_mm(op.mm);
    for (int i = 1; i <= static_cast<int>(leaf); ++i) {
      const auto l = static_cast<Level>(i);
      p = tgt::pxd_alloc(*t_, st.mm, st.c, l, p, op.va, (op.race >> i) & 1);
      if (!p)
        fail("alloc-limit", std::string(tgt::level_name(l)) + "_alloc_one",
             fmt::format("expected: a {} table for va {:#x} (the machine has pages left)\nactual:   NULL",
                         tgt::level_name(l), op.va));
    }
    const u64 old = m_.read(p, leaf);
    if (!t_->none(leaf, old)) {
      if (leaf == Level::kPte)
        fail("walk-mismatch", "pte_clear",
             fmt::format("va {:#x}: nothing is mapped\nexpected: pte_none\nactual:   pte {:#018x}", op.va, old));
      return;  // a table is in the way of a block: the kernel would not map here
    }
    t_->set(leaf, p, t_->mk_leaf(leaf, op.pa));
    st.maps[op.va] = Mapping{op.va, size, op.pa, leaf};
    if (op.mm != kKernelMm) add_vma(st, op.va, op.va + size);
    check_va(op.mm, op.va + 8);
  }

  // Whether the pgd entry at pgdp covers part of a hot-added range.
  bool hot_pgd(const MmState& st, u64 pgdp) {
    for (const auto& [va, r] : st.hot)
      if (pgdp >= t_->pgd_offset(st.mm, r.va) && pgdp <= t_->pgd_offset(st.mm, r.va + r.size - 1)) return true;
    return false;
  }

  // The boot: the model's boot code (arm64_memblock_init()) picks
  // PHYS_OFFSET for the scenario's boot memory; the window of PAs the linear
  // map can hold follows from it.
  void boot_memory(unsigned pa_bits) {
    mem_.dram_start = s_.memory.dram;
    mem_.dram_end = s_.memory.dram + BootMemoryOpts::kDramSize;
    mem_.parange = parange_of(s_, pa_bits);
    mem_.memstart_offset_seed = s_.memory.kaslr;
    phys_offset_ = hotplug_->memblock_init(mem_);
    // Where the linear map lives: [PAGE_OFFSET, PAGE_END), of which TTBR1
    // reaches [_PAGE_OFFSET(vabits_actual), PAGE_END), as offsets from
    // PAGE_OFFSET. The geometry family's upstream target owns the layout
    // (its LinuxView's linear map); the variant under test answers
    // mhp_range_allowed() against it.
    const tgt::LinearMap& lm = harness::upstream_view(g_).linear_map;
    page_offset_ = lm.page_offset;
    lin_lo_ = lm.start - lm.page_offset;
    lin_hi_ = lm.end - 1 - lm.page_offset;
  }
  // pa - PHYS_OFFSET, exact (PHYS_OFFSET is signed: KASLR and 52-bit
  // kernels move it below 0) - the offset from PAGE_OFFSET pa maps at.
  i128 linear_offset(u64 pa) const { return static_cast<i128>(pa) - static_cast<int64_t>(phys_offset_); }
  // Whether the linear map holds [pa, pa + len): both ends' offsets within
  // [lin_lo_, lin_hi_].
  bool linear_map_holds(u64 pa, u64 len) const {
    return linear_offset(pa) >= lin_lo_ && linear_offset(pa + len - 1) <= lin_hi_;
  }
  // The linear address of pa, where linear_map_holds() it; below every
  // hot-added range (0) or above them (~0) otherwise - pick_in()'s key.
  u64 linear_va(u64 pa) const {
    const i128 off = linear_offset(pa);
    return off < lin_lo_ ? 0 : off > lin_hi_ ? ~u64{0} : page_offset_ + static_cast<u64>(off);
  }

  // add_memory(): the range check (mhp_range_allowed()), then
  // arch_add_memory() maps the range into init_mm's linear map. The check
  // must accept exactly the ranges the linear map holds.
  void hot_add(const Op& op) {
    MmState& st = mms_[kKernelMm];
    const tgt::LinearMap& lm = v_.linear_map;
    if (lm.empty() || !st.live || op.len == 0) return;
    // Memory that is there already (boot memory, a range added before)
    // fails on its resource, before any of this runs.
    if (op.pa < mem_.dram_end && op.pa + op.len > mem_.dram_start) return;
    for (const auto& [va, r] : st.hot)
      if (op.pa < r.pa + r.size && op.pa + op.len > r.pa) return;
    const bool holds = linear_map_holds(op.pa, op.len);
    const u64 va = linear_va(op.pa);
    if (holds) {
      if (overlaps(st, va, op.len)) return;
      const u64 lo = t_->pgd_offset(st.mm, va), hi = t_->pgd_offset(st.mm, va + op.len - 1);
      for (u64 p : kernel_pgds_)
        if (p >= lo && p <= hi) return;
    }
    record(op);
    ++out_.checks;
    if (tgt::mhp_range_allowed(*t_, op.pa, op.len, true, phys_offset_) != holds) {
      const tgt::PhysRange a = t_->arch_get_mappable_range(phys_offset_);
      const tgt::PhysRange r = tgt::mhp_get_pluggable_range(*t_, true, phys_offset_);
      const i128 lo = static_cast<i128>(lin_lo_) + static_cast<int64_t>(phys_offset_);
      fail("hotplug-range", "arch_get_mappable_range",
           fmt::format("hot-add [{:#x}, {:#x}): PHYS_OFFSET {:#x} (memstart_addr), vabits_actual {}; the linear map "
                       "[{:#x}, {:#x}] holds PAs [{:#x}, {:#x}]\n"
                       "expected: the range {}\n"
                       "actual:   mhp_range_allowed() {} it: arch_get_mappable_range() [{:#x}, {:#x}], "
                       "pluggable [{:#x}, {:#x}]",
                       op.pa, op.pa + op.len, phys_offset_, t_->vabits_actual(), page_offset_ + lin_lo_,
                       page_offset_ + lin_hi_, lo < 0 ? u64{0} : static_cast<u64>(lo), phys_offset_ + lin_hi_,
                       holds ? "accepted" : "refused", holds ? "refused" : "accepted", a.start, a.end, r.start, r.end));
    }
    if (!holds) return;  // -E2BIG
    m_.set_current_mm(kHotplugOwner);
    hotplug_->arch_add_memory(st.mm, op.pa, op.len, phys_offset_);
    st.hot[va] = Mapping{va, op.len, op.pa, op.leaf};
    check_va(kKernelMm, va + 8);
    if (op.len > leaf_size(op.leaf)) check_va(kKernelMm, va + op.len - leaf_size(op.leaf) + 8);
  }

  // arch_remove_memory() of the hot-added range at (or after) pa: the
  // leaves cleared, every table the range emptied freed.
  void hot_remove(const Op& op) {
    MmState& st = mms_[kKernelMm];
    const tgt::LinearMap& lm = v_.linear_map;
    if (lm.empty() || !st.live || st.hot.empty()) return;
    const Mapping gone = pick_in(st.hot, linear_va(op.pa));
    Op shown = op;
    shown.pa = gone.pa;
    record(shown);
    m_.set_current_mm(kHotplugOwner);
    hotplug_->arch_remove_memory(st.mm, gone.pa, gone.size, phys_offset_);
    st.hot.erase(gone.va);
    check_va(kKernelMm, gone.va + 8);
    if (gone.size > leaf_size(gone.leaf)) check_va(kKernelMm, gone.va + gone.size - leaf_size(gone.leaf) + 8);
    // With nothing hot-added left, free_empty_tables() has freed every table
    // hot-add allocated (vmalloc's live under other pgd entries) - unless a
    // pgd entry straddles PAGE_OFFSET or PAGE_END (4K/52: 2^48-byte entries,
    // PAGE_END = -2^47), where pgtable_range_aligned() keeps the tables below
    // it by design.
    const u64 top = (u64{1} << v_.lin(Level::kPgd).shift) - 1;
    std::string first;
    if (st.hot.empty() && !(lm.page_offset & top) && !(lm.end & top))
      if (const size_t n = m_.live_owned_by(kHotplugOwner, &first))
        fail("leak", "free_empty_tables",
             fmt::format("expected: every linear-map table freed once all hot-added memory is removed\n"
                         "actual:   {} still allocated, first: {}", n, first));
  }

  void unmap(const Op& op) {
    MmState& st = mms_[op.mm];
    if (!st.live || st.maps.empty()) return;
    const Mapping victim = pick_in(st.maps, op.va);  // never a hot-added range: hot-remove's
    Op shown = op;
    shown.va = victim.va;
    record(shown);
    m_.set_current_mm(op.mm);
    tgt::zap_leaf(*t_, st.mm, victim.va, victim.leaf);
    st.maps.erase(victim.va);
    check_va(op.mm, victim.va + 8);
  }

  void munmap(const Op& op) {
    if (op.mm == kKernelMm) return;
    MmState& st = mms_[op.mm];
    if (!st.live) return;
    u64 a = op.va, e = op.va + op.len;
    StaticVec<tgt::VmaRange, kMaxOps> gone;
    for (auto it = st.vmas.begin(); it != st.vmas.end();) {
      if (it->first < e && it->second > a) {
        gone.push_back({it->first, it->second});
        it = st.vmas.erase(it);
      } else {
        ++it;
      }
    }
    if (gone.empty()) return;
    record(op);
    a = std::min(a, gone.front().vm_start);
    e = std::max(e, gone.back().vm_end);
    m_.set_current_mm(op.mm);
    // Fast GUP on another CPU may walk this mm's tables from before the
    // unmap until free_pgtables() is done: a walk that read an entry before
    // it was cleared goes on into the table below. tlb_finish_mmu()'s frees
    // come an RCU grace period later (MMU_GATHER_RCU_TABLE_FREE), after any
    // such walk; a table freed at once is a use after free in the kernel
    // (docs/oracles.md O10; docs/bugs.md ZOO-15).
    if (t_->has_fast_gup()) m_.set_lockless_walkers(op.mm);
    // unmap_vmas(): zap every leaf in the VMAs.
    StaticVec<u64, kMaxOps> zapped;
    for (auto it = st.maps.lower_bound(a); it != st.maps.end() && it->first < e;) {
      tgt::zap_leaf(*t_, st.mm, it->second.va, it->second.leaf);
      zapped.push_back(it->first);
      it = st.maps.erase(it);
    }
    // free_pgtables(tlb, vma, prev ? prev->vm_end : FIRST_USER_ADDRESS,
    //               next ? next->vm_start : USER_PGTABLES_CEILING)
    u64 floor = 0, ceiling = 0;
    auto next = st.vmas.lower_bound(e);
    if (next != st.vmas.end()) ceiling = next->first;
    if (next != st.vmas.begin()) floor = std::prev(next)->second;
    tgt::MmuGather tlb;
    tgt::free_pgtables(*t_, tlb, st.mm, st.c, gone.data(), gone.size(), floor, ceiling);
    m_.set_lockless_walkers(-1);
    m_.tlb_finish_mmu(tlb);
    for (u64 va : zapped) check_va(op.mm, va + 8);
    for (const auto& [va, mp] : st.maps) check_va(op.mm, va + 8);
    check_counters(op.mm);
  }

  // Where the lockless walk read an entry: an address of the simulated
  // memory (at a fixed place: the same on every run), or a copy elsewhere -
  // the caller's stack copy, whose host address differs from run to run and
  // so is not printed.
  std::string where_read(u64 ptr) const {
    if (ptr >= m_.arena_base() && ptr - m_.arena_base() < m_.arena_size()) return fmt::format("{:#x}", ptr);
    return "a copy outside the simulated memory (the caller's stack copy)";
  }

  // gup: fast GUP's lockless walk of one page; gup-race: the same walk with
  // a writer on another CPU clearing the live entry of each `race` level
  // right after the walk copied it (Machine::arm_lockless_race, O11).
  void gup(const Op& op) {
    if (op.mm == kKernelMm || !t_->has_fast_gup()) return;  // no lockless walk in that kernel
    MmState& st = mms_[op.mm];
    if (!st.live) return;
    record(op);
    ++out_.checks;
    tgt::GupResult r;
    {
      Machine::LocklessWalk walk(m_, op.kind == OpKind::kGupRace ? op.race : 0);
      r = tgt::gup_fast(*t_, st.mm, op.va);
    }
    auto saw_clear = [&](int lvl) { return m_.read_the_clear(r, lvl); };  // O11
    const ref::Half& h = half_of(op.mm);
    const ref::WalkResult<u64> hw =
        ref::walk_half(g_, half_index(op.mm), op.va, t_->hw_root(m_.pa(st.mm.pgd), h.upper), m_);
    m_.take_hw_stray(nullptr);
    // The lockless walk reads entries through pointers that may be on-stack
    // copies (a folded level's pXd_offset_lockless returns &copy in the
    // generic code): compare what it read with what the hardware read.
    for (const ref::WalkStep<u64>& stp : hw.steps) {
      const int rd = static_cast<int>(v_.reader_of(stp.hw));
      // Addresses, not raw values: x86 PTI's kernel copy of a user pgd entry
      // carries _PAGE_NX that the user copy the hardware reads does not.
      if (rd <= r.depth && !saw_clear(rd) &&
          t_->page_paddr(static_cast<Level>(rd), r.val[rd]) != t_->page_paddr(static_cast<Level>(rd), stp.desc))
        fail("walk-mismatch", offset_helper(static_cast<Level>(rd), true),
             fmt::format("gup_fast va {:#x}: at hardware level {} the {} entry\n"
                         "expected: {:#018x} (read by the hardware at pa {:#x})\n"
                         "actual:   {:#018x} (read by the lockless walk through {})",
                         op.va, g_.hw[stp.hw].name, tgt::level_name(static_cast<Level>(rd)), stp.desc, stp.entry,
                         r.val[rd], where_read(r.ptr[rd])));
    }
    const Mapping* want = find_mapping(st, op.va);
    if (want && (!r.leaf || t_->pte_to_phys_leaf(r.leaf_value) != want->pa) && !(!r.leaf && saw_clear(r.depth)))
      fail("walk-mismatch", "gup_fast",
           fmt::format("gup_fast va {:#x} is mapped\nexpected: a present {} leaf for pa {:#x}\nactual:   {}", op.va,
                       tgt::level_name(want->leaf), want->pa,
                       r.leaf ? fmt::format("leaf {:#018x}", r.leaf_value)
                              : fmt::format("stopped at a non-present {} entry",
                                            tgt::level_name(static_cast<Level>(r.depth)))));
    if (!want && r.leaf)
      fail("walk-mismatch", "gup_fast",
           fmt::format("gup_fast va {:#x} is not mapped\nexpected: no leaf\nactual:   leaf {:#018x} at {}", op.va,
                       r.leaf_value, tgt::level_name(static_cast<Level>(r.depth))));
  }

  void debug_vm(const Op& op) {
    record(op);
    create_mm(kDebugMm);
    MmState& st = mms_[kDebugMm];
    tgt::PgtableDebugArgs a;
    a.vaddr = op.va;
    if (!tgt::debug_vm_pgtable_init_args(*t_, st.mm, st.c, a))
      fail("alloc-limit", "init_args",
           "expected: debug_vm_pgtable's tables allocated (the machine has pages left)\nactual:   NULL");
    tgt::debug_vm_pgtable_table_tests(*t_, st.mm, a);
    tgt::debug_vm_pgtable_destroy_args(*t_, st.mm, st.c, a);
    exit_mmap(kDebugMm);  // mmput()
  }

  // exit_mmap(): unmap_vmas, free_pgtables(FIRST_USER_ADDRESS,
  // USER_PGTABLES_CEILING), tlb_finish_mmu, then check_mm() and pgd_free().
  void exit_mmap(int slot) {
    MmState& st = mms_[slot];
    m_.set_current_mm(slot);
    for (const auto& [va, mp] : st.maps) tgt::zap_leaf(*t_, st.mm, mp.va, mp.leaf);
    StaticVec<tgt::VmaRange, kMaxOps> vmas;
    for (const auto& [s, e] : st.vmas) vmas.push_back({s, e});
    tgt::MmuGather tlb;
    tgt::free_pgtables(*t_, tlb, st.mm, st.c, vmas.data(), vmas.size(), 0, 0);
    m_.tlb_finish_mmu(tlb);
    // check_mm(): "BUG: non-zero pgtables_bytes on freeing mm".
    for (Level l : {Level::kPud, Level::kPmd, Level::kPte})
      if (st.c.of(l) != 0)
        fail("leak", "check_mm",
             fmt::format("expected: nr_{}s 0 when the mm is freed\nactual:   {}", tgt::level_name(l), st.c.of(l)));
    m_.mark_pgd(st.mm.pgd, slot, false);
    t_->pgd_free(st.mm, st.mm.pgd);
    std::string first;
    if (const size_t n = m_.live_owned_by(slot, &first))
      fail("leak", "free_pgd_range",
           fmt::format("expected: every page-table page of the mm freed at exit_mmap\n"
                       "actual:   {} still allocated, first: {}", n, first));
    st.reset();
  }

  // debug_vm_pgtable() and the boot helpers run once per boot in the
  // kernel, and once per scenario here (later ones are skipped, not traced).
  // Each builds and frees its own tables (the boot ops on their own env), so
  // a repeat differed only in which pages the allocator handed out - but it
  // bought hit-count features: left free, libFuzzer kept inputs of 30
  // debug-vm ops (BENCHMARKS.md, "Fuzzing").
  bool once(OpKind k) {
    const unsigned bit = 1u << static_cast<unsigned>(k);
    if (ran_once_ & bit) return false;
    ran_once_ |= bit;
    return true;
  }

  // The executors of fuzz/ops.def's lines.
  void exec_map(const Op& op) { map(op); }
  void exec_unmap(const Op& op) { unmap(op); }
  void exec_munmap(const Op& op) { munmap(op); }
  void exec_gup(const Op& op) { gup(op); }
  void exec_gup_race(const Op& op) { gup(op); }
  void exec_hot_add(const Op& op) { hot_add(op); }
  void exec_hot_remove(const Op& op) { hot_remove(op); }
  void exec_debug_vm(const Op& op) {
    if (once(op.kind)) debug_vm(op);
  }
  void exec_mm_new(const Op& op) {
    if (op.mm < kUserMms && !mms_[op.mm].live) {
      record(op);
      create_mm(op.mm);
    }
  }
  void exec_mm_free(const Op& op) {
    if (op.mm < kUserMms && mms_[op.mm].live) {
      record(op);
      exit_mmap(op.mm);
    }
  }
  // Boot ops (fuzz/boot_ops.h): run where the model offers the helper.
  void exec_boot(const Op& op) {
    if (const tgt::VariantInfo* v = tgt::find_variant(s_.variant); v && boot_op_applies(op, *v, g_) && once(op.kind)) {
      record(op);
      out_.checks += run_boot_op(op, *v, g_, s_.phys_offset);
    }
  }

  void step(const Op& op) {
    switch (op.kind) {
#define PTFOLD_FUZZ_OP(kind, text, opcode, slots, keys, codec, executor) \
  case OpKind::k##kind:                                                  \
    exec_##executor(op);                                                 \
    break;
#include "fuzz/ops.def"
#undef PTFOLD_FUZZ_OP
    }
  }

  const Scenario& s_;
  const ref::Geometry& g_;
  const harness::LinuxView& v_;  // the variant's view of g_
  Machine& m_;
  RunResult& out_;
  Table* t_;
  std::vector<Op>& executed_;
  MmState (&mms_)[kDebugMm + 1];
  unsigned ran_once_ = 0;  // OpKinds run already, for once()
  StaticVec<u64, kMaxOps> kernel_pgds_;  // pgd entries init_mm's map ops went through
  // Memory hotplug (where the model has it): the model's arch side, the
  // boot memory, PHYS_OFFSET, and the linear map as offsets from PAGE_OFFSET
  // (boot_memory()).
  tgt::MemoryHotplug* hotplug_ = nullptr;
  tgt::BootMemory mem_;
  u64 phys_offset_ = 0, page_offset_ = 0, lin_lo_ = 0, lin_hi_ = 0;
};

// The variant instantiated on a machine, one per (variant, geometry) for the
// process: the models keep no per-input state (the machine is reset).
// A registered target that is not a model (fuzz/external.h: a kernel tree's
// real code) is built by its registration instead.
Table& table_for(const tgt::VariantInfo& v, const ref::Geometry& g, Machine& m) {
  if (external_target(v)) return external_table(v, g, m);
  static std::map<std::pair<const tgt::VariantInfo*, const ref::Geometry*>, std::unique_ptr<Table>> cache;
  std::unique_ptr<Table>& t = cache[{&v, &g}];
  if (!t) t = tgt::make_variant<u64>(v.name, harness::config_for(g), m);
  return *t;
}

}  // namespace

RunResult run_scenario(const Scenario& s, TraceMode trace) {
  RunResult out;
  const tgt::VariantInfo* v = tgt::find_variant(s.variant);
  const ref::Geometry* g = ref::find(s.geometry);
  if (!v || !g)
    throw ScenarioError(0, "unknown variant or geometry: " + s.variant + " / " + s.geometry,
                        "run `ptfold variants` and `ptfold geometries` for the names");
  Machine& m = machine_for(g->page_shift);
  static std::vector<Op> executed;  // reused: no allocation per input
  executed.reserve(kMaxOps);
  static MmState mms[kDebugMm + 1];  // reused, reset by the Runner
  try {
    Table& t = table_for(*v, *g, m);
    Runner r(s, t, *g, facts_for(*v, *g), m, out, executed, mms);
    // Real code starts over on the machine the Runner has just reset.
    if (const ExternalTarget* x = external_target(*v)) x->begin_input(t, m);
    r.run();
  } catch (Finding& f) {
    if (f.geometry.empty()) f.geometry = g->name;
    out.finding = std::move(f);
  }
  if (trace == TraceMode::kAlways || out.finding) {
    Scenario shown = s;
    shown.ops = executed;
    out.trace = to_text(shown);
  }
  return out;
}

}  // namespace ptfold::fuzz
