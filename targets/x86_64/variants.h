// x86-64 bug variants: each a minimal override of one upstream helper that
// re-creates a historical bug (docs/bugs.md).
#pragma once

#include "targets/x86_64/x86_64.h"

namespace ptfold::tgt::x86_64 {

// ZOO-10: before f3176ec9420d ("x86/kasan: Fix boot with 5-level paging and
// KASAN"), early_p4d_offset() applied __pa_nodebug() to pgd_val(), which is
// already physical. PTE_PFN_MASK hid the stray bits until d52888aa2753 moved
// PAGE_OFFSET to 0xff11000000000000; only LA57 reaches the arithmetic.
template <class W, class Env>
class KasanEarlyP4d : public X86_64<W, Env> {
 public:
  using X86_64<W, Env>::X86_64;
  using typename X86_64<W, Env>::EarlyLayout;
  W early_p4d_offset(const W& pgdp, const W& addr, const EarlyLayout& lay) override {
    if (!this->pgtable_l5_enabled()) return pgdp;
    W p4d = this->__pa_nodebug(this->env_.read(pgdp, Level::kPgd), lay) & W(PTE_PFN_MASK);
    p4d = p4d + (W(this->__START_KERNEL_map) - lay.phys_base);
    return p4d + (this->p4d_index(addr) << 3);
  }
};

// ZOO-16: before 81c7ed296dcd ("x86/boot/64: Fix crash if kernel image
// crosses page table boundary"), `i + (physaddr >> PMD_SHIFT) % PTRS_PER_PMD`
// wrapped before the add (precedence), and the P4D/PUD "i + 1" slots were
// not wrapped at all: an image across a 1 GiB (PMD), 512 GiB (PUD) or, with
// LA57, 256 TiB (P4D) boundary writes past its table into the next one.
template <class W, class Env>
class StartupIndexWrap : public X86_64<W, Env> {
 public:
  using X86_64<W, Env>::X86_64;
  u64 startup_p4d_slot(u64 physaddr, u64 k) const override { return (physaddr >> 39) % 512 + k; }
  u64 startup_pud_slot(u64 physaddr, u64 k) const override { return (physaddr >> 30) % 512 + k; }
  u64 startup_pmd_slot(u64 physaddr, u64 i) const override { return i + (physaddr >> 21) % 512; }
};

// A walk-level mutant: pgd_offset() of a CONFIG_X86_5LEVEL build indexing the
// pgd with the 5-level PGDIR_SHIFT (48) whatever the CPU - the compile-time
// constant PGDIR_SHIFT was before boot-time 5-level paging (v4.17) made it
// the variable pgdir_shift. On a CPU without LA57 the hardware's root is the
// PML4, indexed by VA[47:39].
template <class W, class Env>
class PgdirShiftBuildtime : public X86_64<W, Env> {
 public:
  using X86_64<W, Env>::X86_64;
  W pgd_offset_pgd(const W& pgd, const W& addr) override {
    if (!this->cfg_.X86_5LEVEL) return X86_64<W, Env>::pgd_offset_pgd(pgd, addr);
    return pgd + (((addr >> 48) & W(511)) << 3);
  }
};

}  // namespace ptfold::tgt::x86_64
