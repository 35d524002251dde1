// Concrete replay of a counterexample: the same variant and geometry run
// over real memory (harness::MemEnv, harness::explain_walk - what `ptfold
// walk` prints) with the counterexample's address, pgd placement and
// physical addresses. A counterexample that does not reproduce is a harness
// error, never a finding.
#pragma once

#include "reference/geometry.h"
#include "solver/prove.h"
#include "targets/variants.h"

namespace ptfold::solver {

// Replays `c` concretely; may refine c.walk_command (descriptor
// counterexamples place the tables at the counterexample's PA range).
Replay replay_counterexample(const tgt::VariantInfo& v, const ref::Geometry& g, Counterexample& c);

}  // namespace ptfold::solver
