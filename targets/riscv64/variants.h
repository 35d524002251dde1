// RISC-V bug variants: each a minimal override of one upstream helper that
// re-creates a historical bug (docs/bugs.md).
#pragma once

#include "targets/riscv64/riscv64.h"

namespace ptfold::tgt::riscv64 {

// ZOO-11: before d5fdade9331f ("RISC-V: mm: Fix set_satp_mode() for
// platform not having Sv57"; fixes 011f09d12052), the Sv48 retry reused
// early_pg_dir still holding the Sv57 entry: create_pgd_mapping() keeps a
// non-empty slot, so the Sv48 walk runs through the Sv57 p4d table.
template <class W, class Env>
class SatpStalePgdir : public Riscv64<W, Env> {
 public:
  using Riscv64<W, Env>::Riscv64;
  void set_satp_mode_before_retry(u64 /*early_pg_dir*/) override {}
};

// ZOO-12: before c25a6dddc62c ("KVM: RISC-V: Fix wrong usage of PGDIR_SIZE
// to check page sizes"; fixes 9d05c1fee837), the G-stage map compared the
// VMA page size with PGDIR_SIZE, which is 1 GiB only on Sv39.
template <class W, class Env>
class KvmPgdirSize : public Riscv64<W, Env> {
 public:
  using Riscv64<W, Env>::Riscv64;
  bool gstage_block_size(u64 vma_pagesize) const override {
    return vma_pagesize == this->PMD_SIZE || vma_pagesize == this->PGDIR_SIZE();
  }
};

// A walk-level mutant: pgd_offset() indexing with Sv48's PGDIR_SHIFT (39) on
// an Sv39 CPU - the pgd-level shift not following the runtime fold of pud
// (asm/pgtable-64.h: PGDIR_SHIFT is 30 once pgtable_l4_enabled is false).
template <class W, class Env>
class Sv39PgdirShift : public Riscv64<W, Env> {
 public:
  using Riscv64<W, Env>::Riscv64;
  W pgd_offset_pgd(const W& pgd, const W& addr) override {
    if (this->pgtable_l4_enabled()) return Riscv64<W, Env>::pgd_offset_pgd(pgd, addr);
    return pgd + (((addr >> 39) & W(511)) << 3);
  }
};

}  // namespace ptfold::tgt::riscv64
