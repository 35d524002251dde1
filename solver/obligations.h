// The five proof obligations (docs/proofs.md) for one (variant, geometry, half),
// built over the symbolic word by running the same Linux model and reference
// walk the fuzzers run. Internal to solver/ (exposes Z3 types via smt.h).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "reference/geometry.h"
#include "solver/prove.h"
#include "solver/smt.h"
#include "solver/sym_env.h"
#include "targets/variants.h"

namespace ptfold::solver {

// Runs `obligations` on half `half` of `g` for variant `v` in context `ctx`
// (which must be current). Returns one result per obligation, in order.
// Throws std::logic_error for a harness failure (e.g. unsatisfiable
// preconditions, which would make every proof vacuous).
// `make_target` (tests of the prover): builds the symbolic model instead of
// tgt::make_variant(v.name); the concrete replay still runs v.name.
using TargetFactory =
    std::function<std::unique_ptr<SymEnv::Target>(const tgt::Config&, SymEnv&)>;
std::vector<HalfResult> prove_half(smt::Context& ctx, const tgt::VariantInfo& v,
                                   const ref::Geometry& g, int half,
                                   const std::vector<Obligation>& obligations,
                                   const ProveOptions& opt, double* setup_ms,
                                   const TargetFactory& make_target = {},
                                   std::string* model_class = nullptr);

}  // namespace ptfold::solver
