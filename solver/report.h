// Renders proof results: the human table with counterexamples, and the
// machine formats CI consumes (JSON, SARIF 2.1.0, JUnit XML, KTAP).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "solver/prove.h"

namespace ptfold::solver {

enum class Format { kTable, kJson, kSarif, kJunit, kKtap };
std::optional<Format> parse_format(std::string_view name);  // "table", "json", ...

// A place in the source of a target: a file relative to the repository (or,
// for a kernel tree, to the tree) and a 1-based line.
struct SourceLoc {
  std::string file;
  unsigned line = 0;
};
// Where the helper `helper` of a row's target is defined ("" or an unknown
// helper: where the target itself is). The default reads the index of the
// models in targets/ generated at build time; a kernel-tree target brings
// its own (file and line in the tree).
using SourceLocator = std::function<SourceLoc(const Row& row, std::string_view helper)>;
SourceLoc model_source(const Row& row, std::string_view helper);

struct RenderOptions {
  // Wall and per-query times, jobs: they change from run to run, so the
  // default output (same input, same bytes) leaves them out.
  bool timings = false;
  SourceLocator locate = model_source;
};

// The whole result in one format (the table includes every counterexample
// and the summary line).
std::string format_matrix(const MatrixResult& r, Format f, const RenderOptions& o = {});

// Where SARIF rules' helpUri points: docs/proofs.md in the repository
// GitHub Actions runs on (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA),
// else the docs of the source tree ptfold was built from.
std::string docs_uri(std::string_view doc);

// One counterexample as a kernel developer reads it: the address grouped by
// level bits, table bases, both walks level by level, the first level that
// differs, the geometry facts, the replay and the `ptfold walk` command.
std::string format_counterexample(const Row& row, const Counterexample& c);

// "0xffff800012345678 = [63:48] 0xffff | L0 [47:39] 0x100 | ... | offset [11:0] 0x678".
std::string va_by_level(const ref::Geometry& g, std::string_view half, u64 va);

}  // namespace ptfold::solver
