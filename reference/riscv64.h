// RISC-V Sv39 / Sv48 / Sv57 walk, written from the RISC-V privileged
// spec's Sv39/Sv48/Sv57 virtual-memory sections: satp
// (MODE, PPN), the sign-extension rule, VPN[i] = VA[12+9i+8 : 12+9i], PPN in
// PTE bits [53:10], pointer versus leaf PTEs, reserved bits and encodings,
// and superpage alignment.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "base/word.h"
#include "reference/geometry.h"
#include "reference/walk.h"

namespace ptfold::ref::riscv64 {

// satp.MODE values (privileged spec, satp).
inline constexpr unsigned kModeBare = 0;
inline constexpr unsigned kModeSv39 = 8;
inline constexpr unsigned kModeSv48 = 9;
inline constexpr unsigned kModeSv57 = 10;

// PTE bits (privileged spec, Sv39).
inline constexpr u64 kV = u64{1} << 0;
inline constexpr u64 kR = u64{1} << 1;
inline constexpr u64 kW = u64{1} << 2;
inline constexpr u64 kX = u64{1} << 3;
inline constexpr u64 kU = u64{1} << 4;
inline constexpr u64 kA = u64{1} << 6;
inline constexpr u64 kD = u64{1} << 7;

// LEVELS for a satp mode: Sv39 3, Sv48 4, Sv57 5; 0 for anything else.
constexpr unsigned levels_of_mode(unsigned mode) {
  return mode == kModeSv39 ? 3 : mode == kModeSv48 ? 4 : mode == kModeSv57 ? 5 : 0;
}
// VA bits translated: 39, 48, 57.
constexpr unsigned va_bits_of_mode(unsigned mode) { return 12 + 9 * levels_of_mode(mode); }

// Sv39/Sv48/Sv57: level LEVELS-1 (root) down to 0, each VA[12+9i+8 : 12+9i], 512 entries.
std::vector<HwLevel> hw_levels(const HwConfig& c);

// satp WARL: writing an unsupported MODE leaves satp unchanged. A CPU whose
// best mode is `max_mode` supports every mode from Sv39 up to it (Sv57
// implies Sv48 implies Sv39), and Bare.
u64 satp_write(u64 old_satp, u64 new_satp, unsigned max_mode);

// satp: root table address = satp.PPN[43:0] x 4096.
template <class W>
W root_base(const W& satp) {
  return (satp & W(genmask(43, 0))) << 12;
}

// Sv39/Sv48/Sv57: the PPN field [53:10] as a physical address (PPN x 4096).
template <class W>
W pte_address(const W& pte) {
  return ((pte >> 10) & W(genmask(43, 0))) << 12;
}

// The walk from `satp` for an address in `half`. The walk shape comes from
// the geometry's satp mode (the CPU state); a concrete walk also requires
// satp.MODE to name that mode. Concrete words decode PTEs; with
// opt.tables_only every level is read as a pointer (the solver's comparison).
template <class W, class Mem>
WalkResult<W> walk_half(const Geometry& geo, const Half& half, const W& va, const W& satp,
                        Mem& mem, WalkOptions opt = {}) {
  const HwConfig& c = geo.hwc;
  constexpr bool kConcrete = std::is_same_v<W, u64>;
  WalkResult<W> r;
  r.in_range = in_half(half, va);  // Sv39/Sv48/Sv57 sign-extension rule
  if constexpr (kConcrete) {
    if ((satp >> 60) != c.satp_mode) {
      // The kernel programmed a mode other than the one this CPU runs: with
      // WARL it would not have taken effect; no table walk happens.
      r.fault = Fault::kReserved;
      return r;
    }
    if (!r.in_range) {  // page fault before any PTE is read
      r.fault = Fault::kRange;
      return r;
    }
  }
  W a = root_base(satp);
  for (size_t k = 0; k < geo.hw.size(); ++k) {
    const HwLevel& hl = geo.hw[k];
    WalkStep<W> st;
    st.hw = static_cast<int>(k);
    st.index = bits(va, hl.hi, hl.lo);
    st.table = a;
    st.entry = a + (st.index << 3);
    st.desc = mem.read64(st.entry, st.hw);
    r.steps.push_back(st);
    if (opt.tables_only) {
      a = pte_address(st.desc);
      continue;
    }
    if constexpr (kConcrete) {
      const u64 p = st.desc;
      const int i = hl.arch_level;
      auto fault = [&](Fault f) {
        r.fault = f;
        r.fault_hw = st.hw;
        return r;
      };
      if ((p & kV) == 0) return fault(Fault::kTranslation);
      if ((p & kW) && !(p & kR)) return fault(Fault::kReserved);  // W without R
      // Bits [60:54] reserved; PBMT [62:61] and N [63] reserved too: the
      // modelled CPU has neither Svpbmt nor Svnapot.
      if ((p & genmask(63, 54)) != 0) return fault(Fault::kReserved);
      if ((p & (kR | kX)) == 0) {
        // Pointer to the next level. D, A, U are reserved in non-leaf PTEs.
        if ((p & (kD | kA | kU)) != 0) return fault(Fault::kReserved);
        if (i == 0) return fault(Fault::kTranslation);  // no level below 0
        a = pte_address(p);
        continue;
      }
      // Leaf at level i: a superpage when i > 0; PPN[i-1:0] (PTE bits
      // [10+9i-1 : 10]) must be zero.
      const unsigned n = hl.lo;  // 12 + 9i
      if (i > 0 && (p & genmask(10 + 9 * static_cast<unsigned>(i) - 1, 10)) != 0)
        return fault(Fault::kMisaligned);
      r.leaf_hw = st.hw;
      r.oa = (pte_address(p) & ~genmask(n - 1, 0)) | (va & genmask(n - 1, 0));
      r.leaf_size = u64{1} << n;
      return r;
    }
  }
  return r;
}

}  // namespace ptfold::ref::riscv64
