// Text and JSON renderings of catalogue rows and explained walks, shared by
// the subcommands (and the README's table).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/explain.h"
#include "harness/linux_view.h"
#include "reference/geometry.h"

namespace ptfold::cli {

// A geometry with a target's LinuxView of it (hardware and Linux side by side).
nlohmann::json geometry_json(const ref::Geometry& g, const harness::LinuxView& v);
// One row per geometry; view_of names the target whose view each row shows.
using ViewOf = std::function<const harness::LinuxView&(const ref::Geometry&)>;
std::string geometries_table(const std::vector<const ref::Geometry*>& geos, const ViewOf& view_of);
// "pud (run), p4d (compile)" or "-".
std::string folded_summary(const harness::LinuxView& v);

nlohmann::json explained_json(const harness::Explained& e);
std::string explained_text(const harness::Explained& e, const ref::Geometry& g);

}  // namespace ptfold::cli
