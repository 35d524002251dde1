// One address explained: build the tables for a VA with a variant's helpers,
// then put the Linux walk (helper, index, entry offset per generic level) next
// to the hardware walk (level, index, entry offset) and report the first
// level where they part. Behind `ptfold walk` and the solver's concrete replay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/compare.h"
#include "harness/linux_view.h"
#include "reference/dispatch.h"
#include "reference/geometry.h"
#include "reference/walk.h"
#include "targets/variants.h"

namespace ptfold::harness {

struct ExplainOptions {
  // Where a sub-page pgd object sits in its slab page (bytes; rounded to the
  // object size). Default: the middle of the page, where a slab would put a
  // later object.
  std::optional<u64> pgd_offset;
  // Added to host addresses to form physical ones (default: the geometry's
  // test offset, above 2^50 where descriptors carry PA[51:48]).
  std::optional<u64> phys_offset;
};

struct ExplainedLinuxLevel {
  tgt::Level level = tgt::Level::kPgd;
  std::string helper;       // "pgd_offset", "p4d_offset", ...
  Fold fold = Fold::kNone;
  std::string how;          // how a folded level computes its entry
  u64 index = 0;            // pXd_index(addr)
  u64 ptrs = 0;             // PTRS_PER_PXD
  unsigned shift = 0;       // PXD_SHIFT
  u64 entry_va = 0;         // the pointer Linux computed
  u64 entry_pa = 0;
  int hw = 0;               // hardware table this level's entry lives in
  bool reads_hw = false;    // the hardware reads this level's entry
};

struct ExplainedHwLevel {
  std::string name;  // "L0", "PML4", ...
  u64 index = 0;
  u64 entries = 0;
  unsigned lo = 0, hi = 0;
  u64 table = 0;     // physical base
  u64 entry = 0;     // physical entry address
  u64 desc = 0;
};

struct Explained {
  std::string geometry, variant;
  u64 va = 0;
  int half = -1;
  std::string half_name;
  u64 pgd_va = 0, pgd_pa = 0, root = 0, root_base = 0;
  u64 phys_offset = 0;
  std::vector<ExplainedLinuxLevel> levels;  // Linux's side, pgd first
  PgdAlloc pgd_alloc = PgdAlloc::kPage;     // from the LinuxView
  u64 pgd_alloc_bytes = 0;
  std::vector<ExplainedHwLevel> hw;
  ref::Fault fault = ref::Fault::kNone;
  int fault_hw = -1;
  u64 oa = 0;
  u64 leaf_pa = 0;            // what Linux mapped
  int first_mismatch = -1;    // hw level index where the entry addresses differ
  std::string error;          // an environment report (BUG_ON, wild access, ...)
  bool agrees() const { return first_mismatch < 0 && error.empty() && fault == ref::Fault::kNone && oa == leaf_pa; }
};

// The half of g that holds va, recorded in e (half, half_name); throws
// std::invalid_argument naming every half's range when none holds it.
const ref::Half& explain_half(const ref::Geometry& g, u64 va, Explained& e);

// The Linux walk of va from the pgd at `pgd` next to the hardware walk from
// e.root, recorded in e: each level's entry address, the hardware levels,
// fault, output address and the first level where the two disagree. `mem`
// is the environment the tables live in (pa() and the reference's read64()).
template <class Env, class Mem>
void explain_walks(const ref::Geometry& g, const LinuxView& view, tgt::LinuxPageTable<u64, Env>& t,
                   Mem& mem, u64 pgd, u64 va, Explained& e) {
  const LinuxWalk<u64> lw = linux_walk(t, pgd, va);
  for (size_t i = 0; i < e.levels.size(); ++i) {
    e.levels[i].entry_va = lw.ptr[i];
    e.levels[i].entry_pa = mem.pa(lw.ptr[i]);
  }
  const ref::WalkResult<u64> hw = ref::walk_half(g, e.half, va, e.root, mem);
  for (const ref::WalkStep<u64>& st : hw.steps) {
    const ref::HwLevel& hl = g.hw[st.hw];
    e.hw.push_back({hl.name, st.index, hl.entries, hl.lo, hl.hi, st.table, st.entry, st.desc});
  }
  if (!hw.steps.empty()) e.root_base = hw.steps.front().table;
  e.fault = hw.fault;
  e.fault_hw = hw.fault_hw;
  e.oa = hw.oa;
  for (const auto& c : compare_levels(view, t, lw, hw))
    if (!c.equal) {
      e.first_mismatch = c.hw;
      break;
    }
}

// Throws std::invalid_argument for a VA outside every half of the geometry.
Explained explain_walk(const tgt::VariantInfo& v, const ref::Geometry& g, u64 va,
                       const ExplainOptions& opt = {});

}  // namespace ptfold::harness
