// arm64 page-table helpers as in Linux 6.12 (arch/arm64/include/asm/
// pgtable.h, pgalloc.h, tlb.h, arch/arm64/mm/pgd.c, include/asm-generic/
// pgalloc.h), plus the boot-time page-size RFC's changes (Ryan Roberts,
// 2024-10-14, patches 53 and 57) selected by CONFIG_ARM64_BOOT_TIME_PAGE_SIZE.
// Written from the kernel's behaviour with its names kept; not kernel code.
#pragma once

#include <memory>
#include <string>
#include <type_traits>

#include "base/word.h"
#include "targets/arm64/hotplug.h"
#include "targets/linux.h"

namespace ptfold::tgt::arm64 {

// Descriptor bits (pgtable-hwdef.h).
inline constexpr u64 PTE_VALID = 1;
inline constexpr u64 PMD_TYPE_MASK = 3;
inline constexpr u64 PMD_TYPE_TABLE = 3;
inline constexpr u64 PMD_TYPE_SECT = 1;
inline constexpr u64 PTE_TYPE_PAGE = 3;
inline constexpr u64 PTE_AF = u64{1} << 10;
inline constexpr u64 PTE_SHARED = u64{3} << 8;
inline constexpr u64 TABLE_PXN = u64{1} << 59;  // P?D_TABLE_PXN
inline constexpr u64 TABLE_UXN = u64{1} << 60;  // P?D_TABLE_UXN

template <class W, class Env>
class Arm64 : public LinuxPageTable<W, Env> {
 public:
  using Base = LinuxPageTable<W, Env>;
  using B = Bool<W>;
  using Base::cfg_;
  using Base::env_;

  Arm64(const Config& cfg, Env& env) : Base(cfg, env) { init_geometry(); }

  // --- Geometry --------------------------------------------------------------
  // vabits_actual: 64 - TCR_EL1.T1SZ when VA_BITS > 48 (asm/memory.h).
  unsigned vabits_actual() const override {
    return cfg_.VA_BITS > 48 ? 64 - cfg_.tcr_t1sz : cfg_.VA_BITS;
  }
  // The LPA2 family decides from the CPU (after ARM64_ALWAYS_BOOT:
  // ARM64_HAS_VA52); the RFC from the runtime level count (ptg_pgtable_levels).
  bool pgtable_l4_enabled() const override {
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE) return ptg_pgtable_levels_ > 3;
    if (cfg_.PGTABLE_LEVELS <= 3) return false;
    if (cfg_.PGTABLE_LEVELS > 4 || !cfg_.ARM64_LPA2) return true;
    return cfg_.cap_va52;
  }
  bool pgtable_l5_enabled() const override {
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE) return ptg_pgtable_levels_ > 4;
    if (cfg_.PGTABLE_LEVELS <= 4) return false;
    return cfg_.cap_va52;
  }
  // RFC patch 53: pgtable_l3_enabled() / mm_pmd_folded().
  bool pgtable_l3_enabled() const {
    return cfg_.ARM64_BOOT_TIME_PAGE_SIZE ? ptg_pgtable_levels_ > 2 : cfg_.PGTABLE_LEVELS > 2;
  }
  bool mm_pmd_folded() const override { return !pgtable_l3_enabled(); }
  // asm/memory.h (no KASAN): PAGE_OFFSET = _PAGE_OFFSET(VA_BITS), the
  // reachable start _PAGE_OFFSET(vabits_actual), PAGE_END =
  // _PAGE_END(VA_BITS_MIN), VA_BITS_MIN 47 for 16K pages and 48 otherwise
  // when VA_BITS > 48.
  LinearMap hotplug_linear_map() const override {
    const unsigned va_bits_min = cfg_.VA_BITS <= 48 ? cfg_.VA_BITS : this->PAGE_SIZE() == 16384 ? 47 : 48;
    return {u64{0} - (u64{1} << cfg_.VA_BITS), u64{0} - (u64{1} << vabits_actual()),
            u64{0} - (u64{1} << (va_bits_min - 1))};
  }
  // arch/arm64/mm/mmu.c: the PAs whose linear-map address lies in
  // [_PAGE_OFFSET(vabits_actual), PAGE_END - 1]. With CONFIG_RANDOMIZE_BASE
  // (on in the configurations modelled) KASLR can move memstart_addr so far
  // down that the start wraps above the end; it is clamped to 0 then.
  PhysRange arch_get_mappable_range(u64 phys_offset) override {
    PhysRange r = linear_pa_range(phys_offset);
    if (r.start > r.end) r.start = 0;
    warn_on_or_bug(env_, B(r.start > r.end), "arch_get_mappable_range", "WARN_ON(start_linear_pa > end_linear_pa)");
    return r;
  }
  // arch/arm64/mm/mmu.c free_empty_<l>_table()'s early returns: the pud
  // function's !pgtable_l4_enabled(), the p4d function's
  // !pgtable_l5_enabled(), and the pmd function's build-time
  // CONFIG_PGTABLE_LEVELS <= 2 (with the RFC's runtime pmd folding, the same
  // question asked at run time).
  bool hotplug_level_folded(Level l) const override {
    switch (l) {
      case Level::kPmd: return folded(Level::kPmd);
      case Level::kPud: return !pgtable_l4_enabled();
      case Level::kP4d: return !pgtable_l5_enabled();
      default: return false;
    }
  }
  // asm/memory.h: PHYSMEM_END = __pa(PAGE_END - 1).
  u64 PHYSMEM_END(u64 phys_offset) const override { return linear_pa_range(phys_offset).end; }
  // __pa(_PAGE_OFFSET(vabits_actual)) and __pa(PAGE_END - 1): both are
  // linear-map addresses, so __lm_to_phys(), (addr - PAGE_OFFSET) + PHYS_OFFSET.
  PhysRange linear_pa_range(u64 phys_offset) const {
    const LinearMap lm = hotplug_linear_map();
    return {lm.start - lm.page_offset + phys_offset, lm.end - 1 - lm.page_offset + phys_offset};
  }
  bool lpa2_is_enabled() const { return cfg_.ARM64_LPA2 && cfg_.tcr_ds; }

  // arch/arm64/kernel/cpufeature.c __kpti_install_ng_mappings(): the level
  // count idmap_kpti_install_ng_mappings() walks swapper_pg_dir with -
  // CONFIG_PGTABLE_LEVELS, one less where the top level is folded at run
  // time (the RFC goes on from 3 to 2).
  virtual int kpti_ng_levels() const {
    int levels = static_cast<int>(cfg_.PGTABLE_LEVELS);
    if (levels == 5 && !pgtable_l5_enabled()) levels = 4;
    else if (levels == 4 && !pgtable_l4_enabled()) levels = 3;
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE && levels == 3 && !pgtable_l3_enabled()) levels = 2;
    return levels;
  }
  // arch/arm64/kvm/mmu.c get_user_mapping_size(): KVM walks a VMM's page
  // tables with its own walker, ia_bits = vabits_actual and start_level =
  // KVM_PGTABLE_LAST_LEVEL - ARM64_HW_PGTABLE_LEVELS(ia_bits) + 1.
  virtual unsigned kvm_user_ia_bits() const { return vabits_actual(); }
  virtual int kvm_user_start_level() const {
    const int levels = static_cast<int>((kvm_user_ia_bits() - 4) / (cfg_.PAGE_SHIFT - 3));  // ARM64_HW_PGTABLE_LEVELS
    return 3 - levels + 1;
  }
  BootHelpers* boot_helpers() override;
  // Memory hot-add/hot-remove (targets/arm64/hotplug.h), on an env that has
  // warn_on() (EnvWarnOn); nullptr for the symbolic word and other envs.
  MemoryHotplug* memory_hotplug() override;

  // arch/arm64: swapper_pg_dir lives in .rodata (since v4.17) and is
  // written through the fixmap by set_swapper_pgd().
  bool swapper_pg_dir_read_only() const override { return true; }
  // if (in_swapper_pgdir(p)) { set_swapper_pgd(p, v); return true; } -
  // in_swapper_pgdir() compares pages. Only an env with a read-only
  // swapper_pg_dir (EnvReadOnlySwapper: the fuzz machine, init_mm's pgd)
  // takes the detour; the others, and the symbolic word, write in place.
  bool swapper_write(const W& p, const W& v) {
    if constexpr (std::is_same_v<W, u64> && EnvReadOnlySwapper<Env>) {
      const u64 swapper = env_.swapper_pg_dir();
      const u64 page_mask = ~(this->PAGE_SIZE() - 1);
      if (swapper && (p & page_mask) == (swapper & page_mask)) {
        env_.set_swapper_pgd(p, v);
        return true;
      }
    }
    return false;
  }

  unsigned shift(Level l) const override { return shift_[static_cast<int>(l)]; }
  u64 ptrs_per(Level l) const override { return ptrs_[static_cast<int>(l)]; }
  bool folded(Level l) const override {
    switch (l) {
      case Level::kPgd: return false;
      case Level::kP4d: return cfg_.PGTABLE_LEVELS < 5 || !pgtable_l5_enabled();
      case Level::kPud: return cfg_.PGTABLE_LEVELS < 4 || !pgtable_l4_enabled();
      case Level::kPmd: return cfg_.PGTABLE_LEVELS < 3 || !pgtable_l3_enabled();
      case Level::kPte: return false;
    }
    return false;
  }

  // arch/arm64/mm/pgd.c; the RFC applies the folded-level rule only outside
  // boot-time mode (patch 57).
  bool pgdir_is_page_size() const override {
    if (this->PGD_SIZE() == this->PAGE_SIZE()) return true;
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE) return false;
    if (cfg_.PGTABLE_LEVELS == 4) return !pgtable_l4_enabled();
    if (cfg_.PGTABLE_LEVELS == 5) return !pgtable_l5_enabled();
    return false;
  }
  u64 pgd_alloc_size() const override {
    return pgdir_is_page_size() ? this->PAGE_SIZE() : this->PGD_SIZE();
  }

  // --- Folded-pointer helpers -----------------------------------------------
  // 6.12: PTR_ALIGN_DOWN(p, PAGE_SIZE) + index. The RFC (boot-time mode):
  // return the incoming pointer unchanged. Both carry the post-6.12 VM_BUG_ON
  // that the pointer was indexed with the same address
  // (arch/arm64/include/asm/pgtable.h).
  virtual W pgd_to_folded_p4d(const W& pgdp, const W& addr) {
    folded_pointer_check("pgd_to_folded_p4d", Level::kPgd, pgdp, addr);
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE) return pgdp;
    return align_down(pgdp, this->PAGE_SIZE()) + (this->p4d_index(addr) << 3);
  }
  virtual W p4d_to_folded_pud(const W& p4dp, const W& addr) {
    folded_pointer_check("p4d_to_folded_pud", Level::kP4d, p4dp, addr);
    if (cfg_.ARM64_BOOT_TIME_PAGE_SIZE) return p4dp;
    return align_down(p4dp, this->PAGE_SIZE()) + (this->pud_index(addr) << 3);
  }
  // RFC patch 53: no alignment.
  virtual W pud_to_folded_pmd(const W& pudp, const W& /*addr*/) { return pudp; }

  // --- The walk ----------------------------------------------------------------
  W p4d_offset_lockless(const W& pgdp, const W& pgd, const W& addr) override {
    if (cfg_.PGTABLE_LEVELS < 5) return p4d_offset_lockless_folded(pgdp, pgd, addr);
    if (!pgtable_l5_enabled()) return pgd_to_folded_p4d(pgdp, addr);
    return env_.va(pgd_page_paddr(env_.read(pgd, Level::kPgd))) + (this->p4d_index(addr) << 3);
  }
  // CONFIG_PGTABLE_LEVELS <= 4: p4d is folded at compile time. The generic
  // version returns the address of the caller's copy (&pgd); arm64 returns
  // the real table pointer, because a runtime-folded pud_offset_lockless()
  // re-aligns it (fix 36639013b346).
  virtual W p4d_offset_lockless_folded(const W& pgdp, const W& /*pgd*/, const W& addr) {
    return p4d_offset(pgdp, addr);
  }
  W p4d_offset(const W& pgdp, const W& addr) override {
    if (cfg_.PGTABLE_LEVELS < 5) return pgdp;  // pgtable-nop4d.h
    if (!pgtable_l5_enabled()) return pgd_to_folded_p4d(pgdp, addr);
    return p4d_offset_lockless(pgdp, pgdp, addr);
  }
  // With the level folded at compile time arm64 has no pXd_offset_lockless()
  // of its own: the generic one is pXd_offset(&copy), which pgtable-nopud.h /
  // pgtable-nopmd.h answer with the pointer given, the caller's stack copy.
  W pud_offset_lockless(const W& p4dp, const W& p4d, const W& addr) override {
    if (cfg_.PGTABLE_LEVELS < 4) return p4d;  // pgtable-nopud.h: &p4d
    if (!pgtable_l4_enabled()) return p4d_to_folded_pud(p4dp, addr);
    return env_.va(p4d_page_paddr(env_.read(p4d, Level::kP4d))) + (this->pud_index(addr) << 3);
  }
  W pud_offset(const W& p4dp, const W& addr) override {
    if (cfg_.PGTABLE_LEVELS < 4) return p4dp;
    if (!pgtable_l4_enabled()) return p4d_to_folded_pud(p4dp, addr);
    return pud_offset_lockless(p4dp, p4dp, addr);
  }
  W pmd_offset_lockless(const W& pudp, const W& pud, const W& addr) override {
    if (cfg_.PGTABLE_LEVELS < 3) return pud;  // pgtable-nopmd.h: &pud
    if (!pgtable_l3_enabled()) return pud_to_folded_pmd(pudp, addr);
    return env_.va(pud_page_paddr(env_.read(pud, Level::kPud))) + (this->pmd_index(addr) << 3);
  }
  W pmd_offset(const W& pudp, const W& addr) override {
    return pmd_offset_lockless(pudp, pudp, addr);
  }
  W pte_offset_kernel(const W& pmdp, const W& addr) override {
    return env_.va(pmd_page_paddr(env_.read(pmdp, Level::kPmd))) + (this->pte_index(addr) << 3);
  }

  // The physical address of the entry (fixmap users, early boot): BUG when the
  // level is folded, since there is no table of its own to index.
  W pud_offset_phys(const W& p4dp, const W& addr) {
    env_.bug_on(B(cfg_.PGTABLE_LEVELS < 4 || !pgtable_l4_enabled()), "pud_offset_phys", "pud is folded");
    return p4d_page_paddr(env_.read(p4dp, Level::kP4d)) + (this->pud_index(addr) << 3);
  }
  W p4d_offset_phys(const W& pgdp, const W& addr) {
    env_.bug_on(B(cfg_.PGTABLE_LEVELS < 5 || !pgtable_l5_enabled()), "p4d_offset_phys", "p4d is folded");
    return pgd_page_paddr(env_.read(pgdp, Level::kPgd)) + (this->p4d_index(addr) << 3);
  }

  // --- Entry tests ------------------------------------------------------------
  // pgd_* test the entry that points to a p4d table (5 levels only), p4d_* the
  // entry that points to a pud table: constant when that level is folded.
  B pgd_none(const W& v) const override { return l5_and(v == W(0)); }
  B pgd_bad(const W& v) const override { return l5_and((v & W(2)) == W(0)); }
  B pgd_present(const W& v) const override { return lnot(pgd_none(v)); }
  B p4d_none(const W& v) const override { return l4_and(v == W(0)); }
  B p4d_bad(const W& v) const override { return l4_and((v & W(2)) == W(0)); }
  B p4d_present(const W& v) const override { return lnot(p4d_none(v)); }
  B pud_none(const W& v) const override {
    if (this->folded(Level::kPmd)) return B(false);  // pgtable-nopmd.h: pud_none() is 0
    return v == W(0);
  }
  B pud_bad(const W& v) const override {
    if (this->folded(Level::kPmd)) return B(false);
    return (v & W(PMD_TYPE_MASK)) != W(PMD_TYPE_TABLE);
  }
  B pud_present(const W& v) const override {
    if (this->folded(Level::kPmd)) return B(true);
    return pte_present(v);
  }
  B pud_leaf(const W& v) const override {
    if (this->folded(Level::kPmd)) return B(false);
    return land(pud_present(v), (v & W(PMD_TYPE_MASK)) != W(PMD_TYPE_TABLE));
  }
  B pmd_none(const W& v) const override { return v == W(0); }
  B pmd_bad(const W& v) const override { return (v & W(PMD_TYPE_MASK)) != W(PMD_TYPE_TABLE); }
  B pmd_present(const W& v) const override { return pte_present(v); }
  B pmd_leaf(const W& v) const override {
    return land(pmd_present(v), (v & W(PMD_TYPE_MASK)) != W(PMD_TYPE_TABLE));
  }
  // pte_valid() || pte_present_invalid() (PTE_PRESENT_INVALID is bit 59 in
  // 6.12 for non-valid entries; the harness never forms such entries).
  B pte_present(const W& v) const override { return (v & W(PTE_VALID)) != W(0); }

  W pgd_page_paddr(const W& v) const override { return __pte_to_phys(v); }
  W p4d_page_paddr(const W& v) const override { return __pte_to_phys(v); }
  W pud_page_paddr(const W& v) const override { return __pte_to_phys(v); }
  W pmd_page_paddr(const W& v) const override { return __pte_to_phys(v); }

  // --- Updates ----------------------------------------------------------------
  // swapper_pg_dir is read-only after boot: a set_pXd() that may be writing
  // one of its entries - any level that can be the pgd level - asks
  // in_swapper_pgdir() and writes through set_swapper_pgd() (the fixmap)
  // instead. set_pgd and set_p4d always ask, set_pud when pud is folded at
  // run time, set_pmd when pmd is folded at build time (__PAGETABLE_PMD_FOLDED).
  void set_pgd(const W& p, const W& v) override {
    if (!swapper_write(p, v)) env_.write(p, Level::kPgd, v);
  }
  void set_p4d(const W& p, const W& v) override {
    if (!swapper_write(p, v)) env_.write(p, Level::kP4d, v);
  }
  void set_pud(const W& p, const W& v) override {
    if (pgtable_l4_enabled() || !swapper_write(p, v)) env_.write(p, Level::kPud, v);
  }
  void set_pmd(const W& p, const W& v) override {
    if (cfg_.PGTABLE_LEVELS > 2 || !swapper_write(p, v)) env_.write(p, Level::kPmd, v);
  }
  void set_pte(const W& p, const W& v) override { env_.write(p, Level::kPte, v); }
  void pgd_clear(const W& p) override {
    if (pgtable_l5_enabled()) set_pgd(p, W(0));
  }
  void p4d_clear(const W& p) override {
    if (cfg_.PGTABLE_LEVELS > 3 && pgtable_l4_enabled()) set_p4d(p, W(0));
  }
  void pud_clear(const W& p) override {
    if (!this->folded(Level::kPmd)) set_pud(p, W(0));
  }
  void pmd_clear(const W& p) override { set_pmd(p, W(0)); }

  void pgd_populate(const Mm<W>& mm, const W& pgdp, const W& p4dp) override {
    if (cfg_.PGTABLE_LEVELS > 4 && pgtable_l5_enabled())
      set_pgd(pgdp, __phys_to_pte_val(env_.pa(p4dp)) | W(table_prot(mm)));
  }
  void p4d_populate(const Mm<W>& mm, const W& p4dp, const W& pudp) override {
    if (cfg_.PGTABLE_LEVELS > 3 && pgtable_l4_enabled())
      set_p4d(p4dp, __phys_to_pte_val(env_.pa(pudp)) | W(table_prot(mm)));
  }
  void pud_populate(const Mm<W>& mm, const W& pudp, const W& pmdp) override {
    if (cfg_.PGTABLE_LEVELS > 2 && pgtable_l3_enabled())
      set_pud(pudp, __phys_to_pte_val(env_.pa(pmdp)) | W(table_prot(mm)));
  }
  void pmd_populate(const Mm<W>& mm, const W& pmdp, const W& ptep) override {
    set_pmd(pmdp, __phys_to_pte_val(env_.pa(ptep)) | W(table_prot(mm)));
  }
  W mk_leaf(Level l, const W& pa) const override {
    const u64 type = l == Level::kPte ? PTE_TYPE_PAGE : PMD_TYPE_SECT;
    return __phys_to_pte_val(pa) | W(type | PTE_AF | (lpa2_is_enabled() ? 0 : PTE_SHARED));
  }
  // pgtable-prot.h: PTE_ATTRINDX [4:2], PTE_USER, PTE_RDONLY, PTE_SHARED
  // (PTE_MAYBE_SHARED: [9:8] are PA[51:50] under LPA2), PTE_AF, PTE_NG,
  // PTE_GP, PTE_DBM/PTE_WRITE, PTE_CONT, PTE_PXN, PTE_UXN and the software
  // bits [58:55] (PTE_DIRTY, PTE_SPECIAL, PTE_PRESENT_INVALID, ...).
  u64 leaf_prot_bits(Level /*l*/) const override {
    return genmask(4, 2) | (u64{1} << 6) | (u64{1} << 7) | PTE_MAYBE_SHARED() | PTE_AF | (u64{1} << 11) |
           genmask(54, 50) | genmask(58, 55);
  }

  // --- Output-address encoding (asm/pgtable.h, pgtable-hwdef.h) -------------
  u64 PTE_ADDR_LOW() const { return genmask(49, cfg_.PAGE_SHIFT); }
  u64 PTE_ADDR_HIGH() const { return cfg_.PAGE_SHIFT == 16 ? u64{0xf} << 12 : u64{3} << 8; }
  unsigned PTE_ADDR_HIGH_SHIFT() const { return cfg_.PAGE_SHIFT == 16 ? 36 : 42; }
  u64 PHYS_TO_PTE_ADDR_MASK() const {
    return cfg_.PAGE_SHIFT == 16 ? PTE_ADDR_LOW() | PTE_ADDR_HIGH() : genmask(49, 8);
  }
  u64 PTE_MAYBE_SHARED() const { return lpa2_is_enabled() ? 0 : PTE_SHARED; }
  W __pte_to_phys(const W& pte) const override {
    if (!cfg_.ARM64_PA_BITS_52) return pte & W(PTE_ADDR_LOW());
    W v = pte & W(~PTE_MAYBE_SHARED());
    return (v & W(PTE_ADDR_LOW())) | ((v & W(PTE_ADDR_HIGH())) << PTE_ADDR_HIGH_SHIFT());
  }
  W __phys_to_pte_val(const W& phys) const override {
    if (!cfg_.ARM64_PA_BITS_52) return phys;
    return (phys | (phys >> PTE_ADDR_HIGH_SHIFT())) & W(PHYS_TO_PTE_ADDR_MASK());
  }
  // PHYS_MASK_SHIFT: CONFIG_ARM64_PA_BITS with LPA2 active or on 64K with
  // 52-bit PA, else 48 (arch/arm64/include/asm/pgtable-hwdef.h).
  unsigned phys_mask_shift() const override {
    if (!cfg_.ARM64_PA_BITS_52) return 48;
    if (cfg_.ARM64_LPA2) return lpa2_is_enabled() ? 52 : 48;
    return 52;
  }

  // --- Hardware root (asm/pgtable.h phys_to_ttbr, assembler.h offset_ttbr1) --
  W phys_to_ttbr(const W& pa) const {
    if (!cfg_.ARM64_PA_BITS_52) return pa;
    return (pa | (pa >> 46)) & W(genmask(47, 2));
  }
  // TTBR1_BADDR_4852_OFFSET, ORed in when T1SZ is the VA_BITS_MIN value on a
  // VA_BITS_52 kernel without LPA2 (only 64K in current kernels).
  u64 ttbr1_offset() const {
    if (cfg_.VA_BITS != 52 || cfg_.ARM64_LPA2 || vabits_actual() != 48) return 0;
    const unsigned s = shift(Level::kPgd);
    return ((u64{1} << (52 - s)) - (u64{1} << (48 - s))) * 8;
  }
  W hw_root(const W& pgd_pa, bool upper) const override {
    W ttbr = phys_to_ttbr(pgd_pa);
    if (upper) ttbr = ttbr | W(ttbr1_offset());
    return ttbr;
  }

  // --- Allocation (pgd.c, pgalloc.h, asm-generic/pgalloc.h, tlb.h) ----------
  u64 pgd_alloc(Mm<W>& /*mm*/) override {
    if (pgdir_is_page_size()) return env_.get_free_page(Level::kPgd);
    return env_.pgd_cache_alloc(this->PGD_SIZE());
  }
  void pgd_free(Mm<W>& /*mm*/, u64 pgd) override {
    if (pgdir_is_page_size())
      env_.free_page(pgd, "pgd_free");
    else
      env_.pgd_cache_free(pgd);
  }
  // 5 levels only. 6.12 had get_zeroed_page() and free_page(), no p4d
  // constructor; Qi Zheng's series ("mm: pgtable: add statistics for P4D
  // level page table", v5 04/17) made them the generic __p4d_alloc_one() /
  // __p4d_free() with pagetable_p4d_ctor/dtor, NULL / nothing when folded.
  u64 p4d_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 5 || !pgtable_l5_enabled()) return 0;  // pgtable-nop4d.h: NULL
    return this->__pxd_alloc_one(Level::kP4d);
  }
  void p4d_free(Mm<W>& /*mm*/, u64 p4d) override {
    if (cfg_.PGTABLE_LEVELS < 5 || !pgtable_l5_enabled()) return;
    this->__pxd_free(Level::kP4d, p4d, "p4d_free");
  }
  // Generic __pud_alloc_one(): pagetable_alloc() + pagetable_pud_ctor().
  u64 pud_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 4) return 0;  // pgtable-nopud.h
    return this->__pxd_alloc_one(Level::kPud);
  }
  // 6.12 (fix 3137db4c66bf): return when folded, else the generic __pud_free().
  void pud_free(Mm<W>& mm, u64 pud) override {
    if (cfg_.PGTABLE_LEVELS < 4 || !pgtable_l4_enabled()) return;
    __pud_free(mm, pud);
  }
  void __pud_free(Mm<W>& /*mm*/, u64 pud) { this->__pxd_free(Level::kPud, pud, "pud_free"); }
  u64 pmd_alloc_one(Mm<W>& /*mm*/, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 3) return 0;  // pgtable-nopmd.h
    return this->__pxd_alloc_one(Level::kPmd);
  }
  // Generic pmd_free(); the RFC's arm64 pmd_free() returns when folded.
  void pmd_free(Mm<W>& /*mm*/, u64 pmd) override {
    if (cfg_.PGTABLE_LEVELS < 3 || !pgtable_l3_enabled()) return;
    this->__pxd_free(Level::kPmd, pmd, "pmd_free");
  }
  // pte_alloc_one_kernel() has no constructor; pte_alloc_one() (user) has.
  u64 pte_alloc_one(Mm<W>& mm) override { return this->__pte_alloc_one(mm); }
  void pte_free(Mm<W>& mm, u64 pte) override { this->__pte_free(mm, pte); }
  // The series' "arm64: pgtable: use mmu gather to free p4d level page
  // table" (v5 05/17): nothing when folded, else the destructor and the
  // gather - so the page outlives fast GUP walks (RCU table free) like every
  // other level. 6.12's define freed it at once: arm64-p4d-free-at-once.
  void __p4d_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 p4d, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 5 || !pgtable_l5_enabled()) return;
    this->__pxd_free_tlb(tlb, Level::kP4d, p4d);
  }
  void __pud_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pud, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 4 || !pgtable_l4_enabled()) return;
    this->__pxd_free_tlb(tlb, Level::kPud, pud);
  }
  void __pmd_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pmd, u64 /*addr*/) override {
    if (cfg_.PGTABLE_LEVELS < 3 || !pgtable_l3_enabled()) return;
    this->__pxd_free_tlb(tlb, Level::kPmd, pmd);
  }
  void __pte_free_tlb(MmuGather& tlb, Mm<W>& /*mm*/, u64 pte, u64 /*addr*/) override {
    this->__pxd_free_tlb(tlb, Level::kPte, pte);
  }

 protected:
  B l5_and(const B& b) const { return pgtable_l5_enabled() ? b : B(false); }
  B l4_and(const B& b) const { return pgtable_l4_enabled() ? b : B(false); }

  u64 table_prot(const Mm<W>& mm) const {
    return PMD_TYPE_TABLE | (mm.init_mm ? TABLE_UXN : TABLE_PXN);
  }

  // VM_BUG_ON(((addr >> SHIFT) ^ ((u64)ptr >> 3)) % PTRS_PER) from the
  // post-6.12 pgtable.h: `ptr` must have been indexed with `addr`.
  void folded_pointer_check(const char* helper, Level l, const W& ptr, const W& addr) {
    const u64 n = ptrs_per(l);
    if (n <= 1) return;
    W slot = ((addr >> shift(l)) ^ (ptr >> 3)) & W(n - 1);
    env_.bug_on(slot != W(0), helper, "incoming pointer was not indexed with addr");
  }

 private:
  // ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = (PAGE_SHIFT - 3) * (4 - n) + 3.
  unsigned hw_level_shift(int n) const {
    return (cfg_.PAGE_SHIFT - 3) * static_cast<unsigned>(4 - n) + 3;
  }
  // pgtable-hwdef.h (compile-time) or the RFC's ptg_init() (runtime).
  void init_geometry() {
    const unsigned s = cfg_.PAGE_SHIFT - 3;
    ptg_pgtable_levels_ = cfg_.ARM64_BOOT_TIME_PAGE_SIZE ? (vabits_actual() - 4) / s
                                                          : cfg_.PGTABLE_LEVELS;
    const unsigned lv = ptg_pgtable_levels_;
    shift_[0] = hw_level_shift(4 - static_cast<int>(lv));
    ptrs_[0] = u64{1} << (cfg_.VA_BITS - shift_[0]);
    for (int i = 1; i <= 3; ++i) {
      const unsigned need = static_cast<unsigned>(5 - i);
      if (lv > need) {
        shift_[i] = hw_level_shift(i - 1);
        ptrs_[i] = u64{1} << s;
      } else {
        shift_[i] = shift_[i - 1];
        ptrs_[i] = 1;
      }
    }
    shift_[4] = cfg_.PAGE_SHIFT;
    ptrs_[4] = u64{1} << s;
  }

  unsigned ptg_pgtable_levels_ = 4;
  unsigned shift_[kLevels] = {};
  u64 ptrs_[kLevels] = {};
  std::unique_ptr<BootHelpers> boot_;
  std::unique_ptr<MemoryHotplug> hotplug_;
};

// The boot helpers arm64 offers the fuzzers (targets/boot.h): the kpti level
// count and KVM's walk of user page tables.
template <class Env>
class Arm64BootHelpers final : public BootHelpers {
 public:
  explicit Arm64BootHelpers(const Arm64<u64, Env>& a) : a_(a) {}
  unsigned offers() const override { return kKptiNgLevels | kKvmUserWalk; }
  const char* helper_name(Offer o) const override {
    return o == kKptiNgLevels ? "__kpti_install_ng_mappings" : "get_user_mapping_size";
  }
  int kpti_ng_levels() const override { return a_.kpti_ng_levels(); }
  unsigned kvm_user_ia_bits() const override { return a_.kvm_user_ia_bits(); }
  int kvm_user_start_level() const override { return a_.kvm_user_start_level(); }

 private:
  const Arm64<u64, Env>& a_;
};

template <class W, class Env>
BootHelpers* Arm64<W, Env>::boot_helpers() {
  return lazy_boot_helpers<Arm64BootHelpers<Env>, W>(boot_, *this);
}

template <class W, class Env>
MemoryHotplug* Arm64<W, Env>::memory_hotplug() {
  if constexpr (std::is_same_v<W, u64> && EnvWarnOn<Env>) {
    if (!hotplug_) hotplug_ = std::make_unique<Arm64MemoryHotplug<Env>>(*this);
    return hotplug_.get();
  } else {
    return nullptr;
  }
}

}  // namespace ptfold::tgt::arm64
