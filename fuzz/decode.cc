// Input decoding shared by fuzz_walk and fuzz_ops: where a VA, a leaf and a
// physical placement come from in the input bytes. No machine, no runner:
// fuzz_walk links this and the models only.
#include "fuzz/decode.h"

#include "fuzz/reader.h"

namespace ptfold::fuzz {

using tgt::Level;

u64 place_in_half(const ref::Half& h, u64 raw, u64 align) {
  return (h.va_lo | (raw & (h.va_hi - h.va_lo))) & ~(align - 1);
}

u64 pick_level_index(unsigned sel, uint8_t mode, size_t i, u64 n) {
  switch (sel) {
    case 4: return n - 1;
    case 5: return n - 2;
    case 6: return n / 2;
    case 7: return (u64{mode} * 2654435761u + i * 40503u) & (n - 1);
    default: return sel;
  }
}

// Raw VAs (mode bit 7) are what encode_ops writes.
u64 decode_va(Reader& r, const ref::Geometry& g, const ref::Half& h) {
  const uint8_t m = r.u8();
  if (m & 0x80) return place_in_half(h, r.u64le(), g.page_size());
  const uint32_t x = r.u32le();
  u64 va = h.va_lo;
  for (size_t i = 0; i < g.hw.size() && i < 10; ++i) {
    const ref::HwLevel& l = g.hw[i];
    u64 n = l.entries;
    if (i == 0 && h.ia <= l.hi) n = u64{1} << (h.ia - l.lo);
    const u64 idx = pick_level_index((x >> (3 * i)) & 7, m, i, n);
    va += (idx & (n - 1)) << l.lo;
  }
  return place_in_half(h, va, g.page_size());
}

bool block_allowed(const harness::LinuxView& v, Level l) { return v.leaf_ok(l); }

u64 leaf_size(const harness::LinuxView& v, Level l) { return u64{1} << v.lin(l).shift; }

StaticVec<u64, 3> phys_offsets_for(unsigned pa_bits) {
  StaticVec<u64, 3> out;
  out.push_back(0);
  if (pa_bits > 48) {
    out.push_back((u64{1} << pa_bits) - (u64{1} << 47));  // top of the PA range
    out.push_back(u64{1} << 48);                          // just above 48 bits
  }
  return out;
}

}  // namespace ptfold::fuzz
