// The proof driver's public face (no Z3 types): which obligations exist,
// what a result and a counterexample look like, and prove_matrix(), the call
// behind `ptfold prove` and `ptfold check`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"
#include "reference/geometry.h"
#include "targets/variants.h"

namespace ptfold::solver {

// docs/proofs.md; the short names are stable (CLI, JSON, SARIF rule ids,
// JUnit/KTAP test names). `bug-on` only re-evaluates the BUG_ON/VM_BUG_ON
// conditions the walk helpers contain, so it is named for that.
enum class Obligation { kWalk = 0, kBounds, kIndex, kDescriptor, kBugOn };
inline constexpr int kObligations = 5;
const std::vector<Obligation>& all_obligations();
const char* obligation_name(Obligation o);   // "walk", "bounds", "index", "descriptor", "bug-on"
const char* obligation_title(Obligation o);  // one line for humans
const char* obligation_description(Obligation o);  // a paragraph: what is checked, what is not
std::optional<Obligation> parse_obligation(std::string_view name);

// `not-applicable`: the check never ran on this half (e.g. no walk helper of
// the geometry has a BUG_ON) - never a pass. `unknown` (timeout, resource
// limit) is its own state: never a pass, never a failure. `harness-error`: a
// counterexample that does not reproduce concretely, or the harness itself
// failed - a ptfold bug, not a kernel one.
enum class State { kNotApplicable, kProved, kCounterexample, kUnknown, kHarnessError };
// "not-applicable", "proved", "counterexample", "unknown", "harness-error"
const char* state_name(State s);

// One generic Linux level of a counterexample.
struct CexLinuxLevel {
  std::string level;   // "pgd" .. "pte"
  std::string fold;    // "-", "compile time", "run time"
  unsigned shift = 0;  // PXD_SHIFT
  u64 ptrs = 0;        // PTRS_PER_PXD
  u64 index = 0;       // pXd_index(addr)
  u64 entry_pa = 0;    // the entry pointer the helper returned, as a PA
  int hw = 0;          // hardware table this level's entry lives in
};

// One hardware level of a counterexample, with the Linux level reading it.
struct CexHwLevel {
  std::string name;    // "L0", ...
  unsigned hi = 0, lo = 0;
  u64 entries = 0;
  u64 index = 0;       // VA[hi:lo]
  u64 table = 0;       // table base the hardware uses
  u64 entry = 0;       // entry address the hardware reads
  std::string reader;  // Linux level whose entry this is
  u64 linux_index = 0;
  u64 linux_entry_pa = 0;
  bool differs = false;
};

struct Replay {
  bool attempted = false;
  bool reproduced = false;
  std::string detail;  // what the concrete run showed
};

struct Counterexample {
  Obligation obligation = Obligation::kWalk;
  std::string half;          // "ttbr0", "ttbr1", ...
  std::string query;         // the named query that found it
  std::string what;          // one line: what is violated, where
  std::string level;         // the level named by `what` ("L0", "pud", ...)
  std::string helper;        // the Linux helper at fault ("pud_offset", "__pte_to_phys", ...)
  int first_diff_hw = -1;    // walk: first hardware level whose entry differs
  u64 va = 0;
  u64 pgd_va = 0, pgd_pa = 0;
  u64 root = 0;              // TTBR / CR3 / satp value
  u64 linear_offset = 0;     // __va(pa) = pa + linear_offset
  std::vector<u64> tables;   // T[1..]: physical bases of the non-root tables
  std::vector<CexLinuxLevel> linux_levels;
  std::vector<CexHwLevel> hw;
  // Extra named values (descriptor obligation: pa, descriptor, decodings;
  // folded obligation: pointer and slot; index: shift amounts).
  std::vector<std::pair<std::string, u64>> values;
  bool lockless = false;     // about fast GUP's lockless walk (linux[] shows it)
  std::string walk_command;  // `ptfold walk ...` that replays it (empty: none does)
  Replay replay;
};

struct QueryLog {
  std::string name;
  std::string verdict;  // "unsat", "sat", "unknown"
  std::string reason;
  double ms = 0;
};

// One obligation on one address half.
struct HalfResult {
  std::string half;
  State state = State::kUnknown;
  std::string detail;   // unknown: Z3's reason; proved: what was shown;
                        // not-applicable: why nothing was checked
  size_t checks = 0;    // properties checked (0: not applicable)
  double ms = 0;        // building + solving this obligation (no replay)
  double replay_ms = 0; // the concrete replay of its counterexample
  std::vector<QueryLog> queries;
  std::optional<Counterexample> cex;
};

// One obligation on one (variant, geometry): every half.
struct Cell {
  Obligation obligation = Obligation::kWalk;
  // The worst of the halves; not-applicable only when no half checked anything.
  State state = State::kNotApplicable;
  double ms = 0;
  std::vector<HalfResult> halves;
};

struct Row {
  const tgt::VariantInfo* variant = nullptr;
  const ref::Geometry* geometry = nullptr;
  std::string model_class;   // the target's C++ class ("FoldCast"): where its helpers are
  std::vector<Cell> cells;   // in ProveOptions::obligations order
  double setup_ms = 0;       // symbolic walks built once per half, shared
  std::string error;         // harness failure before any obligation ran
};

struct ProveOptions {
  std::vector<const tgt::VariantInfo*> variants;   // empty: the upstream ones
  std::vector<const ref::Geometry*> geometries;    // empty: the whole catalogue
  std::vector<Obligation> obligations;             // empty: all
  unsigned timeout_ms = 10000;                     // per query
  unsigned rlimit = 50'000'000;                    // per query
  unsigned jobs = 1;                               // worker threads
  bool replay = true;                              // replay counterexamples concretely
  // Counterexamples with the smallest VA (then smallest table bases) the
  // violation allows, so the same run prints the same bytes at any -j.
  bool minimize = true;
};

struct MatrixResult {
  std::vector<Obligation> obligations;
  std::vector<Row> rows;
  double wall_ms = 0;
  unsigned jobs = 1;
  unsigned timeout_ms = 0;
  size_t count(State s) const;   // cells in state s
  // 0 all proved; 1 any counterexample or harness error; 3 unknown without
  // counterexample (2, usage errors, is the CLI's).
  int exit_code() const;
};

// The (variant, geometry) pairs prove_matrix runs: each variant on the
// selected geometries of its family.
std::vector<std::pair<const tgt::VariantInfo*, const ref::Geometry*>> matrix_pairs(
    const ProveOptions& opt);

// Proves every selected obligation for every pair and half.
MatrixResult prove_matrix(const ProveOptions& opt);

// One pair (the unit prove_matrix parallelises).
Row prove_pair(const tgt::VariantInfo& v, const ref::Geometry& g, const ProveOptions& opt);

// Median over every (pair, half, obligation) of HalfResult::ms.
double median_obligation_ms(const MatrixResult& r);

// "prove: 16 rows x 5 obligations = 80 cells: 72 proved, 8 not applicable,
// 0 counterexamples, 0 unknown, 0 harness errors"; with `timings`,
// " (1.23 s, 2 jobs)" - wall time and jobs vary from run to run, so they are
// left out of the default (deterministic) output.
std::string summary_line(const MatrixResult& r, bool timings = false);

}  // namespace ptfold::solver
