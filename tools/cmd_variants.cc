// `ptfold variants [--json]`: the target models (upstream, RFC styles, bugs).
#include <fmt/format.h>

#include <algorithm>
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
                         {"default_geometry", v.default_geometry}, {"shows_on", v.shows_on},
                         {"first_line", v.first_line}});
        std::cout << out.dump(2) << "\n";
        return 0;
      }
      // Columns as wide as their longest entry, so long names stay aligned.
      size_t name_w = 0, family_w = 0;
      for (const tgt::VariantInfo& v : tgt::variants()) {
        name_w = std::max(name_w, v.name.size());
        family_w = std::max(family_w, v.family.size());
      }
      for (const tgt::VariantInfo& v : tgt::variants()) {
        std::string shows;
        for (const std::string& g : v.shows_on) shows += (shows.empty() ? "; shows on " : ", ") + g;
        std::cout << fmt::format("{:<{}} {:<{}} {:<8} {}\n{:<{}} {:<{}} {:<8} commits: {}{}\n", v.name, name_w,
                                 v.family, family_w, v.upstream ? "upstream" : "bug", v.description, "", name_w, "",
                                 family_w, "", v.commits, shows);
      }
      return 0;
    };
  });
}

}  // namespace ptfold::cli
