// `ptfold geometries [--json] [--target V] [GLOB]`: the catalogue, the
// hardware's view next to the LinuxView a target reports for it.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/linux_view.h"
#include "tools/cli.h"
#include "tools/kernel_tree.h"
#include "tools/render.h"

namespace ptfold::cli {

void add_geometries_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("geometries", "List the geometry catalogue (every command iterates it)");
  auto json = std::make_shared<bool>(false);
  auto glob = std::make_shared<std::string>("*");
  auto target = std::make_shared<std::string>();
  cmd->add_flag("--json", *json, "Machine-readable output");
  cmd->add_option("--target,-t", *target,
                  "Show this variant's Linux view (default: each geometry's upstream variant); "
                  "only geometries of its family are listed");
  cmd->add_option("glob", *glob, "Only geometries matching this name or glob");
  auto ktree = std::make_shared<std::string>();
  CLI::Option* kt = cmd->add_option("--kernel-tree", *ktree, "Which geometries this Linux tree provides, and why not (no DIR: the default tree)")->expected(0, 1);
  cmd->callback([&action, json, glob, target, ktree, kt] {
    action = [json, glob, target, ktree, kt] {
      if (kt->count()) return geometries_kernel_tree(*ktree, *glob, *json);
      auto geos = select_geometries(*glob);
      const tgt::VariantInfo* v = nullptr;
      if (!target->empty()) {
        v = tgt::find_variant(*target);
        if (!v) throw UsageError(fmt::format("unknown target variant '{}'", *target), "run `ptfold variants` for the names");
        std::erase_if(geos, [v](const ref::Geometry* g) { return g->family != v->family; });
        if (geos.empty())
          throw UsageError(fmt::format("no geometry matching '{}' is of {}'s family {}", *glob, v->name, v->family),
                           "run `ptfold geometries` for the names and families");
      }
      const ViewOf view_of = [v](const ref::Geometry& g) -> const harness::LinuxView& {
        return v ? harness::linux_view(v->name, g) : harness::upstream_view(g);
      };
      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const ref::Geometry* g : geos) out.push_back(geometry_json(*g, view_of(*g)));
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << geometries_table(geos, view_of);
      }
      return 0;
    };
  });
}

}  // namespace ptfold::cli
