// RISC-V (riscv64) page-table helpers as in Linux 6.12 (arch/riscv/include/
// asm/pgtable-64.h, pgtable.h, pgtable-bits.h, pgalloc.h, arch/riscv/mm/
// pgtable.c, include/asm-generic/pgalloc.h): Sv57/Sv48/Sv39 chosen at boot,
// runtime PGDIR_SHIFT / P4D_SHIFT, p4d and pud folded at run time with
// p4d_offset / pud_offset returning the pointer they were given.
// Written from the kernel's behaviour with its names kept; not kernel code.
#pragma once

#include <memory>
#include <stdexcept>
#include <type_traits>

#include "base/word.h"
#include "targets/linux.h"

namespace ptfold::tgt::riscv64 {

// pgtable-bits.h.
inline constexpr u64 _PAGE_PRESENT = u64{1} << 0;
inline constexpr u64 _PAGE_READ = u64{1} << 1;
inline constexpr u64 _PAGE_WRITE = u64{1} << 2;
inline constexpr u64 _PAGE_EXEC = u64{1} << 3;
inline constexpr u64 _PAGE_USER = u64{1} << 4;
inline constexpr u64 _PAGE_GLOBAL = u64{1} << 5;
inline constexpr u64 _PAGE_ACCESSED = u64{1} << 6;
inline constexpr u64 _PAGE_DIRTY = u64{1} << 7;
inline constexpr u64 _PAGE_TABLE = _PAGE_PRESENT;
inline constexpr u64 _PAGE_PROT_NONE = _PAGE_GLOBAL;
inline constexpr u64 _PAGE_LEAF = _PAGE_READ | _PAGE_WRITE | _PAGE_EXEC;
inline constexpr u64 _PAGE_KERNEL =
    _PAGE_READ | _PAGE_WRITE | _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL;
inline constexpr unsigned _PAGE_PFN_SHIFT = 10;
inline constexpr u64 _PAGE_PFN_MASK = genmask(53, 10);
// asm/csr.h: satp.MODE values, already shifted into [63:60].
inline constexpr u64 SATP_MODE_39 = u64{8} << 60;
inline constexpr u64 SATP_MODE_48 = u64{9} << 60;
inline constexpr u64 SATP_MODE_57 = u64{10} << 60;
// MAX_PHYSMEM_BITS on riscv64.
inline constexpr unsigned MAX_PHYSMEM_BITS = 56;

template <class W, class Env>
class Riscv64 : public LinuxPageTable<W, Env> {
 public:
  using Base = LinuxPageTable<W, Env>;
  using B = Bool<W>;
  using Base::cfg_;
  using Base::env_;

  // arch/riscv/mm/init.c: set_satp_mode() leaves these as the boot decided.
  Riscv64(const Config& cfg, Env& env)
      : Base(cfg, env), pgtable_l4_enabled_(cfg.riscv_l4 || cfg.riscv_l5),
        pgtable_l5_enabled_(cfg.riscv_l5) {
    satp_mode = pgtable_l5_enabled_ ? SATP_MODE_57 : pgtable_l4_enabled_ ? SATP_MODE_48 : SATP_MODE_39;
  }

  // --- Geometry --------------------------------------------------------------
  bool pgtable_l4_enabled() const override { return pgtable_l4_enabled_; }
  bool pgtable_l5_enabled() const override { return pgtable_l5_enabled_; }
  bool mm_pmd_folded() const override { return false; }
  // VA_BITS = l5 ? 57 : l4 ? 48 : 39.
  unsigned vabits_actual() const override {
    return pgtable_l5_enabled_ ? 57 : pgtable_l4_enabled_ ? 48 : 39;
  }
  unsigned PGDIR_SHIFT() const { return pgtable_l5_enabled_ ? 48 : pgtable_l4_enabled_ ? 39 : 30; }
  unsigned P4D_SHIFT() const { return pgtable_l5_enabled_ ? 39 : pgtable_l4_enabled_ ? 39 : 30; }
  u64 PGDIR_SIZE() const { return u64{1} << PGDIR_SHIFT(); }
  static constexpr unsigned PUD_SHIFT = 30;
  static constexpr unsigned PMD_SHIFT = 21;
  static constexpr u64 PUD_SIZE = u64{1} << PUD_SHIFT;
  static constexpr u64 PMD_SIZE = u64{1} << PMD_SHIFT;
  unsigned shift(Level l) const override {
    switch (l) {
      case Level::kPgd: return PGDIR_SHIFT();
      case Level::kP4d: return P4D_SHIFT();
      case Level::kPud: return PUD_SHIFT;
      case Level::kPmd: return PMD_SHIFT;
      case Level::kPte: return 12;
    }
    return 0;
  }
  // PTRS_PER_PGD/P4D/PUD/PMD/PTE: PAGE_SIZE / 8, folded or not.
  u64 ptrs_per(Level /*l*/) const override { return this->PAGE_SIZE() / 8; }
  bool folded(Level l) const override {
    return (l == Level::kP4d && !pgtable_l5_enabled_) || (l == Level::kPud && !pgtable_l4_enabled_);
  }
  bool pgdir_is_page_size() const override { return true; }
  u64 pgd_alloc_size() const override { return this->PAGE_SIZE(); }

  // --- The walk (arch/riscv/mm/pgtable.c, include/linux/pgtable.h) -----------
  W p4d_offset(const W& pgdp, const W& addr) override {
    if (pgtable_l5_enabled_)
      return env_.va(pgd_page_paddr(env_.read(pgdp, Level::kPgd))) + (this->p4d_index(addr) << 3);
    return pgdp;
  }
  W pud_offset(const W& p4dp, const W& addr) override {
    if (pgtable_l4_enabled_)
      return env_.va(p4d_page_paddr(env_.read(p4dp, Level::kP4d))) + (this->pud_index(addr) << 3);
    return p4dp;
  }
  W pmd_offset(const W& pudp, const W& addr) override {
    return env_.va(pud_page_paddr(env_.read(pudp, Level::kPud))) + (this->pmd_index(addr) << 3);
  }
  W pte_offset_kernel(const W& pmdp, const W& addr) override {
    return env_.va(pmd_page_paddr(env_.read(pmdp, Level::kPmd))) + (this->pte_index(addr) << 3);
  }
  // No arch pXd_offset_lockless: the generic pXd_offset(&(pXd), address).
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
  B pgd_none(const W& v) const override {
    if (pgtable_l5_enabled_) return v == W(0);
    return B(false);
  }
  B pgd_present(const W& v) const override {
    if (pgtable_l5_enabled_) return (v & W(_PAGE_PRESENT)) != W(0);
    return B(true);
  }
  B pgd_bad(const W& v) const override {
    if (pgtable_l5_enabled_) return lnot(pgd_present(v));
    return B(false);
  }
  B p4d_none(const W& v) const override {
    if (pgtable_l4_enabled_) return v == W(0);
    return B(false);
  }
  B p4d_present(const W& v) const override {
    if (pgtable_l4_enabled_) return (v & W(_PAGE_PRESENT)) != W(0);
    return B(true);
  }
  B p4d_bad(const W& v) const override {
    if (pgtable_l4_enabled_) return lnot(p4d_present(v));
    return B(false);
  }
  B pud_none(const W& v) const override { return v == W(0); }
  B pud_present(const W& v) const override { return (v & W(_PAGE_PRESENT)) != W(0); }
  B pud_bad(const W& v) const override { return lnot(pud_present(v)); }
  B pud_leaf(const W& v) const override {
    return land(pud_present(v), (v & W(_PAGE_LEAF)) != W(0));
  }
  B pmd_none(const W& v) const override { return v == W(0); }
  // CONFIG_TRANSPARENT_HUGEPAGE version: a split-in-progress leaf counts.
  B pmd_present(const W& v) const override {
    return (v & W(_PAGE_PRESENT | _PAGE_PROT_NONE | _PAGE_LEAF)) != W(0);
  }
  B pmd_bad(const W& v) const override {
    return lor(lnot(pmd_present(v)), (v & W(_PAGE_LEAF)) != W(0));
  }
  B pmd_leaf(const W& v) const override {
    return land(pmd_present(v), (v & W(_PAGE_LEAF)) != W(0));
  }
  B pte_present(const W& v) const override {
    return (v & W(_PAGE_PRESENT | _PAGE_PROT_NONE)) != W(0);
  }

  // pfn_to_virt(__page_val_to_pfn(val)), as physical: every level (folded or
  // not: pgd_pgtable() -> p4d_pgtable() -> pud_pgtable()) decodes the same PFN.
  W __page_val_to_pfn(const W& v) const { return (v & W(_PAGE_PFN_MASK)) >> _PAGE_PFN_SHIFT; }
  W pgd_page_paddr(const W& v) const override { return __page_val_to_pfn(v) << 12; }
  W p4d_page_paddr(const W& v) const override { return __page_val_to_pfn(v) << 12; }
  W pud_page_paddr(const W& v) const override { return __page_val_to_pfn(v) << 12; }
  W pmd_page_paddr(const W& v) const override { return __page_val_to_pfn(v) << 12; }

  // --- Updates ----------------------------------------------------------------
  // set_pgd() falls through to set_p4d() when l5 is off, set_p4d() to set_pud()
  // when l4 is off: the same slot, labelled as the level that owns it.
  void set_pgd(const W& p, const W& v) override {
    if (pgtable_l5_enabled_) return env_.write(p, Level::kPgd, v);
    set_p4d(p, v);
  }
  void set_p4d(const W& p, const W& v) override {
    if (pgtable_l4_enabled_) return env_.write(p, Level::kP4d, v);
    set_pud(p, v);
  }
  void set_pud(const W& p, const W& v) override { env_.write(p, Level::kPud, v); }
  void set_pmd(const W& p, const W& v) override { env_.write(p, Level::kPmd, v); }
  void set_pte(const W& p, const W& v) override { env_.write(p, Level::kPte, v); }
  void pgd_clear(const W& p) override {
    if (pgtable_l5_enabled_) set_pgd(p, W(0));
  }
  void p4d_clear(const W& p) override {
    if (pgtable_l4_enabled_) set_p4d(p, W(0));
  }
  void pud_clear(const W& p) override { set_pud(p, W(0)); }
  void pmd_clear(const W& p) override { set_pmd(p, W(0)); }

  // asm/pgalloc.h: (virt_to_pfn(child) << _PAGE_PFN_SHIFT) | _PAGE_TABLE.
  W table_entry(const W& child_va) const {
    return ((env_.pa(child_va) >> 12) << _PAGE_PFN_SHIFT) | W(_PAGE_TABLE);
  }
  void pgd_populate(const Mm<W>& /*mm*/, const W& pgdp, const W& p4dp) override {
    if (pgtable_l5_enabled_) set_pgd(pgdp, table_entry(p4dp));
  }
  void p4d_populate(const Mm<W>& /*mm*/, const W& p4dp, const W& pudp) override {
    if (pgtable_l4_enabled_) set_p4d(p4dp, table_entry(pudp));
  }
  void pud_populate(const Mm<W>& /*mm*/, const W& pudp, const W& pmdp) override {
    set_pud(pudp, table_entry(pmdp));
  }
  void pmd_populate(const Mm<W>& /*mm*/, const W& pmdp, const W& ptep) override {
    set_pmd(pmdp, table_entry(ptep));
  }
  // pfn_pte/pfn_pmd/pfn_pud(pfn, PAGE_KERNEL): a leaf at any level.
  W mk_leaf(Level /*l*/, const W& pa) const override { return __phys_to_pte_val(pa) | W(_PAGE_KERNEL); }
  // pgtable-bits.h: V R W X U G A D and the two software bits [9:8]
  // (_PAGE_SOFT: _PAGE_SPECIAL, _PAGE_DEVMAP).
  u64 leaf_prot_bits(Level /*l*/) const override { return genmask(9, 0); }

  // --- Output-address encoding --------------------------------------------------
  W __phys_to_pte_val(const W& pa) const override { return (pa >> 12) << _PAGE_PFN_SHIFT; }
  W __pte_to_phys(const W& pte) const override { return __page_val_to_pfn(pte) << 12; }
  unsigned phys_mask_shift() const override { return MAX_PHYSMEM_BITS; }

  // --- Hardware root ----------------------------------------------------------
  // csr_write(CSR_SATP, PFN_DOWN(__pa(pgdir)) | satp_mode): one root for both
  // halves (ASID 0).
  W hw_root(const W& pgd_pa, bool /*upper*/) const override { return (pgd_pa >> 12) | W(satp_mode); }

  // --- Allocation (asm/pgalloc.h, asm-generic/pgalloc.h) ----------------------
  // pgd_alloc(): __get_free_page(); sync_kernel_mappings() copies the kernel
  // half from init_mm, which the harness does not model.
  u64 pgd_alloc(Mm<W>& /*mm*/) override { return env_.get_free_page(Level::kPgd); }
  void pgd_free(Mm<W>& /*mm*/, u64 pgd) override { env_.free_page(pgd, "pgd_free"); }
  // The generic __p4d_alloc_one() / __p4d_free() with pagetable_p4d_ctor/dtor
  // (Qi Zheng's series, v5 04/17; 6.12: get_zeroed_page() / free_page(), no
  // constructor); NULL / nothing when folded.
  u64 p4d_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (!pgtable_l5_enabled_) return 0;
    return this->__pxd_alloc_one(Level::kP4d);
  }
  void p4d_free(Mm<W>& /*mm*/, u64 p4d) override {
    if (!pgtable_l5_enabled_) return;
    this->__pxd_free(Level::kP4d, p4d, "p4d_free");
  }
  u64 pud_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (!pgtable_l4_enabled_) return 0;
    return this->__pxd_alloc_one(Level::kPud);
  }
  void pud_free(Mm<W>& mm, u64 pud) override {
    if (pgtable_l4_enabled_) __pud_free(mm, pud);
  }
  void __pud_free(Mm<W>& /*mm*/, u64 pud) {
    this->__pxd_free(Level::kPud, pud, "pud_free");
  }
  u64 pmd_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    return this->__pxd_alloc_one(Level::kPmd);
  }
  void pmd_free(Mm<W>& /*mm*/, u64 pmd) override {
    this->__pxd_free(Level::kPmd, pmd, "pmd_free");
  }
  u64 pte_alloc_one(Mm<W>& mm) override {
    return this->__pte_alloc_one(mm);
  }
  void pte_free(Mm<W>& mm, u64 pte) override {
    this->__pte_free(mm, pte);
  }
  // pagetable_p4d_dtor() (the series; none in 6.12), riscv_tlb_remove_ptdesc().
  void __p4d_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 p4d, u64 /*addr*/) override {
    if (pgtable_l5_enabled_) this->__pxd_free_tlb(tlb, Level::kP4d, p4d);
  }
  void __pud_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pud, u64 /*addr*/) override {
    if (!pgtable_l4_enabled_) return;
    this->__pxd_free_tlb(tlb, Level::kPud, pud);
  }
  void __pmd_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pmd, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPmd, pmd);
  }
  void __pte_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pte, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPte, pte);
  }

  // --- KVM G-stage (arch/riscv/kvm/mmu.c, kvm_riscv_gstage_map()) ------------
  // Whether a VMA page size is mapped as a G-stage block (its gfn aligned to
  // the huge page): 2 MiB and 1 GiB, after c25a6dddc62c ("KVM: RISC-V: Fix
  // wrong usage of PGDIR_SIZE to check page sizes").
  virtual bool gstage_block_size(u64 vma_pagesize) const {
    return vma_pagesize == PMD_SIZE || vma_pagesize == PUD_SIZE;
  }

  // --- Boot: set_satp_mode() (arch/riscv/mm/init.c) ---------------------------
  // The early tables, each one page; at this point the MMU is off, so their
  // addresses are physical (the env's linear map is the identity in tests).
  struct EarlyTables {
    u64 early_pg_dir, early_p4d, early_pud, early_pmd;
  };
  void disable_pgtable_l5() {
    pgtable_l5_enabled_ = false;
    satp_mode = SATP_MODE_48;
  }
  void disable_pgtable_l4() {
    pgtable_l4_enabled_ = false;
    satp_mode = SATP_MODE_39;
  }
  // Probe Sv57, then Sv48: identity-map the PMD holding set_satp_mode()
  // (`set_satp_mode_pmd`, 2 MiB aligned), write satp, read it back (WARL);
  // fall back when it did not stick. No command-line override. The env
  // supplies the CSR (EnvSatp): csr_write_satp(v), csr_swap_satp(v) -> old.
  void set_satp_mode(const EarlyTables& t, u64 set_satp_mode_pmd)
    requires EnvSatp<Env>
  {
    static_assert(std::is_same_v<W, u64>, "boot code runs concretely");
    pgtable_l5_enabled_ = pgtable_l4_enabled_ = true;  // the boot defaults
    satp_mode = SATP_MODE_57;
    const u64 P4D_SIZE = u64{1} << P4D_SHIFT();
    create_sized_mapping(t.early_p4d, Level::kP4d, (set_satp_mode_pmd >> P4D_SHIFT()) & 511, t.early_pud,
                         P4D_SIZE, _PAGE_TABLE);
    create_sized_mapping(t.early_pud, Level::kPud, (set_satp_mode_pmd >> PUD_SHIFT) & 511, t.early_pmd,
                         PUD_SIZE, _PAGE_TABLE);
    // "Handle the case where set_satp_mode straddles 2 PMDs".
    for (u64 k = 0; k < 2; ++k) {
      const u64 va = set_satp_mode_pmd + k * PMD_SIZE;
      create_sized_mapping(t.early_pmd, Level::kPmd, (va >> PMD_SHIFT) & 511, va, PMD_SIZE,
                           _PAGE_KERNEL | _PAGE_EXEC);
    }
    for (;;) {
      // create_pgd_mapping(early_pg_dir, pmd, l5 ? early_p4d : early_pud,
      // PGDIR_SIZE, PAGE_TABLE): fills the slot only if it is empty.
      create_sized_mapping(t.early_pg_dir, Level::kPgd, this->pgd_index(set_satp_mode_pmd),
                           pgtable_l5_enabled_ ? t.early_p4d : t.early_pud, PGDIR_SIZE(), _PAGE_TABLE);
      const u64 identity_satp = (env_.pa(t.early_pg_dir) >> 12) | satp_mode;
      env_.csr_write_satp(identity_satp);
      const u64 hw_satp = env_.csr_swap_satp(0);
      if (hw_satp == identity_satp) break;
      if (pgtable_l5_enabled_) {
        disable_pgtable_l5();
        set_satp_mode_before_retry(t.early_pg_dir);
        continue;
      }
      disable_pgtable_l4();
      break;
    }
    for (u64 table : {t.early_pg_dir, t.early_p4d, t.early_pud, t.early_pmd}) memset_page(table);
  }
  // d5fdade9331f: wipe early_pg_dir before probing the next mode.
  virtual void set_satp_mode_before_retry(u64 early_pg_dir) { memset_page(early_pg_dir); }

  // The boot and KVM helpers above behind the arch-neutral interface
  // (concrete only).
  BootHelpers* boot_helpers() override;

 protected:
  // create_{pgd,p4d,pud,pmd}_mapping() with sz equal to the level's size:
  // one entry, written only if the slot is empty.
  void create_sized_mapping(u64 table, Level l, u64 idx, u64 pa, u64 /*sz*/, u64 prot) {
    const u64 slot = table + 8 * idx;
    if (env_.read(slot, l) == 0) env_.write(slot, l, ((env_.pa(pa) >> 12) << _PAGE_PFN_SHIFT) | prot);
  }
  // memset(table, 0, PAGE_SIZE): one clear_page() where the env has it
  // (EnvClearPage: a bounds check and a memset), else entry by entry.
  void memset_page(u64 table) {
    if constexpr (EnvClearPage<Env>) {
      env_.clear_page(table);
    } else {
      const u64 n = this->PAGE_SIZE() / 8;
      for (u64 i = 0; i < n; ++i) env_.write(W(table + 8 * i), Level::kPte, W(0));
    }
  }

  bool pgtable_l4_enabled_;
  bool pgtable_l5_enabled_;
  u64 satp_mode = SATP_MODE_57;

 private:
  std::unique_ptr<BootHelpers> boot_;
};

// set_satp_mode()'s probe and the KVM G-stage block-size check as
// BootHelpers; calls go through the model's virtuals, so a variant's
// override is what runs.
template <class Env>
class RiscvBootHelpers final : public BootHelpers {
 public:
  using Rv = Riscv64<u64, Env>;
  explicit RiscvBootHelpers(Rv& r) : r_(r) {}
  // The mode probe needs the satp CSR: offered on an env that has it (EnvSatp).
  unsigned offers() const override { return (EnvSatp<Env> ? kSatpProbe : 0u) | kGstageBlockSize; }
  // The G-stage check is the size test inside kvm_riscv_gstage_map().
  const char* helper_name(Offer o) const override {
    return o == kSatpProbe ? "set_satp_mode" : "kvm_riscv_gstage_map";
  }
  // set_satp_mode_pmd = set_satp_mode & PMD_MASK, a physical address (the
  // MMU is off). Below 2^47 the identity map is a user-half VA in Sv48 and
  // Sv57, the two modes probed.
  u64 probe_align() const override { return Rv::PMD_SIZE; }
  unsigned probe_max_phys_bits() const override { return 47; }
  void probe_modes(const u64* t, u64 probe_pa) override {
    if constexpr (EnvSatp<Env>)
      r_.set_satp_mode(typename Rv::EarlyTables{t[0], t[1], t[2], t[3]}, probe_pa & ~(Rv::PMD_SIZE - 1));
    else
      throw std::logic_error("ptfold: internal: probe_modes() is not offered on an env without satp");
  }
  bool gstage_block_size(u64 vma_pagesize) const override { return r_.gstage_block_size(vma_pagesize); }

 private:
  Rv& r_;
};

template <class W, class Env>
BootHelpers* Riscv64<W, Env>::boot_helpers() {
  return lazy_boot_helpers<RiscvBootHelpers<Env>, W>(boot_, *this);
}

}  // namespace ptfold::tgt::riscv64
