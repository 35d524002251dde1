// arm64 bug variants: each a minimal override of one upstream helper that
// re-creates a historical bug or hazard (docs/bugs.md).
#pragma once

#include "targets/arm64/arm64.h"

namespace ptfold::tgt::arm64 {

// ZOO-01, seed bug A: 0dd4f60a2c76 (linux-next de701dc1f7f8) gave pud_free()
// its own body that frees with free_page() and skips pagetable_pud_dtor().
// Fixed by 3137db4c66bf ("Use generic __pud_free() helper").
template <class W, class Env>
class PudFreeNoDtor : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  void pud_free(Mm<W>& /*mm*/, u64 pud) override {
    if (this->cfg_.PGTABLE_LEVELS < 4 || !this->pgtable_l4_enabled()) return;
    this->env_.bug_on(Bool<W>((pud & (this->PAGE_SIZE() - 1)) != 0), "pud_free",
                      "pud not page aligned");
    this->env_.free_page(pud, "pud_free");
  }
};

// ZOO-02, seed bug B: boot-time page size (RFC) keeping the 6.12 LPA2
// round-down in the folded helpers, while pgd_alloc() hands out sub-page
// pgd_cache objects (64K pages, 48-bit VA: a 64-entry, 512-byte pgd).
template <class W, class Env>
class BootRounddown : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  W pgd_to_folded_p4d(const W& pgdp, const W& addr) override {
    return align_down(pgdp, this->PAGE_SIZE()) + (this->p4d_index(addr) << 3);
  }
  W p4d_to_folded_pud(const W& p4dp, const W& addr) override {
    return align_down(p4dp, this->PAGE_SIZE()) + (this->pud_index(addr) << 3);
  }
};

// Seed bug B's class on the LPA2 family: pgdir_is_page_size() without its
// folded-level rule (arch/arm64/mm/pgd.c: "a level folded at run time still
// needs a whole page, the folded helpers index it from the page start").
// When the CPU lacks LPA2/LVA the pgd becomes a sub-page pgd_cache object
// (4K/52: 16 entries, 128 bytes) while pgd_to_folded_p4d() still adds
// p4d_index() to the page start: entries outside the object.
template <class W, class Env>
class PgdirPageSizeNoFold : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  bool pgdir_is_page_size() const override { return this->PGD_SIZE() == this->PAGE_SIZE(); }
};

// LPA2-style geometry whose folded helpers return the incoming pointer
// unchanged (the RFC's helper without the RFC's runtime shifts): pgd_index()
// still uses the compile-time 52-bit view, so the pointer is the wrong slot.
template <class W, class Env>
class FoldCast : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  W pgd_to_folded_p4d(const W& pgdp, const W& /*addr*/) override { return pgdp; }
  W p4d_to_folded_pud(const W& p4dp, const W& /*addr*/) override { return p4dp; }
};

// __phys_to_pte_val() without the PA[51:50] -> bits [9:8] move under DS=1
// (the pre-LPA2 encoding on an LPA2 kernel).
template <class W, class Env>
class DescriptorDs : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  W __phys_to_pte_val(const W& phys) const override {
    if (!this->cfg_.ARM64_PA_BITS_52) return phys;
    if (this->cfg_.PAGE_SHIFT == 16)
      return (phys | (phys >> this->PTE_ADDR_HIGH_SHIFT())) & W(this->PHYS_TO_PTE_ADDR_MASK());
    return phys & W(this->PHYS_TO_PTE_ADDR_MASK());
  }
};

// ZOO-04: before 36639013b346 ("Fix lockless walks with static and dynamic
// page-table folding"), arm64 used the generic p4d_offset_lockless() of
// pgtable-nop4d, which returns &pgd - the caller's on-stack copy - and the
// runtime-folded p4d_to_folded_pud() then re-aligned that stack pointer.
template <class W, class Env>
class LocklessStackcopy : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  W p4d_offset_lockless_folded(const W& /*pgdp*/, const W& pgd, const W& addr) override {
    return this->p4d_offset(pgd, addr);
  }
};

// A hazard the comment above arm64's p4d_offset_lockless_folded() names:
// a lockless helper must build the next pointer from the caller's copy,
// which the walk checked, not from the live entry, which another CPU may
// have cleared since. This 5-level p4d_offset_lockless() re-reads *pgdp
// (p4d_offset(pgdp, addr) where the copy should be used). Without a
// concurrent writer the live entry equals the copy and every check passes;
// with one (gup-race), the walk descends through the cleared entry.
template <class W, class Env>
class LocklessReread : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  W p4d_offset_lockless(const W& pgdp, const W& pgd, const W& addr) override {
    if (this->cfg_.PGTABLE_LEVELS < 5 || !this->pgtable_l5_enabled()) return Arm64<W, Env>::p4d_offset_lockless(pgdp, pgd, addr);
    return this->env_.va(this->pgd_page_paddr(this->env_.read(pgdp, Level::kPgd))) + (this->p4d_index(addr) << 3);
  }
};

// ZOO-03: set_pud() before 90e636f60b76 ("arm64: mm: Make PUD folding
// check in set_pud() a runtime check", v6.9) took the swapper_pg_dir detour
// only under __PAGETABLE_PUD_FOLDED, i.e. CONFIG_PGTABLE_LEVELS <= 3. Where
// pud is folded at run time (16K/52 without LPA2) pud entries are
// swapper_pg_dir entries, and a kernel mapping writes them in place - into
// read-only memory.
template <class W, class Env>
class SetPudBuildtimeFold : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  void set_pud(const W& p, const W& v) override {
    if (this->cfg_.PGTABLE_LEVELS > 3 || !this->swapper_write(p, v)) this->env_.write(p, Level::kPud, v);
  }
};

// ZOO-20: get_user_mapping_size() before 95e059b5db60 ("arm64: kvm: avoid
// CONFIG_PGTABLE_LEVELS for runtime levels", LPA2 series, v6.9): the walk of
// the VMM's page tables started at KVM_PGTABLE_MAX_LEVELS -
// CONFIG_PGTABLE_LEVELS, one level above the hardware's where the top level
// is folded at run time.
template <class W, class Env>
class KvmBuildtimeLevels : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  int kvm_user_start_level() const override { return 4 - static_cast<int>(this->cfg_.PGTABLE_LEVELS); }
};

// ZOO-21: __kpti_install_ng_mappings() passing CONFIG_PGTABLE_LEVELS as it
// did before runtime folding; the LPA2 series (most likely 2b6c8f96cc47,
// "arm64: mm: add LPA2 and 5 level paging support to G-to-nG conversion";
// not verified) lowers it by one where the top level is folded at run time.
// The rewrite would walk swapper_pg_dir with one level too many.
template <class W, class Env>
class KptiBuildtimeLevels : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  int kpti_ng_levels() const override { return static_cast<int>(this->cfg_.PGTABLE_LEVELS); }
};

// ZOO-13: memory hot-add before 58284a901b42 ("arm64/mm: Validate hotplug
// range before creating linear mapping"): arm64 had no check of the new
// range against the linear map - here, no arch_get_mappable_range(), so mm's
// __weak fallback (every address) applies. With VA_BITS 52 on 48-bit
// hardware the linear map starts at _PAGE_OFFSET(vabits_actual), not at
// PAGE_OFFSET, and memory below __pa() of that start is mapped where the
// hardware cannot reach. Hot-add arrived with 4ab215061554.
template <class W, class Env>
class HotplugUnchecked : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  PhysRange arch_get_mappable_range(u64 phys_offset) override {
    return LinuxPageTable<W, Env>::arch_get_mappable_range(phys_offset);
  }
};

// ZOO-14: the check 58284a901b42 added, before ee7febce0519 ("arm64: mm:
// correct the inside linear map boundaries during hotplug check"): no
// clamp of a start that KASLR made wrap above the end, so every range is
// refused although [0, end] is inside the linear map.
template <class W, class Env>
class HotplugKaslrWrap : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  PhysRange arch_get_mappable_range(u64 phys_offset) override { return this->linear_pa_range(phys_offset); }
};

// Hazard (class C1 at hot-remove): free_empty_p4d_table() as the LPA2
// series wrote it - pgtable_range_aligned(), the scan of PTRS_PER_P4D
// entries, pgd_clear(), free_hotplug_pgtable_page() - without its
// !pgtable_l5_enabled() early return. Where p4d is folded its "table" is
// the pgd page: hot-remove clears a live pgd entry and frees the pgd -
// wherever pgtable_range_aligned() lets the free through, i.e. where the
// linear map fills whole pgd entries (4K/48, 16K/48, 16K/52 with LPA2; not
// 4K/39, 64K/42 or the runtime-folded 4K/52 without LPA2).
template <class W, class Env>
class HotplugP4dNoGuard : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  bool hotplug_level_folded(Level l) const override {
    return l != Level::kP4d && Arm64<W, Env>::hotplug_level_folded(l);
  }
};

// Bug-zoo ZOO-15: 6.12's `#define __p4d_free_tlb(tlb, p4d, addr)
// p4d_free((tlb)->mm, p4d)` - the p4d page freed at once in free_pgtables(),
// not queued in the mmu_gather: no RCU-delayed free for a fast GUP walk that
// may still reach it. With the upstream model's p4d_free() (destructor
// included) this is the series between its patches 04 and 05, which kept the
// define; 05 queues the page. Shows where p4d is a real level: 4K/52 with
// LPA2.
template <class W, class Env>
class P4dFreeAtOnce : public Arm64<W, Env> {
 public:
  using Arm64<W, Env>::Arm64;
  void __p4d_free_tlb(MmuGather& /*tlb*/, Mm<W>& mm, u64 p4d, u64 /*addr*/) override {
    if (this->cfg_.PGTABLE_LEVELS < 5) return;
    this->p4d_free(mm, p4d);
  }
};

}  // namespace ptfold::tgt::arm64
