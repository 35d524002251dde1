// The architecture-neutral shape of a hardware table walk, and the dispatcher
// that runs the right architecture's walk for a geometry. Templated over the
// word type (base/word.h) so the solver runs the same code symbolically.
#pragma once

#include "base/static_vec.h"
#include "base/word.h"
#include "reference/geometry.h"

namespace ptfold::ref {

enum class Fault {
  kNone,
  kRange,        // VA outside the half (arm64 translation fault L0, x86 #GP,
                 // RISC-V page fault before any read)
  kTranslation,  // invalid descriptor / not present / block where none allowed
  kAddressSize,  // table or output address at or above the OA size
  kReserved,     // reserved bits or encodings (x86 RSVD, RISC-V W&!R, ...)
  kMisaligned,   // RISC-V misaligned superpage
};
const char* fault_name(Fault f);

// One descriptor read by the hardware.
template <class W>
struct WalkStep {
  int hw = 0;     // index into Geometry::hw
  W index{0};     // the VA bits that index this table
  W table{0};     // physical base of the table read
  W entry{0};     // physical address of the descriptor read
  W desc{0};      // the descriptor
};

// Most hardware levels any walk reads (arm64 LPA2 4K: levels -1..3; x86 LA57
// and RISC-V Sv57: five), the capacity of WalkResult::steps.
inline constexpr int kMaxWalkSteps = 5;

template <class W>
struct WalkResult {
  Bool<W> in_range{};          // the range / canonical check passed
  StaticVec<WalkStep<W>, kMaxWalkSteps> steps;  // inline: no allocation per walk
  // Concrete walks only (W = u64): how the walk ended.
  Fault fault = Fault::kNone;
  int fault_hw = -1;           // hw index of the fault (-1: before any read)
  int leaf_hw = -1;            // hw index of the leaf descriptor
  u64 oa = 0;                  // output address on success
  u64 leaf_size = 0;
  bool ok() const { return fault == Fault::kNone && leaf_hw >= 0; }
};

// Whether a VA lies in a half: VA[63:ia] all zeros (lower) or all ones
// (upper). Every architecture's range or canonical check is this, with its
// own ia per half: arm64 ia = 64 - TxSZ, so bit ia-1 is *not* checked
// (Arm ARM D8, VMSAv8-64 translation); x86-64 and RISC-V ia = VA - 1, so bit
// VA-1 is (Intel SDM Vol. 3A §4.5; RISC-V privileged spec Sv39/Sv48/Sv57).
template <class W>
Bool<W> in_half(const Half& h, const W& va) {
  return (va >> h.ia) == W(h.upper ? (~u64{0} >> h.ia) : 0);
}

// Memory the hardware reads: `W read64(const W& pa, int hw_index)`.
// `hw_index` is a hint for symbolic memories; concrete memory ignores it.
//
// Walk modes: a concrete walk follows descriptors and stops at a leaf or a
// fault. A *table walk* (tables_only = true) reads one descriptor per level
// and always follows it as a table pointer; the solver uses it with memories
// that hold table descriptors, to compare entry addresses level by level.
struct WalkOptions {
  bool tables_only = false;
};

}  // namespace ptfold::ref
