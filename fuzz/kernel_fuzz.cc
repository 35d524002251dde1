// The kernel-tree fuzz binaries' pairs and targets (fuzz/kernel_fuzz.h).
#include "fuzz/kernel_fuzz.h"

#include <fmt/format.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "fuzz/external.h"
#include "fuzz/runner.h"
#include "harness/linux_view.h"
#include "targets/kernel/kernel_tree.h"

namespace ptfold::fuzz {

namespace {

using KernelTarget = tgt::KernelTreeTarget<Machine>;
static_assert(tgt::KernelTreeEnv<Machine>);

// A comma-separated list of globs: any of them matches.
bool any_glob(const std::string& globs, const std::string& name) {
  size_t i = 0;
  while (i <= globs.size()) {
    const size_t j = std::min(globs.find(',', i), globs.size());
    if (j > i && ref::glob_match(std::string_view(globs).substr(i, j - i), name)) return true;
    i = j + 1;
  }
  return false;
}

[[noreturn]] void usage_error(const std::string& what, const std::string& fix) {
  std::fprintf(stderr, "ptfold: error: %s (%s)\n", what.c_str(), fix.c_str());
  std::exit(2);
}

std::vector<harness::Pair> build_pairs() {
  const LinkedKernel& lk = kLinkedKernel;
  const char* venv = std::getenv("PTFOLD_VARIANT");
  const char* genv = std::getenv("PTFOLD_GEOMETRY");
  const std::string vglob = venv && *venv ? venv : "*";
  const std::string gglob = genv && *genv ? genv : "*";
  static std::map<std::string, std::unique_ptr<tgt::KernelObject>> objects;  // by config
  std::map<std::string, const tgt::VariantInfo*> variants;                    // by family
  std::vector<harness::Pair> out;
  std::string held, left_out;
  for (unsigned i = 0; i < lk.count; ++i) {
    const LinkedKernelGeometry& lg = lk.geometries[i];
    const ref::Geometry* g = ref::find(lg.geometry);
    if (!g) throw std::logic_error(fmt::format("ptfold: internal: linked geometry {} is not in the catalogue", lg.geometry));
    if (!lg.ops) {
      left_out += fmt::format(" {} ({}{}: left out by the build: not in this tree)", lg.geometry,
                              lg.config, *lk.overlay ? fmt::format(" with overlay {}", lk.overlay) : "");
      continue;
    }
    std::unique_ptr<tgt::KernelObject>& obj = objects[lg.config];
    if (!obj) {
      try {
        obj = std::make_unique<tgt::KernelObject>(lg.ops, fmt::format("linked configuration object {}", lg.config));
      } catch (const std::runtime_error& e) {
        usage_error(e.what(), "rebuild the kernel-tree fuzz targets");
      }
    }
    const tgt::VariantInfo* model = tgt::upstream_for_family(g->family);
    if (!model) throw std::logic_error("ptfold: internal: no upstream model for " + g->family);
    const tgt::VariantInfo*& v = variants[g->family];
    if (!v) {
      std::string name = "kernel-" + model->name;
      if (*lk.overlay) name += std::string("+") + lk.overlay;
      tgt::VariantInfo info;
      info.name = name;
      info.family = g->family;
      info.upstream = !*lk.overlay;
      info.description = fmt::format("the real code of Linux {} ({}){}", obj->ops().uts_release, lk.tree,
                                     *lk.overlay ? fmt::format(" with overlay {}", lk.overlay) : "");
      v = tgt::register_variant(std::move(info));
      const tgt::VariantInfo* vi = v;
      // The Linux facts of real code come from the target: its ptf_view
      // (the real macros under the geometry's runtime state).
      harness::register_view_provider(name, [vi](const ref::Geometry& geo) {
        MachineTable& t = external_table(*vi, geo, machine_for(geo.page_shift));
        return harness::constant_view(geo, vi->name, t);
      });
      ExternalTarget x;
      x.make = [](const ref::Geometry& geo, Machine& m) -> std::unique_ptr<MachineTable> {
        const tgt::KernelObject* o = nullptr;
        for (unsigned k = 0; k < kLinkedKernel.count; ++k)
          if (geo.name == kLinkedKernel.geometries[k].geometry) o = objects.at(kLinkedKernel.geometries[k].config).get();
        if (!o) throw std::logic_error("ptfold: internal: no configuration object for " + geo.name);
        auto t = std::make_unique<KernelTarget>(harness::config_for(geo), m, *o);
        t->set_gather_to_env(true);
        return t;
      };
      x.begin_input = [](MachineTable& t, Machine& m) {
        // swapper_pg_dir is init_mm's: dropped with its tables at teardown.
        m.set_current_mm(kKernelMm);
        static_cast<KernelTarget&>(t).install();
        m.set_current_mm(-1);
      };
      register_external_target(v, std::move(x));
    }
    if (!any_glob(gglob, g->name) || !any_glob(vglob, v->name)) continue;
    out.push_back({v, g});
    held += fmt::format(" {}:{}", v->name, g->name);
  }
  const char* list = std::getenv("PTFOLD_LIST");
  const std::string banner =
      fmt::format("ptfold: kernel-tree fuzz target: tree {}, overlay {}; {} pairs (variant:geometry):{}{}\n", lk.tree,
                  *lk.overlay ? lk.overlay : "none", out.size(), held,
                  left_out.empty() ? "" : "; left out:" + left_out);
  if (list && *list && std::string(list) != "0") {
    std::fputs(banner.c_str(), stdout);
    std::fflush(stdout);
    std::_Exit(0);  // not exit(): libFuzzer's atexit hook calls an exit from the target a crash
  }
  std::fputs(banner.c_str(), stderr);
  if (out.empty())
    usage_error(fmt::format("no kernel-tree pair matches PTFOLD_VARIANT='{}' on PTFOLD_GEOMETRY='{}'", vglob, gglob),
                "PTFOLD_LIST=1 lists what this binary holds");
  return out;
}

}  // namespace

const std::vector<harness::Pair>& kernel_pairs() {
  static const std::vector<harness::Pair> kPairs = build_pairs();
  return kPairs;
}

}  // namespace ptfold::fuzz
