// Helpers shared by the per-architecture parts of the catalogue.
#pragma once

#include <vector>

#include "reference/geometry.h"

namespace ptfold::ref::detail {

// A half translating `ia` bits: [0, 2^ia) or [2^64 - 2^ia, 2^64).
Half make_half(bool upper, const char* name, unsigned ia);

// Per-architecture rows (catalogue_x86_64.cc, catalogue_riscv64.cc).
void add_x86_64(std::vector<Geometry>& out);
void add_riscv64(std::vector<Geometry>& out);

}  // namespace ptfold::ref::detail
