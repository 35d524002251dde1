// The five proof obligations of DESIGN.md for one (variant, geometry, half),
// built over the symbolic word by running the same Linux model and reference
// walk the fuzzers run. Internal to solver/ (exposes Z3 types via smt.h).
#pragma once

#include <vector>

#include "reference/geometry.h"
#include "solver/prove.h"
#include "solver/smt.h"
#include "targets/variants.h"

namespace ptfold::solver {

// Runs `obligations` on half `half` of `g` for variant `v` in context `ctx`
// (which must be current). Returns one result per obligation, in order.
// Throws std::logic_error for a harness failure (e.g. unsatisfiable
// preconditions, which would make every proof vacuous).
std::vector<HalfResult> prove_half(smt::Context& ctx, const tgt::VariantInfo& v,
                                   const ref::Geometry& g, int half,
                                   const std::vector<Obligation>& obligations,
                                   const ProveOptions& opt, double* setup_ms);

}  // namespace ptfold::solver
