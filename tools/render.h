// Text and JSON renderings of catalogue rows and explained walks, shared by
// the subcommands (and the README's table).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/explain.h"
#include "reference/geometry.h"

namespace ptfold::cli {

nlohmann::json geometry_json(const ref::Geometry& g);
std::string geometries_table(const std::vector<const ref::Geometry*>& geos);
// "pud (run time), p4d (compile time)" or "-".
std::string folded_summary(const ref::Geometry& g);

nlohmann::json explained_json(const harness::Explained& e);
std::string explained_text(const harness::Explained& e, const ref::Geometry& g);

}  // namespace ptfold::cli
