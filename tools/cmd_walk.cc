// `ptfold walk --geometry G --va X`: one address, Linux's walk next to the
// hardware's, level by level. Also replays solver counterexamples.
#include <fmt/format.h>

#include <iostream>

#include "harness/explain.h"
#include "tools/cli.h"
#include "tools/kernel_tree.h"
#include "tools/render.h"

namespace ptfold::cli {

namespace {
struct WalkArgs {
  std::string geometry, va, target, pgd_offset, phys_offset, kernel_tree, overlay;
  bool json = false;
};
}  // namespace

void add_walk_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("walk", "Explain one address: each Linux helper next to the hardware level it must match");
  auto a = std::make_shared<WalkArgs>();
  cmd->add_option("--geometry,-g", a->geometry, "Geometry name (see `ptfold geometries`)")->required();
  cmd->add_option("--va", a->va, "Virtual address, hex (0x...) or decimal")->required();
  cmd->add_option("--target,-t", a->target, "Target variant (default: the upstream variant of the geometry's family)");
  cmd->add_option("--pgd-offset", a->pgd_offset, "Offset of a sub-page pgd object in its slab page (default: half a page)");
  cmd->add_option("--phys-offset", a->phys_offset, "Physical offset of simulated memory (default: above 2^50 where descriptors carry high PA bits)");
  cmd->add_flag("--json", a->json, "Machine-readable output");
  CLI::Option* kt = cmd->add_option("--kernel-tree", a->kernel_tree, "Walk with the real helpers of this Linux tree (no DIR: the default tree)")->expected(0, 1);
  cmd->add_option("--overlay", a->overlay, "With --kernel-tree: a regression overlay on a copy of the tree's headers")->needs(kt);
  cmd->callback([&action, a, kt] {
    action = [a, kt] {
      if (kt->count()) return walk_kernel_tree(a->kernel_tree, a->overlay, a->geometry, a->va, a->json);
      const ref::Geometry& g = require_geometry(a->geometry);
      const u64 va = parse_u64(a->va, "VA");
      const tgt::VariantInfo* v = a->target.empty() ? tgt::upstream_for_family(g.family)
                                                    : tgt::find_variant(a->target);
      if (!v)
        throw UsageError(fmt::format("unknown target variant '{}'", a->target), "run `ptfold variants` for the names");
      if (v->family != g.family)
        throw UsageError(fmt::format("target '{}' models the {} family, geometry '{}' is {}", v->name, v->family,
                                     g.name, g.family),
                         "pick a geometry of that family (`ptfold geometries`) or another --target");
      harness::ExplainOptions opt;
      if (!a->pgd_offset.empty()) {
        opt.pgd_offset = parse_u64(a->pgd_offset, "pgd offset");
        if (*opt.pgd_offset >= g.page_size())
          throw UsageError(fmt::format("pgd offset {:#x} is not inside a {}-byte page", *opt.pgd_offset, g.page_size()),
                           "give an offset below the page size");
      }
      if (!a->phys_offset.empty()) {
        opt.phys_offset = parse_u64(a->phys_offset, "phys offset");
        if (*opt.phys_offset & (g.page_size() - 1))
          throw UsageError("phys offset is not page aligned", fmt::format("give a multiple of {:#x}", g.page_size()));
      }
      harness::Explained e;
      try {
        e = harness::explain_walk(*v, g, va, opt);
      } catch (const std::invalid_argument& err) {
        throw UsageError(err.what(), "give a VA inside one of the listed ranges");
      }
      if (a->json)
        std::cout << explained_json(e).dump(2) << "\n";
      else
        std::cout << explained_text(e, g);
      return e.agrees() ? 0 : 1;
    };
  });
}

}  // namespace ptfold::cli
