// `ptfold variants [--json]`: the target models (upstream, RFC styles, bugs).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/cli.h"

namespace ptfold::cli {

void add_variants_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("variants", "List the target variants: upstream code, RFC styles, historical bugs");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Machine-readable output");
  cmd->callback([&action, json] {
    action = [json] {
      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const tgt::VariantInfo& v : tgt::variants())
          out.push_back({{"name", v.name}, {"family", v.family}, {"upstream", v.upstream},
                         {"description", v.description}, {"commits", v.commits},
                         {"default_geometry", v.default_geometry}});
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      for (const tgt::VariantInfo& v : tgt::variants())
        std::cout << fmt::format("{:<26} {:<11} {:<8} {}\n{:<26} {:<11} {:<8} commits: {}{}\n", v.name, v.family,
                                 v.upstream ? "upstream" : "bug", v.description, "", "", "", v.commits,
                                 v.default_geometry.empty() ? "" : "; shows on " + v.default_geometry);
      return 0;
    };
  });
}

}  // namespace ptfold::cli
