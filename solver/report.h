// Renders proof results: the human table with counterexamples, and the
// machine formats CI consumes (JSON, SARIF 2.1.0, JUnit XML, KTAP).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "solver/prove.h"

namespace ptfold::solver {

enum class Format { kTable, kJson, kSarif, kJunit, kKtap };
std::optional<Format> parse_format(std::string_view name);  // "table", "json", ...

// The whole result in one format (the table includes every counterexample
// and the summary line).
std::string format_matrix(const MatrixResult& r, Format f);

// One counterexample as a kernel developer reads it: the address grouped by
// level bits, table bases, both walks level by level, the first level that
// differs, the geometry facts, the replay and the `ptfold walk` command.
std::string format_counterexample(const Row& row, const Counterexample& c);

// "0xffff800012345678 = [63:48] 0xffff | L0 [47:39] 0x100 | ... | offset [11:0] 0x678".
std::string va_by_level(const ref::Geometry& g, std::string_view half, u64 va);

}  // namespace ptfold::solver
