// Input decoding shared by fuzz_walk and fuzz_ops (fuzz/decode.cc): VAs
// from per-level index selectors, leaf levels, physical placement. Kept
// apart from the scenario and machine code so that fuzz_walk links only
// this and the models.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/static_vec.h"
#include "base/word.h"
#include "harness/linux_view.h"
#include "reference/geometry.h"
#include "targets/config.h"

namespace ptfold::fuzz {

class Reader;
// `raw` placed into half h, aligned down to `align`.
u64 place_in_half(const ref::Half& h, u64 raw, u64 align);
// A VA from the input: per-level table indices (first, last, middle or
// hashed entries - where folding and index arithmetic go wrong), or a raw
// VA when the mode byte has bit 7 set.
u64 decode_va(Reader& r, const ref::Geometry& g, const ref::Half& h);
// The table index the 3-bit selector `sel` picks at level i of a table with
// n entries (n a power of two): 0-3, last, last but one, middle, or hashed
// from the mode byte. Shared by every per-level address decoder.
u64 pick_level_index(unsigned sel, uint8_t mode, size_t i, u64 n);
// Whether the target maps a leaf at Linux level l (pte always; pmd/pud
// blocks where its LinuxView has them).
bool block_allowed(const harness::LinuxView& v, tgt::Level l);
// Bytes mapped by a level-l leaf in the LinuxView (1 << the level's shift).
u64 leaf_size(const harness::LinuxView& v, tgt::Level l);

// The PA size table and leaf addresses are kept below: min(the model's
// PHYS_MASK_SHIFT, the CPU's output-address size).
inline unsigned pa_bits_of(unsigned phys_mask_shift, const ref::Geometry& g) {
  return phys_mask_shift < g.hwc.oa_bits ? phys_mask_shift : g.hwc.oa_bits;
}
// The physical offsets decode_ops can choose for a geometry (host arena
// addresses are below 2^47; the offsets move tables up to the top of the PA
// range so high descriptor bits are exercised).
StaticVec<u64, 3> phys_offsets_for(unsigned pa_bits);

}  // namespace ptfold::fuzz
