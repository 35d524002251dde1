// Helpers shared by the per-architecture parts of the catalogue.
#pragma once

#include <vector>

#include "reference/geometry.h"

namespace ptfold::ref::detail {

// Number the hardware table each Linux level's entry lives in: a folded level
// shares the table of the level above. Throws if the count disagrees with hw.
void finish_linux_levels(Geometry& g);

// A half translating `ia` bits: [0, 2^ia) or [2^64 - 2^ia, 2^64).
Half make_half(bool upper, const char* name, unsigned ia, u64 root_offset);

// Per-architecture rows (catalogue_x86_64.cc, catalogue_riscv64.cc).
void add_x86_64(std::vector<Geometry>& out);
void add_riscv64(std::vector<Geometry>& out);

}  // namespace ptfold::ref::detail
