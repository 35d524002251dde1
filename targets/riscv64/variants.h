// RISC-V bug variants: each a minimal override of one upstream helper that
// re-creates a historical bug (spec/bug-zoo.md).
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

}  // namespace ptfold::tgt::riscv64
