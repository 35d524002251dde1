// The campaign report: report.json (the campaign state plus coverage per
// fuzz target and geometry) and report.md rendered from it, so the two
// always say the same thing. The JSON shape is in docs/campaigns.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace ptfold::campaign {

// The report from the state (campaign.json) and what the end of the
// session measured (`coverage`, `source_coverage`).
nlohmann::ordered_json make_report(const nlohmann::ordered_json& state, const nlohmann::ordered_json& measured);
std::string render_markdown(const nlohmann::ordered_json& report);

}  // namespace ptfold::campaign
