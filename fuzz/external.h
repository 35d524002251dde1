// Targets the fuzz runner runs that are not models of targets/variants.def:
// the real code of a kernel tree, linked into the kernel-tree fuzz binaries
// (fuzz/kernel_fuzz.h), which register it here before the first input. The
// runner (fuzz/runner.cc table_for(), run_scenario()) and fuzz_walk
// (fuzz/walk.cc) build a registered variant's target through this, on the
// machine, instead of tgt::make_variant().
#pragma once

#include <functional>
#include <memory>

#include "fuzz/machine.h"
#include "reference/geometry.h"
#include "targets/linux.h"
#include "targets/variants.h"

namespace ptfold::fuzz {

using MachineTable = tgt::LinuxPageTable<u64, Machine>;

struct ExternalTarget {
  // The target of the variant on g, on machine m (m's arena is the memory it
  // runs on). Built once per (variant, geometry) for the process.
  std::function<std::unique_ptr<MachineTable>(const ref::Geometry& g, Machine& m)> make;
  // Called before each input, after m was reset for it (its phys offset is
  // the input's): the target starts over on the fresh memory.
  std::function<void(MachineTable& t, Machine& m)> begin_input;
};

// v must be a tgt::register_variant() entry.
void register_external_target(const tgt::VariantInfo* v, ExternalTarget t);
// nullptr for a model.
const ExternalTarget* external_target(const tgt::VariantInfo& v);
// The registered variant's target on g (built on first use, then cached).
MachineTable& external_table(const tgt::VariantInfo& v, const ref::Geometry& g, Machine& m);

}  // namespace ptfold::fuzz
