// The proof driver: the matrix of (variant, geometry) pairs, worker threads
// (one Z3 context each), aggregation of halves into cells, the summary line.
#include "solver/prove.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "solver/obligations.h"
#include "solver/smt.h"

namespace ptfold::solver {

const std::vector<Obligation>& all_obligations() {
  static const std::vector<Obligation> kAll = {Obligation::kWalk, Obligation::kBounds, Obligation::kIndex,
                                               Obligation::kDescriptor, Obligation::kBugOn};
  return kAll;
}

const char* obligation_name(Obligation o) {
  switch (o) {
    case Obligation::kWalk: return "walk";
    case Obligation::kBounds: return "bounds";
    case Obligation::kIndex: return "index";
    case Obligation::kDescriptor: return "descriptor";
    case Obligation::kBugOn: return "bug-on";
  }
  return "?";
}

const char* obligation_title(Obligation o) {
  switch (o) {
    case Obligation::kWalk:
      return "walk equivalence: each hardware level reads the entry the Linux walk computes, locked and lockless";
    case Obligation::kBounds:
      return "in bounds: every entry address lies inside its table's allocation";
    case Obligation::kIndex:
      return "index ranges: indices below their table's entry count, no shift by >= 64";
    case Obligation::kDescriptor:
      return "descriptors: table and leaf descriptors Linux builds decode to the same address for Linux and the hardware";
    case Obligation::kBugOn:
      return "BUG_ON/VM_BUG_ON: every BUG_ON the walk helpers evaluate holds for every address";
  }
  return "?";
}

const char* obligation_description(Obligation o) {
  switch (o) {
    case Obligation::kWalk:
      return "For every virtual address of the half and every placement of the tables, the entry pointer "
             "each Linux level computes (pgd_offset .. pte_offset_kernel, and fast GUP's lockless "
             "p?d_offset_lockless over an on-stack copy of the parent entry) is the entry the hardware "
             "walk reads at the table level that level owns. A folded level is checked through the "
             "hardware level its parent reads.";
    case Obligation::kBounds:
      return "For every address, every entry pointer of the Linux walk and of the hardware walk lies inside "
             "the allocation of the table it indexes: the pgd allocation for the root, a page for every "
             "other table.";
    case Obligation::kIndex:
      return "Every pXd_index() is below PTRS_PER_PXD and every hardware index below its table's entry "
             "count; no shift the helpers or the reference perform is by 64 or more (undefined in C).";
    case Obligation::kDescriptor:
      return "For every physical address: __pte_to_phys(__phys_to_pte_val(pa)) == pa; the table descriptor "
             "pXd_populate() writes decodes to pa both through pXd_page_paddr() and through the "
             "architecture's descriptor format; and a leaf descriptor built as the kernel builds it "
             "(mk_pte/pfn_pte with the protections the kernel uses) decodes to pa through "
             "__pte_to_phys() and through the architecture's output-address field.";
    case Obligation::kBugOn:
      return "The BUG_ON/VM_BUG_ON conditions the walk helpers evaluate (the folded-pointer checks of "
             "pgd_to_folded_p4d/p4d_to_folded_pud, ...) are false for every address. It checks nothing "
             "else; where no walk helper of the geometry has such a check the cell is not applicable, "
             "never proved.";
  }
  return "?";
}

std::optional<Obligation> parse_obligation(std::string_view name) {
  for (Obligation o : all_obligations())
    if (name == obligation_name(o)) return o;
  return std::nullopt;
}

const char* state_name(State s) {
  switch (s) {
    case State::kNotApplicable: return "not-applicable";
    case State::kProved: return "proved";
    case State::kCounterexample: return "counterexample";
    case State::kUnknown: return "unknown";
    case State::kHarnessError: return "harness-error";
  }
  return "?";
}

namespace {

// Worst first: a harness error hides nothing, a counterexample beats
// unknown, and one half that checked something makes the cell more than not
// applicable.
int severity(State s) {
  switch (s) {
    case State::kNotApplicable: return 0;
    case State::kProved: return 1;
    case State::kUnknown: return 2;
    case State::kCounterexample: return 3;
    case State::kHarnessError: return 4;
  }
  return 4;
}

Row prove_pair_in(smt::Context& ctx, const tgt::VariantInfo& v, const ref::Geometry& g,
                  const ProveOptions& opt) {
  Row row;
  row.variant = &v;
  row.geometry = &g;
  const std::vector<Obligation>& obs = opt.obligations.empty() ? all_obligations() : opt.obligations;
  for (Obligation o : obs) row.cells.push_back({o, State::kNotApplicable, 0, {}});
  try {
    for (int h = 0; h < static_cast<int>(g.halves.size()); ++h) {
      std::vector<HalfResult> rs = prove_half(ctx, v, g, h, obs, opt, &row.setup_ms, {}, &row.model_class);
      for (size_t i = 0; i < rs.size(); ++i) {
        Cell& c = row.cells[i];
        if (severity(rs[i].state) > severity(c.state)) c.state = rs[i].state;
        c.ms += rs[i].ms;
        c.halves.push_back(std::move(rs[i]));
      }
    }
  } catch (const std::exception& e) {
    row.error = e.what();
    for (Cell& c : row.cells) c.state = State::kHarnessError;
  }
  return row;
}

}  // namespace

std::vector<std::pair<const tgt::VariantInfo*, const ref::Geometry*>> matrix_pairs(const ProveOptions& opt) {
  std::vector<const tgt::VariantInfo*> vs = opt.variants;
  if (vs.empty())
    for (const tgt::VariantInfo& v : tgt::variants())
      if (v.upstream) vs.push_back(&v);
  std::vector<const ref::Geometry*> gs = opt.geometries;
  if (gs.empty())
    for (const ref::Geometry& g : ref::catalogue()) gs.push_back(&g);
  std::vector<std::pair<const tgt::VariantInfo*, const ref::Geometry*>> out;
  for (const tgt::VariantInfo* v : vs)
    for (const ref::Geometry* g : gs)
      if (g->family == v->family) out.push_back({v, g});
  return out;
}

Row prove_pair(const tgt::VariantInfo& v, const ref::Geometry& g, const ProveOptions& opt) {
  smt::Context ctx;
  smt::Scope scope(ctx);
  return prove_pair_in(ctx, v, g, opt);
}

MatrixResult prove_matrix(const ProveOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  MatrixResult r;
  r.obligations = opt.obligations.empty() ? all_obligations() : opt.obligations;
  r.timeout_ms = opt.timeout_ms;
  const auto pairs = matrix_pairs(opt);
  r.rows.resize(pairs.size());
  const unsigned jobs = std::max(1u, std::min<unsigned>(opt.jobs, static_cast<unsigned>(pairs.size())));
  r.jobs = jobs;
  std::atomic<size_t> next{0};
  auto worker = [&] {
    // One fresh Z3 context per pair (contexts are not shared between
    // threads either): a pair's queries then run in the same solver state
    // whichever worker takes it, so -j never changes a model Z3 returns.
    for (size_t i = next++; i < pairs.size(); i = next++) r.rows[i] = prove_pair(*pairs[i].first, *pairs[i].second, opt);
  };
  if (jobs == 1) {
    worker();
  } else {
    std::vector<std::thread> ts;
    for (unsigned j = 0; j < jobs; ++j) ts.emplace_back(worker);
    for (std::thread& t : ts) t.join();
  }
  r.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

size_t MatrixResult::count(State s) const {
  size_t n = 0;
  for (const Row& row : rows)
    for (const Cell& c : row.cells) n += c.state == s;
  return n;
}

int MatrixResult::exit_code() const {
  if (count(State::kCounterexample) || count(State::kHarnessError)) return 1;
  if (count(State::kUnknown)) return 3;
  return 0;
}

double median_obligation_ms(const MatrixResult& r) {
  std::vector<double> ms;
  for (const Row& row : r.rows)
    for (const Cell& c : row.cells)
      for (const HalfResult& h : c.halves) ms.push_back(h.ms);
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  return n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
}

std::string summary_line(const MatrixResult& r, bool timings) {
  size_t cells = 0;
  for (const Row& row : r.rows) cells += row.cells.size();
  std::string s = fmt::format(
      "prove: {} rows x {} obligations = {} cells: {} proved, {} not applicable, {} counterexample{}, "
      "{} unknown, {} harness error{}",
      r.rows.size(), r.obligations.size(), cells, r.count(State::kProved), r.count(State::kNotApplicable),
      r.count(State::kCounterexample), r.count(State::kCounterexample) == 1 ? "" : "s", r.count(State::kUnknown),
      r.count(State::kHarnessError), r.count(State::kHarnessError) == 1 ? "" : "s");
  if (timings) s += fmt::format(" ({:.2f} s, {} job{})", r.wall_ms / 1000.0, r.jobs, r.jobs == 1 ? "" : "s");
  return s;
}

}  // namespace ptfold::solver
