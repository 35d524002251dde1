// x86-64 page-table helpers as in Linux 6.12 (arch/x86/include/asm/
// pgtable_64_types.h, pgtable.h, pgtable_64.h, pgtable_types.h, pgalloc.h,
// arch/x86/mm/pgtable.c, arch/x86/mm/pti.c, include/asm-generic/pgalloc.h and
// pgtable-nop4d.h): LA57 runtime folding of p4d (pgdir_shift / ptrs_per_p4d),
// compile-time folding without CONFIG_X86_5LEVEL, and PTI's two-page pgd.
// Written from the kernel's behaviour with its names kept; not kernel code.
#pragma once

#include <memory>
#include <type_traits>

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt::x86_64 {

// Entry bits (pgtable_types.h).
inline constexpr u64 _PAGE_PRESENT = u64{1} << 0;
inline constexpr u64 _PAGE_RW = u64{1} << 1;
inline constexpr u64 _PAGE_USER = u64{1} << 2;
inline constexpr u64 _PAGE_ACCESSED = u64{1} << 5;
inline constexpr u64 _PAGE_DIRTY = u64{1} << 6;
inline constexpr u64 _PAGE_PSE = u64{1} << 7;
inline constexpr u64 _PAGE_GLOBAL = u64{1} << 8;
inline constexpr u64 _PAGE_PROTNONE = _PAGE_GLOBAL;
inline constexpr u64 _PAGE_NOPTISHADOW = u64{1} << 58;  // _PAGE_BIT_SOFTW5
inline constexpr u64 _PAGE_NX = u64{1} << 63;
inline constexpr u64 _PAGE_KNL_ERRATUM_MASK = _PAGE_DIRTY | _PAGE_ACCESSED;
inline constexpr u64 _KERNPG_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
inline constexpr u64 _PAGE_TABLE = _KERNPG_TABLE | _PAGE_USER;
// __PAGE_KERNEL without _PAGE_GLOBAL (global is a TLB attribute only).
inline constexpr u64 __PAGE_KERNEL = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX;

// page_64_types.h / pgtable_types.h: __PHYSICAL_MASK_SHIFT is 52.
inline constexpr unsigned __PHYSICAL_MASK_SHIFT = 52;
inline constexpr u64 PTE_PFN_MASK = genmask(__PHYSICAL_MASK_SHIFT - 1, 12);
inline constexpr u64 PHYSICAL_PMD_PAGE_MASK = genmask(__PHYSICAL_MASK_SHIFT - 1, 21);
inline constexpr u64 PHYSICAL_PUD_PAGE_MASK = genmask(__PHYSICAL_MASK_SHIFT - 1, 30);
inline constexpr u64 PTE_FLAGS_MASK = ~PTE_PFN_MASK;

// PGD_KERNEL_START: the kernel half of a pgd page starts at slot 256.
inline constexpr u64 PGD_KERNEL_START = 256;

template <class W, class Env>
class X86_64 : public LinuxPageTable<W, Env> {
 public:
  using Base = LinuxPageTable<W, Env>;
  using B = Bool<W>;
  using Base::cfg_;
  using Base::env_;

  X86_64(const Config& cfg, Env& env) : Base(cfg, env) {
    // check_la57_support() / configure_5level_paging(): the variables are
    // set once at boot from CR4.LA57 (5-level kernels only).
    __pgtable_l5_enabled = cfg_.X86_5LEVEL && cfg_.la57;
    pgdir_shift = __pgtable_l5_enabled ? 48 : 39;
    ptrs_per_p4d = __pgtable_l5_enabled ? 512 : 1;
  }

  // --- Geometry --------------------------------------------------------------
  // pgtable_l5_enabled(): cpu_feature_enabled(X86_FEATURE_LA57) with
  // CONFIG_X86_5LEVEL, else 0. x86-64 always has at least 4 levels.
  bool pgtable_l5_enabled() const override { return cfg_.X86_5LEVEL && __pgtable_l5_enabled; }
  bool pgtable_l4_enabled() const override { return true; }
  bool mm_pmd_folded() const override { return false; }
  // __VIRTUAL_MASK_SHIFT + 1.
  unsigned vabits_actual() const override { return pgtable_l5_enabled() ? 57 : 48; }
  unsigned PGDIR_SHIFT() const { return cfg_.X86_5LEVEL ? pgdir_shift : 39; }
  u64 PTRS_PER_P4D() const { return cfg_.X86_5LEVEL ? ptrs_per_p4d : 1; }
  unsigned shift(Level l) const override {
    switch (l) {
      case Level::kPgd: return PGDIR_SHIFT();
      case Level::kP4d: return cfg_.X86_5LEVEL ? 39 : PGDIR_SHIFT();  // P4D_SHIFT
      case Level::kPud: return 30;
      case Level::kPmd: return 21;
      case Level::kPte: return 12;
    }
    return 0;
  }
  u64 ptrs_per(Level l) const override { return l == Level::kP4d ? PTRS_PER_P4D() : 512; }
  bool folded(Level l) const override { return l == Level::kP4d && !pgtable_l5_enabled(); }
  bool pgdir_is_page_size() const override { return true; }
  // PGD_ALLOCATION_ORDER: 1 with PTI (the kernel pgd, then the user pgd).
  unsigned PGD_ALLOCATION_ORDER() const { return cfg_.PAGE_TABLE_ISOLATION ? 1 : 0; }
  u64 pgd_alloc_size() const override { return this->PAGE_SIZE() << PGD_ALLOCATION_ORDER(); }

  // --- The walk ----------------------------------------------------------------
  // pgtable.h: no re-alignment when folded, pgd_index() already used the
  // runtime PGDIR_SHIFT. Without CONFIG_X86_5LEVEL: pgtable-nop4d.h's cast.
  W p4d_offset(const W& pgdp, const W& addr) override {
    if (!cfg_.X86_5LEVEL || !pgtable_l5_enabled()) return pgdp;
    return env_.va(pgd_page_paddr(env_.read(pgdp, Level::kPgd))) + (this->p4d_index(addr) << 3);
  }
  // include/linux/pgtable.h: pud_offset(p4d, a) = p4d_pgtable(*p4d) + pud_index(a).
  W pud_offset(const W& p4dp, const W& addr) override {
    return env_.va(p4d_page_paddr(env_.read(p4dp, Level::kP4d))) + (this->pud_index(addr) << 3);
  }
  W pmd_offset(const W& pudp, const W& addr) override {
    return env_.va(pud_page_paddr(env_.read(pudp, Level::kPud))) + (this->pmd_index(addr) << 3);
  }
  W pte_offset_kernel(const W& pmdp, const W& addr) override {
    return env_.va(pmd_page_paddr(env_.read(pmdp, Level::kPmd))) + (this->pte_index(addr) << 3);
  }
  // x86 has no pXd_offset_lockless: the generic macros apply the plain
  // helper to the caller's copy, pXd_offset(&(pXd), address). Folded, the
  // result is the address of that copy, which the next level only reads.
  W p4d_offset_lockless(const W& /*pgdp*/, const W& pgd, const W& addr) override {
    return p4d_offset(pgd, addr);
  }
  W pud_offset_lockless(const W& /*p4dp*/, const W& p4d, const W& addr) override {
    return pud_offset(p4d, addr);
  }
  W pmd_offset_lockless(const W& /*pudp*/, const W& pud, const W& addr) override {
    return pmd_offset(pud, addr);
  }

  // --- Entry tests ------------------------------------------------------------
  W pgd_flags(const W& v) const { return v & W(PTE_FLAGS_MASK); }
  // CONFIG_PGTABLE_LEVELS > 4 versions; pgtable-nop4d.h makes them constant.
  B pgd_none(const W& v) const override {
    if (!pgtable_l5_enabled()) return B(false);
    return v == W(0);
  }
  B pgd_bad(const W& v) const override {
    if (!pgtable_l5_enabled()) return B(false);
    u64 ignore_flags = _PAGE_USER;
    if (cfg_.PAGE_TABLE_ISOLATION) ignore_flags |= _PAGE_NX;
    return (pgd_flags(v) & W(~ignore_flags)) != W(_KERNPG_TABLE);
  }
  B pgd_present(const W& v) const override {
    if (!pgtable_l5_enabled()) return B(true);
    return (pgd_flags(v) & W(_PAGE_PRESENT)) != W(0);
  }
  // p4d_* test the entry that points to a pud table: the PML4 entry, which
  // exists in every x86-64 configuration (with p4d folded it is the pgd entry).
  B p4d_none(const W& v) const override { return (v & W(~_PAGE_KNL_ERRATUM_MASK)) == W(0); }
  B p4d_bad(const W& v) const override {
    u64 ignore_flags = _KERNPG_TABLE | _PAGE_USER;
    if (cfg_.PAGE_TABLE_ISOLATION) ignore_flags |= _PAGE_NX;
    return (pgd_flags(v) & W(~ignore_flags)) != W(0);
  }
  B p4d_present(const W& v) const override { return (v & W(_PAGE_PRESENT)) != W(0); }
  B pud_none(const W& v) const override { return (v & W(~_PAGE_KNL_ERRATUM_MASK)) == W(0); }
  B pud_bad(const W& v) const override {
    return (pud_flags(v) & W(~(_KERNPG_TABLE | _PAGE_USER))) != W(0);
  }
  B pud_present(const W& v) const override { return (pud_flags(v) & W(_PAGE_PRESENT)) != W(0); }
  B pud_leaf(const W& v) const override { return (v & W(_PAGE_PSE)) != W(0); }
  B pmd_none(const W& v) const override { return (v & W(~_PAGE_KNL_ERRATUM_MASK)) == W(0); }
  B pmd_bad(const W& v) const override {
    return (pmd_flags(v) & W(~(_PAGE_USER | _PAGE_ACCESSED))) != W(_KERNPG_TABLE & ~_PAGE_ACCESSED);
  }
  B pmd_present(const W& v) const override {
    return (pmd_flags(v) & W(_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE)) != W(0);
  }
  B pmd_leaf(const W& v) const override { return (v & W(_PAGE_PSE)) != W(0); }
  B pte_present(const W& v) const override {
    return (v & W(_PAGE_PRESENT | _PAGE_PROTNONE)) != W(0);
  }

  // pud_pfn_mask() / pmd_pfn_mask(): a PSE entry's PFN field starts at the
  // leaf size; p4d_pfn_mask() is PTE_PFN_MASK ("no 512 GiB huge pages yet").
  W pud_pfn_mask(const W& v) const {
    return select((v & W(_PAGE_PSE)) != W(0), W(PHYSICAL_PUD_PAGE_MASK), W(PTE_PFN_MASK));
  }
  W pmd_pfn_mask(const W& v) const {
    return select((v & W(_PAGE_PSE)) != W(0), W(PHYSICAL_PMD_PAGE_MASK), W(PTE_PFN_MASK));
  }
  W pud_flags(const W& v) const { return v & ~pud_pfn_mask(v); }
  W pmd_flags(const W& v) const { return v & ~pmd_pfn_mask(v); }

  // pgd_page_vaddr / p4d_pgtable / pud_pgtable / pmd_page_vaddr, as physical.
  W pgd_page_paddr(const W& v) const override { return v & W(PTE_PFN_MASK); }
  W p4d_page_paddr(const W& v) const override { return v & W(PTE_PFN_MASK); }
  W pud_page_paddr(const W& v) const override { return v & pud_pfn_mask(v); }
  W pmd_page_paddr(const W& v) const override { return v & pmd_pfn_mask(v); }

  // --- Updates ----------------------------------------------------------------
  // native_set_pgd(): the PTI shadow copy for user slots. Without
  // CONFIG_X86_5LEVEL, pgtable-nop4d.h's set_pgd() is set_p4d().
  void set_pgd(const W& p, const W& v) override {
    if (!cfg_.X86_5LEVEL) return set_p4d(p, v);
    env_.write(p, Level::kPgd, pti_set_user_pgtbl(p, v));
  }
  // native_set_p4d(): with p4d folded and PTI on, the entry *is* a pgd entry
  // and goes through pti_set_user_pgtbl().
  void set_p4d(const W& p, const W& v) override {
    if (pgtable_l5_enabled() || !cfg_.PAGE_TABLE_ISOLATION) return env_.write(p, Level::kP4d, v);
    env_.write(p, Level::kP4d, pti_set_user_pgtbl(p, v));
  }
  void set_pud(const W& p, const W& v) override { env_.write(p, Level::kPud, v); }
  void set_pmd(const W& p, const W& v) override { env_.write(p, Level::kPmd, v); }
  void set_pte(const W& p, const W& v) override { env_.write(p, Level::kPte, v); }
  // pgd_clear(): (pgtable_l5_enabled() ? native_pgd_clear(pgd) : 0);
  // pgtable-nop4d.h: nothing.
  void pgd_clear(const W& p) override {
    if (cfg_.X86_5LEVEL && pgtable_l5_enabled()) set_pgd(p, W(0));
  }
  void p4d_clear(const W& p) override { set_p4d(p, W(0)); }  // native_p4d_clear
  void pud_clear(const W& p) override { set_pud(p, W(0)); }
  void pmd_clear(const W& p) override { set_pmd(p, W(0)); }

  void pgd_populate(const Mm<W>& /*mm*/, const W& pgdp, const W& p4dp) override {
    if (!cfg_.X86_5LEVEL || !pgtable_l5_enabled()) return;  // nop4d / folded
    set_pgd(pgdp, W(_PAGE_TABLE) | env_.pa(p4dp));
  }
  void p4d_populate(const Mm<W>& /*mm*/, const W& p4dp, const W& pudp) override {
    set_p4d(p4dp, W(_PAGE_TABLE) | env_.pa(pudp));
  }
  void pud_populate(const Mm<W>& /*mm*/, const W& pudp, const W& pmdp) override {
    set_pud(pudp, W(_PAGE_TABLE) | env_.pa(pmdp));
  }
  // pmd_populate() and pmd_populate_kernel() both use _PAGE_TABLE.
  void pmd_populate(const Mm<W>& /*mm*/, const W& pmdp, const W& ptep) override {
    set_pmd(pmdp, W(_PAGE_TABLE) | env_.pa(ptep));
  }
  W mk_leaf(Level l, const W& pa) const override {
    const u64 pse = l == Level::kPte ? 0 : _PAGE_PSE;
    return __phys_to_pte_val(pa) | W(__PAGE_KERNEL | pse);
  }
  // pgtable_types.h: every flag of a 4K pte ([11:0]: present, RW, user,
  // PWT, PCD, accessed, dirty, PAT, global, software bits), _PAGE_SOFTW5 and
  // _PAGE_NX.
  u64 leaf_prot_bits(Level l) const override {
    return (l == Level::kPte ? genmask(11, 0) : genmask(11, 0) & ~_PAGE_PSE) | _PAGE_NOPTISHADOW | _PAGE_NX;
  }

  // --- PTI (arch/x86/mm/pti.c, asm/pgtable.h) ---------------------------------
  // pgdp_maps_userspace(): slot index within its page below PGD_KERNEL_START.
  W kernel_to_user_pgdp(const W& pgdp) const { return pgdp | W(u64{1} << cfg_.PAGE_SHIFT); }
  // __pti_set_user_pgtbl(): copy a user-slot entry into the user pgd page and
  // return the kernel's copy (NX for present user entries: NX is supported).
  // Concrete only: the shadow write needs a concrete slot.
  W pti_set_user_pgtbl(const W& pgdp, const W& pgd) {
    if (!cfg_.PAGE_TABLE_ISOLATION) return pgd;  // !static_cpu_has(X86_FEATURE_PTI)
    if constexpr (!std::is_same_v<W, u64>) {
      env_.bug_on(B(true), "pti_set_user_pgtbl", "the PTI shadow write needs a concrete pointer");
      return pgd;
    } else {
      const bool maps_userspace = ((pgdp & (this->PAGE_SIZE() - 1)) / 8) < PGD_KERNEL_START;
      if (!maps_userspace || (pgd & _PAGE_NOPTISHADOW)) return pgd;
      env_.write(kernel_to_user_pgdp(pgdp), Level::kPgd, pgd);
      if ((pgd & (_PAGE_USER | _PAGE_PRESENT)) == (_PAGE_USER | _PAGE_PRESENT)) return pgd | _PAGE_NX;
      return pgd;
    }
  }
  // User mode runs on the user pgd (CR3 with PTI_USER_PGTABLE_BIT set): for
  // a user address the hardware reads the shadow of a pgd-page entry - the
  // pgd entry, or the folded p4d entry (which is a pgd entry).
  W hw_entry_ptr(Level l, const W& ptr, const W& addr) const override {
    if (!cfg_.PAGE_TABLE_ISOLATION) return ptr;
    const bool in_pgd_page = l == Level::kPgd || (l == Level::kP4d && folded(Level::kP4d));
    if (!in_pgd_page) return ptr;
    return select((addr >> 63) == W(0), kernel_to_user_pgdp(ptr), ptr);
  }

  // --- Output-address encoding --------------------------------------------------
  // pfn_pte()/pte_pfn() with PTE_PFN_MASK; the L1TF inversion applies only to
  // non-present entries (pgtable-invert.h), which carry no address here.
  W __phys_to_pte_val(const W& pa) const override { return pa & W(PTE_PFN_MASK); }
  W __pte_to_phys(const W& pte) const override { return pte & W(PTE_PFN_MASK); }
  unsigned phys_mask_shift() const override { return __PHYSICAL_MASK_SHIFT; }

  // --- Hardware root ----------------------------------------------------------
  // build_cr3(pgd, asid) = __sme_pa(pgd) | kern_pcid(asid); the harness runs
  // with ASID 0 and no SME. SWITCH_TO_USER_CR3 sets PTI_USER_PGTABLE_BIT
  // (PAGE_SHIFT) for user mode.
  W hw_root(const W& pgd_pa, bool upper) const override {
    if (cfg_.PAGE_TABLE_ISOLATION && !upper) return pgd_pa | W(u64{1} << cfg_.PAGE_SHIFT);
    return pgd_pa;
  }

  // --- Allocation (arch/x86/mm/pgtable.c, asm/pgalloc.h, asm-generic) ---------
  // _pgd_alloc(): __get_free_pages(GFP_PGTABLE_USER, PGD_ALLOCATION_ORDER).
  // pgd_ctor()'s copy of the kernel half from swapper_pg_dir is not modelled
  // (no swapper here).
  // The PTI pgd is an order-1 allocation: the model requires
  // EnvHigherOrderPages of every env it runs on.
  u64 pgd_alloc(Mm<W>& /*mm*/) override {
    static_assert(EnvHigherOrderPages<Env>, "the x86-64 model allocates order-1 pgds (PTI)");
    const unsigned order = PGD_ALLOCATION_ORDER();
    if (order == 0) return env_.get_free_page(Level::kPgd);
    return env_.get_free_pages(Level::kPgd, order);
  }
  void pgd_free(Mm<W>& /*mm*/, u64 pgd) override {
    static_assert(EnvHigherOrderPages<Env>, "the x86-64 model frees order-1 pgds (PTI)");
    const unsigned order = PGD_ALLOCATION_ORDER();
    if (order == 0) return env_.free_page(pgd, "pgd_free");
    env_.free_pages(pgd, order, "pgd_free");
  }
  // With 5-level support, l5 on: the generic __p4d_alloc_one() /
  // __p4d_free() with pagetable_p4d_ctor/dtor (Qi Zheng's series, v5 04/17;
  // 6.12 had get_zeroed_page() / free_page(), no constructor). Folded: NULL /
  // nothing. pgtable-nop4d.h: NULL.
  u64 p4d_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (!cfg_.X86_5LEVEL || !pgtable_l5_enabled()) return 0;
    return this->__pxd_alloc_one(Level::kP4d);
  }
  void p4d_free(Mm<W>& /*mm*/, u64 p4d) override {
    if (!cfg_.X86_5LEVEL || !pgtable_l5_enabled()) return;
    this->__pxd_free(Level::kP4d, p4d, "p4d_free");
  }
  // Generic __pud_alloc_one() / __pud_free() (x86 defines neither hook).
  u64 pud_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    return this->__pxd_alloc_one(Level::kPud);
  }
  void pud_free(Mm<W>& /*mm*/, u64 pud) override {
    this->__pxd_free(Level::kPud, pud, "pud_free");
  }
  u64 pmd_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    return this->__pxd_alloc_one(Level::kPmd);
  }
  void pmd_free(Mm<W>& /*mm*/, u64 pmd) override {
    this->__pxd_free(Level::kPmd, pmd, "pmd_free");
  }
  // pte_alloc_one() has the constructor; pte_alloc_one_kernel() has none.
  u64 pte_alloc_one(Mm<W>& mm) override {
    return this->__pte_alloc_one(mm);
  }
  void pte_free(Mm<W>& mm, u64 pte) override {
    this->__pte_free(mm, pte);
  }
  // __p4d_free_tlb(): ___p4d_free_tlb() only if l5 (pagetable_p4d_dtor since
  // the series, paravirt_release_p4d, paravirt_tlb_remove_table); nothing
  // with pgtable-nop4d.h.
  void __p4d_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 p4d, u64 /*addr*/) override {
    if (!cfg_.X86_5LEVEL || !pgtable_l5_enabled()) return;
    this->__pxd_free_tlb(tlb, Level::kP4d, p4d);
  }
  // ___pud_free_tlb / ___pmd_free_tlb / ___pte_free_tlb: destructor, then
  // paravirt_tlb_remove_table().
  void __pud_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pud, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPud, pud);
  }
  void __pmd_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pmd, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPmd, pmd);
  }
  void __pte_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pte, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPte, pte);
  }

  // --- Early boot code (arch/x86/kernel/head64.c, arch/x86/mm/kasan_init_64.c)
  // Early page tables are reached through the kernel image mapping, not the
  // direct map: VA = PA + __START_KERNEL_map - phys_base.
  static constexpr u64 __START_KERNEL_map = 0xffffffff80000000;
  struct EarlyLayout {
    W page_offset_base;  // PAGE_OFFSET (0xff11000000000000 with LA57 since d52888aa2753)
    W phys_base;         // physical load offset of the image
  };
  // __phys_addr_nodebug(): an image address maps by phys_base, anything
  // below __START_KERNEL_map as a direct-map address (x - PAGE_OFFSET).
  W __pa_nodebug(const W& x, const EarlyLayout& lay) const {
    const W y = x - W(__START_KERNEL_map);
    return y + select(ult(y, x), lay.phys_base, W(__START_KERNEL_map) - lay.page_offset_base);
  }
  // kasan_init_64.c early_p4d_offset() (fixed form, f3176ec9420d): pgd_val()
  // is already physical.
  virtual W early_p4d_offset(const W& pgdp, const W& addr, const EarlyLayout& lay) {
    if (!pgtable_l5_enabled()) return pgdp;
    W p4d = env_.read(pgdp, Level::kPgd) & W(PTE_PFN_MASK);
    p4d = p4d + (W(__START_KERNEL_map) - lay.phys_base);
    return p4d + (this->p4d_index(addr) << 3);
  }

  // __startup_64()'s identity mapping of the kernel image at `physaddr`
  // (`size` bytes, 2 MiB pages), after 81c7ed296dcd: the pgd (and with LA57
  // the p4d) and pud entries for the image and the next slot, then one PMD
  // entry per 2 MiB. `pgd` is early_top_pgt; `pgts` is early_dynamic_pgts,
  // contiguous pages used in the kernel's order: pud, pmd, then p4d.
  // Kernel VAs here are the env's linear map (identity in the tests).
  void __startup_64_identity(u64 physaddr, u64 size, u64 pgd, u64 pgts) {
    const u64 P = this->PAGE_SIZE();
    __startup_64_identity(physaddr, size, pgd, pgts, pgts + P, pgts + 2 * P);
  }
  // The same with each early table page given on its own (the fuzzers pass
  // separate exact-size objects, so an index past a table is a wild access).
  void __startup_64_identity(u64 physaddr, u64 size, u64 pgd, u64 pud, u64 pmd, u64 p4d) {
    const u64 pgtable_flags = _KERNPG_TABLE;
    auto put = [&](u64 table, u64 slot, Level l, u64 v) { env_.write(W(table + 8 * slot), l, W(v)); };
    static_assert(std::is_same_v<W, u64>, "boot-time table setup runs concretely");
    const u64 pa_p4d = env_.pa(p4d), pa_pud = env_.pa(pud), pa_pmd = env_.pa(pmd);
    if (pgtable_l5_enabled()) {
      const u64 i = (physaddr >> PGDIR_SHIFT()) % 512;
      put(pgd, i + 0, Level::kPgd, pa_p4d + pgtable_flags);
      put(pgd, i + 1, Level::kPgd, pa_p4d + pgtable_flags);
      put(p4d, startup_p4d_slot(physaddr, 0), Level::kP4d, pa_pud + pgtable_flags);
      put(p4d, startup_p4d_slot(physaddr, 1), Level::kP4d, pa_pud + pgtable_flags);
    } else {
      const u64 i = (physaddr >> PGDIR_SHIFT()) % 512;
      put(pgd, i + 0, Level::kP4d, pa_pud + pgtable_flags);
      put(pgd, i + 1, Level::kP4d, pa_pud + pgtable_flags);
    }
    put(pud, startup_pud_slot(physaddr, 0), Level::kPud, pa_pmd + pgtable_flags);
    put(pud, startup_pud_slot(physaddr, 1), Level::kPud, pa_pmd + pgtable_flags);
    // __PAGE_KERNEL_LARGE_EXEC & ~_PAGE_GLOBAL.
    const u64 pmd_entry = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE;
    const u64 PMD_SIZE = u64{1} << 21;
    for (u64 i = 0; i < (size + PMD_SIZE - 1) / PMD_SIZE; ++i)
      put(pmd, startup_pmd_slot(physaddr, i), Level::kPmd, pmd_entry + physaddr + i * PMD_SIZE);
  }
  // The three index expressions 81c7ed296dcd fixed: wrap after the increment.
  virtual u64 startup_p4d_slot(u64 physaddr, u64 k) const { return ((physaddr >> 39) + k) % 512; }
  virtual u64 startup_pud_slot(u64 physaddr, u64 k) const { return ((physaddr >> 30) + k) % 512; }
  virtual u64 startup_pmd_slot(u64 physaddr, u64 i) const { return (i + (physaddr >> 21)) % 512; }

  // Limits of the early code, for callers that choose inputs: PAGE_OFFSET
  // when kasan_early_init() runs (__PAGE_OFFSET_BASE_L5/L4; KASLR moves it
  // later), MAX_PHYSMEM_BITS, and KERNEL_IMAGE_SIZE (with KASLR).
  u64 early_page_offset_base() const {
    return pgtable_l5_enabled() ? 0xff11000000000000 : 0xffff888000000000;
  }
  unsigned MAX_PHYSMEM_BITS() const { return pgtable_l5_enabled() ? 52 : 46; }
  static constexpr u64 KERNEL_IMAGE_SIZE = u64{1} << 30;

  // The boot helpers above behind the arch-neutral interface (concrete only).
  BootHelpers* boot_helpers() override;

 protected:
  // arch/x86/kernel/head64.c / boot/compressed/pgtable_64.c.
  bool __pgtable_l5_enabled = false;
  unsigned pgdir_shift = 39;
  u64 ptrs_per_p4d = 1;

 private:
  std::unique_ptr<BootHelpers> boot_;
};

// KASAN's early_p4d_offset() and __startup_64()'s identity map as
// BootHelpers; calls go through the model's virtuals, so a variant's
// override is what runs.
template <class Env>
class X86BootHelpers final : public BootHelpers {
 public:
  using X86 = X86_64<u64, Env>;
  explicit X86BootHelpers(X86& x) : x_(x) {}
  unsigned offers() const override { return kEarlyP4dOffset | kStartupIdentity; }
  const char* helper_name(Offer o) const override {
    return o == kEarlyP4dOffset ? "early_p4d_offset" : "__startup_64";
  }
  u64 early_page_offset() const override { return x_.early_page_offset_base(); }
  u64 early_table_va_offset(u64 phys_base) const override { return X86::__START_KERNEL_map - phys_base; }
  u64 early_p4d_offset(u64 pgdp, u64 addr, u64 page_offset_base, u64 phys_base) override {
    return x_.early_p4d_offset(pgdp, addr, typename X86::EarlyLayout{page_offset_base, phys_base});
  }
  unsigned startup_max_phys_bits() const override { return x_.MAX_PHYSMEM_BITS(); }
  u64 startup_image_align() const override { return u64{1} << 21; }  // PMD_SIZE
  u64 startup_max_image_size() const override { return X86::KERNEL_IMAGE_SIZE; }
  // early_dynamic_pgts in the order __startup_64() takes them: pud, pmd, p4d.
  int startup_tables() const override { return x_.pgtable_l5_enabled() ? 3 : 2; }
  void startup_identity(u64 physaddr, u64 size, u64 pgd, const u64* t) override {
    x_.__startup_64_identity(physaddr, size, pgd, t[0], t[1], startup_tables() > 2 ? t[2] : 0);
  }
  // The early CR3 is early_top_pgt itself (no PTI, PCID or SME bits yet).
  u64 early_root(u64 pgd_pa) const override { return pgd_pa; }

 private:
  X86& x_;
};

template <class W, class Env>
BootHelpers* X86_64<W, Env>::boot_helpers() {
  return lazy_boot_helpers<X86BootHelpers<Env>, W>(boot_, *this);
}

}  // namespace ptfold::tgt::x86_64
