// AArch64 VMSAv8-64 stage-1 walk (EL1&0, 64-bit descriptors), written from
// the Arm ARM D8 "VMSAv8-64 translation": range check and TTBR selection,
// start level, partial root tables, per-level index bits, descriptor decoding with 48-bit OA,
// 64K FEAT_LPA (OA[51:48] in bits [15:12]) and DS=1 (OA[51:50] in bits [9:8]).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "base/word.h"
#include "reference/geometry.h"
#include "reference/walk.h"

namespace ptfold::ref::arm64 {

// Arm ARM D8: the walk shape for granule 2^g and ia VA bits.
struct Shape {
  unsigned g = 12;   // granule shift
  unsigned s = 9;    // stride = g - 3
  unsigned ia = 48;  // VA bits translated
  int start = 0;     // start level: 3 - floor((ia - 1 - g) / s)
  unsigned top_bits = 9;  // bits the root resolves: ia - lo(start)
  unsigned levels() const { return static_cast<unsigned>(4 - start); }
  unsigned lo(int level) const { return g + s * static_cast<unsigned>(3 - level); }
  unsigned hi(int level) const { return std::min(ia - 1, lo(level) + s - 1); }
  u64 root_entries() const { return u64{1} << top_bits; }
  u64 root_bytes() const { return root_entries() * 8; }
};
Shape shape(unsigned g, unsigned ia);

// Arm ARM D8: is TxSZ legal for this granule (no FEAT_TTST)?
bool txsz_legal(const HwConfig& c, unsigned txsz);

// Arm ARM D8: may a block (leaf) descriptor appear at this level (< 3)?
bool block_allowed(const HwConfig& c, int level);

// Arm ARM D8: is this a 52-bit-OA configuration (TTBR[5:2] are PA[51:48])?
inline bool wide_oa(const HwConfig& c) {
  return c.ds || (c.granule_shift == 16 && c.feat_lpa && c.oa_bits == 52);
}

// The hardware levels, root first, for one half.
std::vector<HwLevel> hw_levels(const HwConfig& c, unsigned ia);

// Arm ARM D8: the root table base the hardware derives from a TTBR value: BADDR
// in [47:1] (48-bit formats) or [47:6] plus PA[51:48] in [5:2] (52-bit
// formats, where the table is aligned to at least 64 bytes).
template <class W>
W root_base(const HwConfig& c, const Shape& sh, const W& ttbr) {
  if (wide_oa(c)) {
    W base = (bits(ttbr, 5, 2) << 48) | (ttbr & W(genmask(47, 6)));
    return align_down(base, std::max<u64>(64, sh.root_bytes()));
  }
  return align_down(ttbr & W(genmask(47, 1)), sh.root_bytes());
}

// Arm ARM D8: the TTBR bits below the root table's alignment that are neither
// address bits of the format (PA[51:48] in [5:2] of the 52-bit formats) nor
// CnP (bit 0). The Arm ARM makes them RES0 - a non-zero value is
// CONSTRAINED UNPREDICTABLE (the CPU may use it as an address or ignore it) -
// so the reference reports them instead of rounding them away as root_base()
// does: a TTBR1 offset that is not a multiple of the root table is a bug
// whatever a given CPU makes of it.
inline u64 root_reserved_mask(const HwConfig& c, const Shape& sh) {
  const unsigned align = ilog2(sh.root_bytes());
  if (wide_oa(c)) return (align > 6 ? genmask(align - 1, 6) : 0) | (u64{1} << 1);
  return align > 1 ? genmask(align - 1, 1) : 0;
}

// Arm ARM D8: the output-address bits of a descriptor, from bit n up (n = g for a
// next-level table or a page, larger for blocks).
template <class W>
W output_address(const HwConfig& c, const W& d, unsigned n) {
  if (c.ds) return (d & W(genmask(49, n))) | (bits(d, 9, 8) << 50);
  if (c.granule_shift == 16 && c.feat_lpa)
    return (d & W(genmask(47, n))) | (bits(d, 15, 12) << 48);
  return d & W(genmask(47, n));
}

template <class W>
W next_table_address(const HwConfig& c, const W& d) {
  return output_address(c, d, c.granule_shift);
}

// The walk from `ttbr` for an address already known to select `half`
// (VA[55] == half.upper). Concrete words follow descriptors (faults, blocks,
// pages); with opt.tables_only every level is read as a table pointer.
template <class W, class Mem>
WalkResult<W> walk_half(const Geometry& geo, const Half& half, const W& va,
                        const W& ttbr, Mem& mem, WalkOptions opt = {}) {
  const HwConfig& c = geo.hwc;
  const Shape sh = shape(c.granule_shift, half.ia);
  constexpr bool kConcrete = std::is_same_v<W, u64>;
  WalkResult<W> r;
  r.in_range = in_half(half, va);  // Arm ARM D8 range check, TBI = 0 (TCR_EL1.TBI0/1 clear in every row)
  if constexpr (kConcrete) {
    if (!r.in_range) {
      r.fault = Fault::kRange;
      return r;
    }
  }
  W base = root_base(c, sh, ttbr);
  if constexpr (kConcrete) {
    if ((ttbr & root_reserved_mask(c, sh)) != 0) {
      r.fault = Fault::kReserved;
      return r;
    }
    if (c.oa_bits < 64 && (base >> c.oa_bits) != 0) {
      r.fault = Fault::kAddressSize;
      return r;
    }
  }
  for (int level = sh.start, i = 0; level <= 3; ++level, ++i) {
    WalkStep<W> st;
    st.hw = i;
    st.index = bits(va, sh.hi(level), sh.lo(level));
    st.table = base;
    st.entry = base + (st.index << 3);
    st.desc = mem.read64(st.entry, i);
    r.steps.push_back(st);
    if (opt.tables_only) {
      base = next_table_address(c, st.desc);
      continue;
    }
    if constexpr (kConcrete) {
      const u64 d = st.desc;
      const u64 type = d & 3;
      if ((d & 1) == 0 || (level == 3 && type == 1) ||
          (type == 1 && (level < 0 || !block_allowed(c, level)))) {
        r.fault = Fault::kTranslation;
        r.fault_hw = i;
        return r;
      }
      if (type == 3 && level < 3) {
        base = next_table_address(c, d);
        if ((base >> c.oa_bits) != 0) {
          r.fault = Fault::kAddressSize;
          r.fault_hw = i;
          return r;
        }
        continue;
      }
      const unsigned n = sh.lo(level);
      const u64 oa = output_address(c, d, n) | (va & genmask(n - 1, 0));
      if ((oa >> c.oa_bits) != 0) {
        r.fault = Fault::kAddressSize;
        r.fault_hw = i;
        return r;
      }
      r.leaf_hw = i;
      r.oa = oa;
      r.leaf_size = u64{1} << n;
      return r;
    }
  }
  return r;
}

}  // namespace ptfold::ref::arm64
