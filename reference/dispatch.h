// Runs the walk of a geometry's architecture: the single entry point the
// harness, solver and fuzzers use, so new architectures need no new call sites.
#pragma once

#include <stdexcept>

#include "reference/arm64.h"
#include "reference/geometry.h"
#include "reference/riscv64.h"
#include "reference/walk.h"
#include "reference/x86_64.h"

namespace ptfold::ref {

// The walk for an address in half `half` from the root register value `root`
// (TTBRn_EL1, CR3, satp).
template <class W, class Mem>
WalkResult<W> walk_half(const Geometry& g, int half, const W& va, const W& root, Mem& mem,
                        WalkOptions opt = {}) {
  const Half& h = g.halves.at(static_cast<size_t>(half));
  switch (g.arch) {
    case Arch::kArm64:
      return arm64::walk_half(g, h, va, root, mem, opt);
    case Arch::kX86_64:
      return x86_64::walk_half(g, h, va, root, mem, opt);
    case Arch::kRiscv64:
      return riscv64::walk_half(g, h, va, root, mem, opt);
  }
  throw std::logic_error("reference: no walk for the architecture of " + g.name);
}

// The next-level table address the architecture decodes from a table
// descriptor (arm64: Arm ARM D8, x86: SDM Vol. 3A §4.5, RISC-V: Sv39/Sv48/Sv57).
template <class W>
W next_table_address(const Geometry& g, const W& desc) {
  switch (g.arch) {
    case Arch::kArm64:
      return arm64::next_table_address(g.hwc, desc);
    case Arch::kX86_64:
      return x86_64::next_table_address(g.hwc, desc);
    case Arch::kRiscv64:
      return riscv64::pte_address(desc);
  }
  throw std::logic_error("reference: no descriptor decoding for the architecture of " + g.name);
}

// Which half a concrete address selects (arm64: VA[55]; x86/RISC-V: the top
// bit). Returns -1 for none (non-canonical on x86/RISC-V is still "upper" or
// "lower" by its top bit; the walk's range check then faults).
inline int half_of(const Geometry& g, u64 va) {
  const bool upper = g.arch == Arch::kArm64 ? ((va >> 55) & 1) != 0 : (va >> 63) != 0;
  for (size_t i = 0; i < g.halves.size(); ++i)
    if (g.halves[i].upper == upper) return static_cast<int>(i);
  return -1;
}

}  // namespace ptfold::ref
