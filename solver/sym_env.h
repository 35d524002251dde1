// The symbolic environment: the Env contract of targets/linux.h and the Mem
// contract of reference/walk.h over smt::BV, so one Linux model and one
// reference walk run over the same symbolic tables.
//
// Memory is not modelled cell by cell. The entry in hardware table i (any
// entry: the walk reads exactly one per table) holds a table descriptor for
// a fresh, page-aligned table base T[i+1], built by the Linux model's *own*
// pXd_populate() (the level that owns entries of table i). Both walks read
// that same descriptor and decode it their own way, so they agree until the
// first level whose entry *addresses* differ - which is what the walk
// obligation reports.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/linux_view.h"
#include "reference/geometry.h"
#include "solver/smt.h"
#include "targets/linux.h"

namespace ptfold::solver {

class SymEnv {
 public:
  using W = smt::BV;
  using Target = tgt::LinuxPageTable<W, SymEnv>;

  // `linear_offset`: __va(pa) = pa + linear_offset (a constant linear map).
  SymEnv(const ref::Geometry& g, const harness::LinuxView& view, u64 linear_offset);

  // Binds the model that encodes descriptors; `init_mm` chooses the kernel
  // (UXN) or user (PXN) table attributes pXd_populate() adds. Creates the
  // tables: page aligned and below 2^pa_bits by construction
  // (T = fresh & GENMASK(pa_bits - 1, PAGE_SHIFT)).
  void attach(Target* t, bool init_mm, unsigned pa_bits);

  u64 linear_offset() const { return linear_offset_; }
  // T[i]: the physical base of hardware table i for i >= 1 (T[0] is unused:
  // the root is the pgd). T[hw.size()] is the leaf page's base.
  const std::vector<W>& tables() const { return tables_; }
  // The descriptor every entry of hardware table `hw` holds.
  const W& descriptor(int hw);
  // The table descriptor Linux writes into an entry of hardware table `hw`
  // for a next-level table at physical address `child_pa`
  // (pXd_populate() of the level owning that table's entries).
  W table_descriptor(int hw, const W& child_pa);

  // --- tgt Env contract ------------------------------------------------------
  W read(const W& /*ptr*/, tgt::Level lvl);
  void write(const W& ptr, tgt::Level lvl, const W& v);
  W pa(const W& v) const { return v - W(linear_offset_); }
  W va(const W& p) const { return p + W(linear_offset_); }
  void bug_on(const smt::Bool& cond, const char* helper, const char* what);
  // Allocation and freeing run concretely only (linux.h): reaching them here
  // is a harness bug, not a finding.
  [[noreturn]] u64 get_free_page(tgt::Level) { unsupported("get_free_page"); }
  [[noreturn]] void free_page(u64, const char*) { unsupported("free_page"); }
  [[noreturn]] u64 get_free_pages(tgt::Level, unsigned) { unsupported("get_free_pages"); }
  [[noreturn]] void free_pages(u64, unsigned, const char*) { unsupported("free_pages"); }
  [[noreturn]] void pagetable_ctor(u64, tgt::Level) { unsupported("pagetable_ctor"); }
  [[noreturn]] void pagetable_dtor(u64, tgt::Level) { unsupported("pagetable_dtor"); }
  [[noreturn]] u64 pgd_cache_alloc(u64) { unsupported("pgd_cache_alloc"); }
  [[noreturn]] void pgd_cache_free(u64) { unsupported("pgd_cache_free"); }
  [[noreturn]] void tlb_remove_ptdesc(tgt::MmuGather&, u64, tgt::Level) {
    unsupported("tlb_remove_ptdesc");
  }

  // --- reference Mem contract --------------------------------------------------
  W read64(const W& /*pa*/, int hw) { return descriptor(hw); }

  // BUG_ON / VM_BUG_ON conditions the helpers evaluated, in order.
  struct BugOn {
    smt::Bool cond;
    std::string helper, what;
  };
  std::vector<BugOn> take_bug_ons();

 private:
  [[noreturn]] static void unsupported(const char* what) {
    throw std::logic_error(std::string("solver: ") + what +
                           " reached in a symbolic run (allocation paths are concrete only)");
  }

  const ref::Geometry& g_;
  const harness::LinuxView& view_;
  u64 linear_offset_;
  Target* t_ = nullptr;
  bool init_mm_ = false;
  std::vector<W> tables_;
  std::vector<std::optional<W>> desc_;
  std::vector<BugOn> bug_ons_;
  // pXd_populate() capture: set while table_descriptor() runs.
  bool capturing_ = false;
  std::optional<W> captured_;
};

// The walk hooks over the symbolic word; the allocation hooks (stubs above)
// and order-1 pages only so that the models' concrete allocation paths,
// which every instantiation carries, compile.
static_assert(tgt::EnvWalk<SymEnv, smt::BV>);
static_assert(tgt::LinuxEnv<SymEnv, smt::BV> && tgt::EnvHigherOrderPages<SymEnv>);

}  // namespace ptfold::solver
