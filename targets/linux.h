// The Linux page-table helper surface every architecture model implements,
// with kernel names kept verbatim, templated over the word type W and an
// environment Env (memory, page allocator, BUG reporting). Generic mm code
// (targets/mm/) and the harness call only this interface, so x86-64 and
// RISC-V come in as new implementations, not new code paths.
//
// Pointers (pgd_t *pgdp, ...) are kernel virtual addresses held in a W;
// entries (pgd_t pgd, ...) are descriptor values held in a W.
//
// The Env contract - the hooks an environment gives the helpers, mandatory
// and optional - is stated once, as concepts, in targets/env.h.
// Allocation paths run concretely only; the symbolic env rejects them.
#pragma once

#include <memory>
#include <string>

#include "base/word.h"
#include "targets/boot.h"
#include "targets/config.h"
#include "targets/env.h"

namespace ptfold::tgt {

// struct mm_struct, reduced to what the helpers read.
template <class W>
struct Mm {
  W pgd{0};            // mm->pgd (kernel VA of the pgd allocation)
  bool init_mm = false;  // &init_mm: kernel page tables (UXN vs PXN, ...)
};

// The linear map memory hotplug maps into (arm64 asm/memory.h): PAGE_OFFSET
// (the floor of hot-remove's free_empty_tables), the first address the
// hardware reaches there (_PAGE_OFFSET(vabits_actual), where
// arch_get_mappable_range() starts) and PAGE_END (the ceiling).
struct LinearMap {
  u64 page_offset = 0, start = 0, end = 0;
  bool empty() const { return start >= end; }
};

// struct range (include/linux/range.h): [start, end], both ends included.
struct PhysRange {
  u64 start = 0, end = 0;
};

// The boot memory the architecture's boot code chooses PHYS_OFFSET from
// (arm64 arm64_memblock_init(), arch/arm64/mm/init.c).
struct BootMemory {
  u64 dram_start = 0, dram_end = 0;   // memblock_start_of_DRAM(), memblock_end_of_DRAM()
  unsigned parange = 48;              // ID_AA64MMFR0_EL1.PARange, as a PA width
  unsigned memstart_offset_seed = 0;  // KASLR's 16-bit seed; 0: not randomised
};

// Memory hotplug's architecture side, where a model has it
// (LinuxPageTable::memory_hotplug(); arm64: targets/arm64/hotplug.h).
// Concrete only; the generic side is targets/mm/memory_hotplug.h.
class MemoryHotplug {
 public:
  virtual ~MemoryHotplug() = default;
  // PHYS_OFFSET (memstart_addr) as boot sets it for `mem`.
  virtual u64 memblock_init(const BootMemory& mem) = 0;
  // arch_add_memory() / arch_remove_memory() of [start, start + size) in
  // init_mm's linear map, PHYS_OFFSET being phys_offset.
  virtual void arch_add_memory(const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) = 0;
  virtual void arch_remove_memory(const Mm<u64>& init_mm, u64 start, u64 size, u64 phys_offset) = 0;
};

template <class W, class Env>
class LinuxPageTable {
 public:
  using B = Bool<W>;
  LinuxPageTable(const Config& cfg, Env& env) : cfg_(cfg), env_(env) {
    static_assert(LinuxEnv<Env, W>, "an Env lacks a hook of the contract (targets/env.h)");
  }
  virtual ~LinuxPageTable() = default;

  const Config& config() const { return cfg_; }
  Env& env() { return env_; }

  // --- Geometry as the running kernel sees it -------------------------------
  virtual bool pgtable_l4_enabled() const = 0;
  virtual bool pgtable_l5_enabled() const = 0;
  virtual bool mm_p4d_folded() const { return !pgtable_l5_enabled(); }
  virtual bool mm_pud_folded() const { return !pgtable_l4_enabled(); }
  virtual bool mm_pmd_folded() const = 0;
  virtual unsigned vabits_actual() const = 0;
  virtual unsigned shift(Level l) const = 0;     // PGDIR_SHIFT .. PAGE_SHIFT
  virtual u64 ptrs_per(Level l) const = 0;       // PTRS_PER_PGD .. PTRS_PER_PTE
  virtual bool folded(Level l) const = 0;        // at compile or run time
  unsigned PAGE_SHIFT() const { return cfg_.PAGE_SHIFT; }
  u64 PAGE_SIZE() const { return u64{1} << cfg_.PAGE_SHIFT; }
  virtual u64 PGD_SIZE() const { return ptrs_per(Level::kPgd) * 8; }
  virtual bool pgdir_is_page_size() const = 0;
  // Bytes pgd_alloc() returns, and the pgd entries that matter to the
  // hardware root of a half (arm64 TTBR1 offset, x86 PTI user page).
  virtual u64 pgd_alloc_size() const = 0;

  // --- Index helpers ----------------------------------------------------------
  W pgd_index(const W& a) const { return index(Level::kPgd, a); }
  W p4d_index(const W& a) const { return index(Level::kP4d, a); }
  W pud_index(const W& a) const { return index(Level::kPud, a); }
  W pmd_index(const W& a) const { return index(Level::kPmd, a); }
  W pte_index(const W& a) const { return index(Level::kPte, a); }
  virtual W index(Level l, const W& a) const {
    return (a >> shift(l)) & W(ptrs_per(l) - 1);
  }

  // --- The walk ---------------------------------------------------------------
  virtual W pgd_offset_pgd(const W& pgd, const W& addr) { return pgd + (pgd_index(addr) << 3); }
  W pgd_offset(const Mm<W>& mm, const W& addr) { return pgd_offset_pgd(mm.pgd, addr); }
  virtual W p4d_offset(const W& pgdp, const W& addr) = 0;
  virtual W pud_offset(const W& p4dp, const W& addr) = 0;
  virtual W pmd_offset(const W& pudp, const W& addr) = 0;
  virtual W pte_offset_kernel(const W& pmdp, const W& addr) = 0;
  // Fast GUP (mm/gup.c): `pXdp` is the real table pointer; `pXd` names the
  // caller's local copy of *pXdp *by its address*, because the generic
  // helpers are macros that take &(pXd) (include/linux/pgtable.h). Helpers
  // read the copied value with env.read(pXd, level). Plain pXd_offset()
  // passes pXdp for both.
  virtual W p4d_offset_lockless(const W& pgdp, const W& pgd, const W& addr) = 0;
  virtual W pud_offset_lockless(const W& p4dp, const W& p4d, const W& addr) = 0;
  virtual W pmd_offset_lockless(const W& pudp, const W& pud, const W& addr) = 0;

  // --- Entry tests (kernel names) ---------------------------------------------
  // pXd_none(v): no table below; constant false when the level below is
  // folded (the entry *is* the folded level's entry).
  virtual B pgd_none(const W& v) const = 0;
  virtual B p4d_none(const W& v) const = 0;
  virtual B pud_none(const W& v) const = 0;
  virtual B pmd_none(const W& v) const = 0;
  virtual B pte_none(const W& v) const { return v == W(0); }
  virtual B pgd_bad(const W& v) const = 0;
  virtual B p4d_bad(const W& v) const = 0;
  virtual B pud_bad(const W& v) const = 0;
  virtual B pmd_bad(const W& v) const = 0;
  virtual B pgd_present(const W& v) const = 0;
  virtual B p4d_present(const W& v) const = 0;
  virtual B pud_present(const W& v) const = 0;
  virtual B pmd_present(const W& v) const = 0;
  virtual B pte_present(const W& v) const = 0;
  virtual B pud_leaf(const W& v) const = 0;
  virtual B pmd_leaf(const W& v) const = 0;
  // Physical address of the next-level table an entry points to.
  virtual W pgd_page_paddr(const W& v) const = 0;
  virtual W p4d_page_paddr(const W& v) const = 0;
  virtual W pud_page_paddr(const W& v) const = 0;
  virtual W pmd_page_paddr(const W& v) const = 0;
  virtual W pte_to_phys_leaf(const W& v) const { return __pte_to_phys(v); }

  // --- Updates ----------------------------------------------------------------
  virtual void set_pgd(const W& pgdp, const W& v) = 0;
  virtual void set_p4d(const W& p4dp, const W& v) = 0;
  virtual void set_pud(const W& pudp, const W& v) = 0;
  virtual void set_pmd(const W& pmdp, const W& v) = 0;
  virtual void set_pte(const W& ptep, const W& v) = 0;
  virtual void pgd_clear(const W& pgdp) = 0;
  virtual void p4d_clear(const W& p4dp) = 0;
  virtual void pud_clear(const W& pudp) = 0;
  virtual void pmd_clear(const W& pmdp) = 0;
  virtual void pte_clear(const W& ptep) { set_pte(ptep, W(0)); }
  // pXd_populate(mm, pXdp, child): point the entry at a child table (kernel VA).
  virtual void pgd_populate(const Mm<W>& mm, const W& pgdp, const W& p4dp) = 0;
  virtual void p4d_populate(const Mm<W>& mm, const W& p4dp, const W& pudp) = 0;
  virtual void pud_populate(const Mm<W>& mm, const W& pudp, const W& pmdp) = 0;
  virtual void pmd_populate(const Mm<W>& mm, const W& pmdp, const W& ptep) = 0;
  // A leaf entry (page at pte, block/huge at pmd or pud) mapping pa.
  virtual W mk_leaf(Level l, const W& pa) const = 0;
  // The attribute bits the kernel's leaf protections may add to mk_leaf()'s
  // (the union over the pgprot_t values mk_pte()/pfn_pte()/pfn_pmd() are
  // called with: shareability, access flag, execute-never, global, ...), so
  // the prover checks that no protection leaks into an address decoding.
  virtual u64 leaf_prot_bits(Level /*l*/) const { return 0; }

  // --- Level-indexed dispatch for generic code (not overridden) --------------
  B none(Level l, const W& v) const;
  B bad(Level l, const W& v) const;
  B present(Level l, const W& v) const;
  B is_leaf(Level l, const W& v) const;
  W page_paddr(Level l, const W& v) const;
  W offset(Level child, const W& parentp, const W& addr);  // p4d_offset for kP4d ...
  W offset_lockless(Level child, const W& parentp, const W& parent, const W& addr);
  void set(Level l, const W& ptr, const W& v);
  void clear(Level l, const W& ptr);
  void populate(const Mm<W>& mm, Level l, const W& ptr, const W& child);

  // --- Output-address encoding -----------------------------------------------
  virtual W __phys_to_pte_val(const W& pa) const = 0;
  virtual W __pte_to_phys(const W& pte) const = 0;
  // Largest physical address the kernel hands to page tables, in bits.
  virtual unsigned phys_mask_shift() const = 0;

  // --- Hardware root ----------------------------------------------------------
  // The value programmed into TTBRn / CR3 / satp for an mm whose pgd is at
  // `pgd_pa`; `upper` selects TTBR1 / the kernel half.
  virtual W hw_root(const W& pgd_pa, bool upper) const = 0;

  // --- What the hardware reads -----------------------------------------------
  // The entry the hardware reads in place of the level-l entry at `ptr` that
  // the Linux walk for `addr` reached: `ptr` itself, unless the root the
  // hardware is given for addr's half is a shadow copy of the Linux table
  // (x86 PTI: user-mode CR3 reads kernel_to_user_pgdp(pgdp)).
  virtual W hw_entry_ptr(Level /*l*/, const W& ptr, const W& /*addr*/) const { return ptr; }

  // --- Helpers beside the walk -------------------------------------------------
  // The boot-time and KVM helpers this model has (targets/boot.h), or nullptr.
  virtual BootHelpers* boot_helpers() { return nullptr; }
  // The linear map memory hot-add maps into, where the model has the arch's
  // hot-add/hot-remove code (targets/arm64/hotplug.h); empty otherwise.
  virtual LinearMap hotplug_linear_map() const { return {}; }
  // That code, for a concrete word on an env it can run on; nullptr otherwise.
  virtual MemoryHotplug* memory_hotplug() { return nullptr; }
  // arch_get_mappable_range(): the physical range memory hot-add may map;
  // here mm/memory_hotplug.c's __weak fallback, every address. phys_offset
  // is PHYS_OFFSET (arm64 memstart_addr), a global the kernel sets at boot.
  virtual PhysRange arch_get_mappable_range(u64 /*phys_offset*/) { return {0, ~u64{0}}; }
  // Whether hot-remove's free_empty_<l>_table() returns early, leaving the
  // level's "table" alone because the running kernel folds level l (there
  // it is the entry of the level above). The generic answer: folded(l).
  virtual bool hotplug_level_folded(Level l) const { return folded(l); }
  // Whether init_mm's pgd (swapper_pg_dir) is read-only once the kernel has
  // booted, written only through a fixmap alias (arm64: set_swapper_pgd()).
  virtual bool swapper_pg_dir_read_only() const { return false; }
  // Whether the kernel has fast GUP, the lockless walk (CONFIG_HAVE_GUP_FAST):
  // every architecture modelled has it in 6.12; a kernel tree says.
  virtual bool has_fast_gup() const { return true; }
  // PHYSMEM_END: include/linux/mm.h's (1 << MAX_PHYSMEM_BITS) - 1 unless the
  // arch defines its own (arm64: the end of the linear map).
  virtual u64 PHYSMEM_END(u64 /*phys_offset*/) const { return (u64{1} << phys_mask_shift()) - 1; }

  // --- Allocation (concrete only) --------------------------------------------
  virtual u64 pgd_alloc(Mm<W>& mm) = 0;
  virtual void pgd_free(Mm<W>& mm, u64 pgd) = 0;
  // pXd_alloc_one: a zeroed, constructed table page; 0 when the level is
  // folded and there is nothing to allocate.
  virtual u64 p4d_alloc_one(Mm<W>& mm, u64 addr) = 0;
  virtual u64 pud_alloc_one(Mm<W>& mm, u64 addr) = 0;
  virtual u64 pmd_alloc_one(Mm<W>& mm, u64 addr) = 0;
  virtual u64 pte_alloc_one(Mm<W>& mm) = 0;
  virtual void p4d_free(Mm<W>& mm, u64 p4d) = 0;
  virtual void pud_free(Mm<W>& mm, u64 pud) = 0;
  virtual void pmd_free(Mm<W>& mm, u64 pmd) = 0;
  virtual void pte_free(Mm<W>& mm, u64 pte) = 0;
  // __pXd_free_tlb(tlb, pXd, addr): free a table through the mmu_gather.
  virtual void __p4d_free_tlb(MmuGather& tlb, Mm<W>& mm, u64 p4d, u64 addr) = 0;
  virtual void __pud_free_tlb(MmuGather& tlb, Mm<W>& mm, u64 pud, u64 addr) = 0;
  virtual void __pmd_free_tlb(MmuGather& tlb, Mm<W>& mm, u64 pmd, u64 addr) = 0;
  virtual void __pte_free_tlb(MmuGather& tlb, Mm<W>& mm, u64 pte, u64 addr) = 0;

  // Level-indexed dispatch (l is the level of the table allocated or freed).
  u64 alloc_one(Mm<W>& mm, Level l, u64 addr);
  void free(Mm<W>& mm, Level l, u64 table);
  void free_tlb(MmuGather& tlb, Mm<W>& mm, Level l, u64 table, u64 addr);

  // --- include/asm-generic/pgalloc.h: the generic allocators every arch uses -
  // (concrete only). Arch models call these, as the kernel's arch headers
  // call the generic helpers, so a bug variant overrides the arch hook alone.
  // __pud_alloc_one() / pmd_alloc_one(): pagetable_alloc() + pagetable_*_ctor().
  u64 __pxd_alloc_one(Level l) {
    const u64 p = env_.get_free_page(l);
    env_.pagetable_ctor(p, l);
    return p;
  }
  // __pud_free() / pmd_free(): BUG on a misaligned table, pagetable_*_dtor(),
  // pagetable_free(). `helper` names the kernel function in reports.
  void __pxd_free(Level l, u64 table, const char* helper) {
    env_.bug_on(Bool<W>((table & (PAGE_SIZE() - 1)) != 0), helper, "table not page aligned");
    env_.pagetable_dtor(table, l);
    env_.free_page(table, helper);
  }
  // pte_alloc_one() has the constructor; pte_alloc_one_kernel() (init_mm) none.
  u64 __pte_alloc_one(const Mm<W>& mm) {
    const u64 p = env_.get_free_page(Level::kPte);
    if (!mm.init_mm) env_.pagetable_ctor(p, Level::kPte);
    return p;
  }
  void __pte_free(const Mm<W>& mm, u64 pte) {
    if (!mm.init_mm) env_.pagetable_dtor(pte, Level::kPte);
    env_.free_page(pte, mm.init_mm ? "pte_free_kernel" : "pte_free");
  }
  // The __pXd_free_tlb() pattern: pagetable_*_dtor() + tlb_remove_ptdesc().
  void __pxd_free_tlb(MmuGather& tlb, Level l, u64 table) {
    env_.pagetable_dtor(table, l);
    env_.tlb_remove_ptdesc(tlb, table, l);
  }

 protected:
  const Config cfg_;
  Env& env_;
};

// ---------------------------------------------------------------------------
// Level-indexed dispatch.

#define PTFOLD_LEVEL_SWITCH(l, pgd_expr, p4d_expr, pud_expr, pmd_expr, pte_expr) \
  switch (l) {                                                                 \
    case Level::kPgd: return pgd_expr;                                         \
    case Level::kP4d: return p4d_expr;                                         \
    case Level::kPud: return pud_expr;                                         \
    case Level::kPmd: return pmd_expr;                                         \
    case Level::kPte: return pte_expr;                                         \
  }                                                                            \
  __builtin_unreachable()

template <class W, class Env>
Bool<W> LinuxPageTable<W, Env>::none(Level l, const W& v) const {
  PTFOLD_LEVEL_SWITCH(l, pgd_none(v), p4d_none(v), pud_none(v), pmd_none(v), pte_none(v));
}
template <class W, class Env>
Bool<W> LinuxPageTable<W, Env>::bad(Level l, const W& v) const {
  PTFOLD_LEVEL_SWITCH(l, pgd_bad(v), p4d_bad(v), pud_bad(v), pmd_bad(v), B(false));
}
template <class W, class Env>
Bool<W> LinuxPageTable<W, Env>::present(Level l, const W& v) const {
  PTFOLD_LEVEL_SWITCH(l, pgd_present(v), p4d_present(v), pud_present(v), pmd_present(v),
                      pte_present(v));
}
template <class W, class Env>
Bool<W> LinuxPageTable<W, Env>::is_leaf(Level l, const W& v) const {
  PTFOLD_LEVEL_SWITCH(l, B(false), B(false), pud_leaf(v), pmd_leaf(v), pte_present(v));
}
template <class W, class Env>
W LinuxPageTable<W, Env>::page_paddr(Level l, const W& v) const {
  PTFOLD_LEVEL_SWITCH(l, pgd_page_paddr(v), p4d_page_paddr(v), pud_page_paddr(v),
                      pmd_page_paddr(v), pte_to_phys_leaf(v));
}
template <class W, class Env>
W LinuxPageTable<W, Env>::offset(Level child, const W& parentp, const W& addr) {
  PTFOLD_LEVEL_SWITCH(child, pgd_offset_pgd(parentp, addr), p4d_offset(parentp, addr),
                      pud_offset(parentp, addr), pmd_offset(parentp, addr),
                      pte_offset_kernel(parentp, addr));
}
template <class W, class Env>
W LinuxPageTable<W, Env>::offset_lockless(Level child, const W& parentp, const W& parent,
                                          const W& addr) {
  PTFOLD_LEVEL_SWITCH(child, pgd_offset_pgd(parentp, addr),
                      p4d_offset_lockless(parentp, parent, addr),
                      pud_offset_lockless(parentp, parent, addr),
                      pmd_offset_lockless(parentp, parent, addr),
                      pte_offset_kernel(parentp, addr));
}
template <class W, class Env>
void LinuxPageTable<W, Env>::set(Level l, const W& ptr, const W& v) {
  PTFOLD_LEVEL_SWITCH(l, set_pgd(ptr, v), set_p4d(ptr, v), set_pud(ptr, v), set_pmd(ptr, v),
                      set_pte(ptr, v));
}
template <class W, class Env>
void LinuxPageTable<W, Env>::clear(Level l, const W& ptr) {
  PTFOLD_LEVEL_SWITCH(l, pgd_clear(ptr), p4d_clear(ptr), pud_clear(ptr), pmd_clear(ptr),
                      pte_clear(ptr));
}
template <class W, class Env>
void LinuxPageTable<W, Env>::populate(const Mm<W>& mm, Level l, const W& ptr, const W& child) {
  PTFOLD_LEVEL_SWITCH(l, pgd_populate(mm, ptr, child), p4d_populate(mm, ptr, child),
                      pud_populate(mm, ptr, child), pmd_populate(mm, ptr, child),
                      env_.bug_on(B(true), "populate", "pte entries point to pages, not tables"));
}
template <class W, class Env>
u64 LinuxPageTable<W, Env>::alloc_one(Mm<W>& mm, Level l, u64 addr) {
  PTFOLD_LEVEL_SWITCH(l, pgd_alloc(mm), p4d_alloc_one(mm, addr), pud_alloc_one(mm, addr),
                      pmd_alloc_one(mm, addr), pte_alloc_one(mm));
}
template <class W, class Env>
void LinuxPageTable<W, Env>::free(Mm<W>& mm, Level l, u64 table) {
  PTFOLD_LEVEL_SWITCH(l, pgd_free(mm, table), p4d_free(mm, table), pud_free(mm, table),
                      pmd_free(mm, table), pte_free(mm, table));
}
template <class W, class Env>
void LinuxPageTable<W, Env>::free_tlb(MmuGather& tlb, Mm<W>& mm, Level l, u64 table, u64 addr) {
  PTFOLD_LEVEL_SWITCH(l, pgd_free(mm, table), __p4d_free_tlb(tlb, mm, table, addr),
                      __pud_free_tlb(tlb, mm, table, addr), __pmd_free_tlb(tlb, mm, table, addr),
                      __pte_free_tlb(tlb, mm, table, addr));
}

#undef PTFOLD_LEVEL_SWITCH

}  // namespace ptfold::tgt
