// Binds the catalogue (reference/) to the target models (targets/): the
// kernel configuration a geometry row stands for, and which (variant,
// geometry) pairs to run. The only place that sees both sides' types.
#pragma once

#include <string_view>
#include <vector>

#include "reference/geometry.h"
#include "targets/config.h"
#include "targets/variants.h"

namespace ptfold::harness {

// Kconfig + boot-time CPU state for a catalogue row.
tgt::Config config_for(const ref::Geometry& g);

struct Pair {
  const tgt::VariantInfo* variant;
  const ref::Geometry* geometry;
};

// Pairs matching a variant glob and a geometry glob; a variant runs on the
// geometries of its family.
std::vector<Pair> pairs(std::string_view variant_glob, std::string_view geometry_glob);

}  // namespace ptfold::harness
