// Kernel-tree mode behind the commands: which catalogue geometries a Linux
// tree provides (tools/ktree/build.sh --list), building and loading the
// configuration object for one, and the checks `ptfold check --kernel-tree`
// runs on the real helpers - the differential walk, the allocation and free
// paths under the machine's page-state checks, fast GUP's lockless walk and
// the model-vs-real comparison.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/explain.h"
#include "reference/geometry.h"
#include "targets/kernel/kernel_tree.h"

namespace ptfold::cli {

// A Linux tree named on the command line: checked to be one (UsageError
// otherwise), with its version from the top-level Makefile.
struct KernelTree {
  std::string dir;      // absolute path
  std::string version;  // "6.12.118"
};

// `--kernel-tree` with no DIR means Debian's linux-source-6.12 as
// tools/setup.sh unpacks it ($PTFOLD_KERNEL_TREE overrides).
std::string default_kernel_tree();
KernelTree open_kernel_tree(const std::string& dir);
// Overlays the repository carries (targets/kernel/overlays/*); UsageError for
// an unknown name.
std::vector<std::string> kernel_overlays();
void require_overlay(const std::string& name);

// What the tree provides for one geometry.
struct TreeGeometry {
  const ref::Geometry* geometry = nullptr;
  std::string config;   // tools/ktree/configs.tsv name
  bool provided = false;
  std::string why_not;  // when not provided
};
std::vector<TreeGeometry> tree_geometries(const KernelTree& t, const std::vector<const ref::Geometry*>& geos);

// Builds (or finds in the cache) the configuration object for a geometry;
// build.sh's progress lines go to stderr. Returns the .so path, or nullopt
// with `why` set when the tree does not provide it (exit 3 of build.sh).
// Throws std::runtime_error when the build fails (its log named).
std::optional<std::string> build_kernel_object(const KernelTree& t, const ref::Geometry& g,
                                               const std::string& overlay, std::string* why);

// The result of checking one geometry of a tree.
struct KernelCheckResult {
  std::vector<std::string> stages;  // "differential 142 VAs", ... (what ran, clean)
  std::string finding;              // the first finding's full report ("" when clean)
  std::string first_line;           // its stable first line
};
// `only`: run just this stage ("view", "free-paths", "differential",
// "model-vs-real", "boot-helpers", "hotplug-range", "debug_vm_pgtable"; ""
// all of them). `dvp_random`: what
// debug_vm_pgtable()'s get_random_u64() returns (0: one derived from seed).
KernelCheckResult check_kernel_geometry(const tgt::KernelObject& obj, const ref::Geometry& g,
                                        unsigned seed, unsigned random_vas, const std::string& only = "",
                                        u64 dvp_random = 0);
// The stage names `only` accepts.
extern const char* const kKernelStages[7];

// One VA through the real helpers next to the reference walk (`ptfold walk
// --kernel-tree`), in the shape of harness::explain_walk.
harness::Explained explain_kernel_walk(const tgt::KernelObject& obj, const ref::Geometry& g, u64 va);

// The commands' kernel-tree forms (cmd_geometries.cc, cmd_walk.cc,
// cmd_check.cc dispatch here when --kernel-tree is given); each returns the
// exit code.
int geometries_kernel_tree(const std::string& dir, const std::string& glob, bool json);
int walk_kernel_tree(const std::string& dir, const std::string& overlay, const std::string& geometry,
                     const std::string& va, bool json);
int check_kernel_tree(const std::string& dir, const std::string& overlay, const std::string& geometry_glob,
                      unsigned random_vas, const std::string& only = "", u64 dvp_random = 0);

}  // namespace ptfold::cli
