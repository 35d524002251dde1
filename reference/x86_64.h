// x86-64 4-level and 5-level paging walk, written from the Intel SDM
// Vol. 3A §4.5 "4-level and 5-level paging":
// the canonical check, CR3 root, 9 index bits per level, PS leaves at PDPT
// (1 GiB, with PDPE1GB) and PD (2 MiB), address bits [M-1:12] with
// M = MAXPHYADDR, and the reserved-bit rules.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "base/word.h"
#include "reference/geometry.h"
#include "reference/walk.h"

namespace ptfold::ref::x86_64 {

// Entry bits (SDM Vol. 3A §4.5).
inline constexpr u64 kP = u64{1} << 0;    // present
inline constexpr u64 kPs = u64{1} << 7;   // page size (PDPT/PD); reserved in PML5E/PML4E

// SDM §4.5: PML5 (5-level only), PML4, PDPT, PD, PT; 512 entries each.
// arch_level counts the tables from the leaf: PT 1, PD 2, PDPT 3, PML4 4, PML5 5.
std::vector<HwLevel> hw_levels(const HwConfig& c);

// VA bits one table level resolves: VA[lo+8:lo], lo = 12 + 9 * (arch_level - 1).
constexpr unsigned level_lo(int arch_level) { return 12 + 9 * static_cast<unsigned>(arch_level - 1); }

// SDM §4.5: the root is CR3[M-1:12]; PCID / PWT / PCD in [11:0] and the no-flush
// hint in bit 63 are not address bits.
template <class W>
W root_base(const HwConfig& c, const W& cr3) {
  return cr3 & W(genmask(c.oa_bits - 1, 12));
}

// SDM §4.5: a table pointer's address bits, entry[M-1:12].
template <class W>
W next_table_address(const HwConfig& c, const W& e) {
  return e & W(genmask(c.oa_bits - 1, 12));
}

// The walk from `cr3` for an address in `half`. Concrete words follow the
// entries (not present, reserved bits, PS leaves); with opt.tables_only every
// level is read as a table pointer (the solver's level-by-level comparison).
template <class W, class Mem>
WalkResult<W> walk_half(const Geometry& geo, const Half& half, const W& va, const W& cr3,
                        Mem& mem, WalkOptions opt = {}) {
  const HwConfig& c = geo.hwc;
  constexpr bool kConcrete = std::is_same_v<W, u64>;
  WalkResult<W> r;
  r.in_range = in_half(half, va);  // SDM §4.5 canonical check
  if constexpr (kConcrete) {
    if (!r.in_range) {  // #GP(0) before any table is read
      r.fault = Fault::kRange;
      return r;
    }
  }
  W base = root_base(c, cr3);
  for (size_t i = 0; i < geo.hw.size(); ++i) {
    const HwLevel& hl = geo.hw[i];
    WalkStep<W> st;
    st.hw = static_cast<int>(i);
    st.index = bits(va, hl.hi, hl.lo);
    st.table = base;
    st.entry = base + (st.index << 3);
    st.desc = mem.read64(st.entry, st.hw);
    r.steps.push_back(st);
    if (opt.tables_only) {
      base = next_table_address(c, st.desc);
      continue;
    }
    if constexpr (kConcrete) {
      const u64 e = st.desc;
      auto fault = [&](Fault f) {
        r.fault = f;
        r.fault_hw = st.hw;
        return r;
      };
      if ((e & kP) == 0) return fault(Fault::kTranslation);  // not present: #PF
      // Reserved: bits [51:M] in every present entry (SDM §4.5).
      if (c.oa_bits < 52 && (e & genmask(51, c.oa_bits)) != 0) return fault(Fault::kReserved);
      const bool ps = (e & kPs) != 0;
      const bool last = hl.arch_level == 1;
      if (!last && ps) {
        // PS is reserved in PML5E/PML4E, and in a PDPTE without 1-GiB pages.
        if (!hl.leaf_ok) return fault(Fault::kReserved);
        // 2 MiB / 1 GiB pages: bit 12 is PAT, bits [lo-1:13] are reserved.
        if ((e & genmask(hl.lo - 1, 13)) != 0) return fault(Fault::kReserved);
      }
      if (!last && !ps) {
        base = next_table_address(c, e);
        continue;
      }
      const unsigned n = hl.lo;  // 12, 21 or 30
      r.leaf_hw = st.hw;
      r.oa = (e & genmask(c.oa_bits - 1, n)) | (va & genmask(n - 1, 0));
      r.leaf_size = u64{1} << n;
      return r;
    }
  }
  return r;
}

}  // namespace ptfold::ref::x86_64
