// `ptfold geometries [--json] [GLOB]`: the catalogue, Linux's view next to the
// hardware's.
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/cli.h"
#include "tools/kernel_tree.h"
#include "tools/render.h"

namespace ptfold::cli {

void add_geometries_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("geometries", "List the geometry catalogue (every command iterates it)");
  auto json = std::make_shared<bool>(false);
  auto glob = std::make_shared<std::string>("*");
  cmd->add_flag("--json", *json, "Machine-readable output");
  cmd->add_option("glob", *glob, "Only geometries matching this name or glob");
  auto ktree = std::make_shared<std::string>();
  CLI::Option* kt = cmd->add_option("--kernel-tree", *ktree, "Which geometries this Linux tree provides, and why not (no DIR: the default tree)")->expected(0, 1);
  cmd->callback([&action, json, glob, ktree, kt] {
    action = [json, glob, ktree, kt] {
      if (kt->count()) return geometries_kernel_tree(*ktree, *glob, *json);
      const auto geos = select_geometries(*glob);
      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const ref::Geometry* g : geos) out.push_back(geometry_json(*g));
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << geometries_table(geos);
      }
      return 0;
    };
  });
}

}  // namespace ptfold::cli
