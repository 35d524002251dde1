// Concrete replay of solver counterexamples over harness::MemEnv.
#include "solver/replay.h"

#include <fmt/format.h>

#include <stdexcept>

#include "harness/binding.h"
#include "harness/explain.h"
#include "harness/mem_env.h"
#include "reference/dispatch.h"

namespace ptfold::solver {

namespace {

int half_index(const ref::Geometry& g, const std::string& name) {
  for (size_t i = 0; i < g.halves.size(); ++i)
    if (g.halves[i].name == name) return static_cast<int>(i);
  throw std::logic_error("solver: no half " + name + " in " + g.name);
}

std::string describe(const harness::Explained& e, const ref::Geometry& g) {
  if (!e.error.empty()) return "concrete walk: " + e.error;
  if (e.first_mismatch >= 0)
    return fmt::format("concrete walk: Linux and hardware entries first differ at {}",
                       g.hw.at(static_cast<size_t>(e.first_mismatch)).name);
  if (e.fault != ref::Fault::kNone)
    return fmt::format("concrete walk: the hardware walk faults ({})", ref::fault_name(e.fault));
  if (e.oa != e.leaf_pa)
    return fmt::format("concrete walk: the hardware translates to {:#x}, Linux mapped {:#x}", e.oa, e.leaf_pa);
  return "concrete walk agrees at every level";
}

Replay replay_walk(const tgt::VariantInfo& v, const ref::Geometry& g, const Counterexample& c) {
  Replay r;
  r.attempted = true;
  harness::ExplainOptions o;
  o.pgd_offset = c.pgd_pa & (g.page_size() - 1);
  harness::Explained e;
  try {
    e = harness::explain_walk(v, g, c.va, o);
  } catch (const std::exception& err) {
    r.detail = std::string("concrete walk could not run: ") + err.what();
    return r;
  }
  r.detail = describe(e, g);
  switch (c.obligation) {
    case Obligation::kFolded:
      // The concrete env turns VM_BUG_ON into an error naming the helper.
      r.reproduced = e.error.find("BUG") != std::string::npos;
      break;
    case Obligation::kWalk:
      r.reproduced = !e.agrees();
      if (e.first_mismatch >= 0 && e.first_mismatch != c.first_diff_hw)
        r.detail += fmt::format(" (the symbolic walk first differs at {})", c.level);
      break;
    default:
      r.reproduced = !e.agrees();
      break;
  }
  return r;
}

Replay replay_index(const tgt::VariantInfo& v, const ref::Geometry& g, const Counterexample& c) {
  Replay r;
  if (c.query.ends_with("/shift")) {
    r.detail = "not replayed: a shift by >= 64 is undefined behaviour concretely (the amount is a "
               "geometry constant; UBSan's shift-exponent check reports it)";
    return r;
  }
  r.attempted = true;
  harness::MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), env);
  for (int i = 0; i < tgt::kLevels; ++i) {
    const auto l = static_cast<tgt::Level>(i);
    const u64 idx = t->index(l, c.va);
    if (idx >= t->ptrs_per(l)) {
      r.reproduced = true;
      r.detail = fmt::format("concrete {}_index({:#x}) = {:#x}, PTRS = {}", tgt::level_name(l), c.va, idx,
                             t->ptrs_per(l));
      return r;
    }
  }
  r.detail = "concrete indices are all in range";
  return r;
}

// A concrete Mem for the reference walk that holds `desc` in table `at`.
struct OneDescMem {
  int at;
  u64 desc;
  u64 read64(u64 /*pa*/, int hw) const { return hw == at ? desc : 3; }
};

Replay replay_descriptor(const tgt::VariantInfo& v, const ref::Geometry& g, Counterexample& c) {
  Replay r;
  r.attempted = true;
  u64 pa = 0;
  bool have = false;
  for (const auto& [k, x] : c.values)
    if (k == "pa") pa = x, have = true;
  if (!have) {
    r.detail = "counterexample carries no pa";
    return r;
  }
  const int hi = half_index(g, c.half);
  const ref::Half& h = g.halves.at(static_cast<size_t>(hi));
  harness::MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), env);
  std::vector<std::string> bad;
  const u64 enc = t->__phys_to_pte_val(pa);
  const u64 back = t->__pte_to_phys(enc);
  if (back != pa) bad.push_back(fmt::format("__pte_to_phys(__phys_to_pte_val({:#x})) = {:#x}", pa, back));
  tgt::Mm<u64> mm;
  mm.init_mm = h.upper;
  try {
    for (int i = 0; i + 1 < static_cast<int>(g.hw.size()); ++i) {
      const auto owner = harness::linux_view(v.name, g).reader_of(i);
      const u64 page = env.get_free_page(owner);
      t->populate(mm, owner, page, env.va(pa));
      const u64 d = env.read(page, owner);
      const u64 lin = t->page_paddr(owner, d);
      OneDescMem mem{i, d};
      const ref::WalkResult<u64> w = ref::walk_half(g, hi, h.va_lo, u64{0}, mem, ref::WalkOptions{.tables_only = true});
      const u64 arch = w.steps.at(static_cast<size_t>(i) + 1).table;
      if (lin != pa) bad.push_back(fmt::format("{}: Linux decodes {:#x} as {:#x}", g.hw[i].name, d, lin));
      if (arch != pa) bad.push_back(fmt::format("{}: the hardware decodes {:#x} as {:#x}", g.hw[i].name, d, arch));
      env.free_page(page, "replay");
    }
  } catch (const std::exception& err) {
    bad.push_back(std::string("concrete run failed: ") + err.what());
  }
  r.reproduced = !bad.empty();
  r.detail = bad.empty() ? fmt::format("concrete round trip of pa {:#x} is exact", pa) : "concrete: " + bad.front();
  // Place the walk's tables in the counterexample's PA range: host pages sit
  // below 2^47, so the offset supplies PA[63:47].
  const u64 phys_offset = pa & ~(genmask(46, 0) | (g.page_size() - 1));
  c.walk_command = fmt::format("ptfold walk --geometry {} --va {:#018x} --target {} --phys-offset {:#x}", g.name,
                               h.va_lo, v.name, phys_offset);
  try {
    harness::ExplainOptions o;
    o.phys_offset = phys_offset;
    const harness::Explained e = harness::explain_walk(v, g, h.va_lo, o);
    r.detail += "; with tables at that PA range, " + describe(e, g);
  } catch (const std::exception& err) {
    r.detail += std::string("; the walk replay could not run: ") + err.what();
  }
  return r;
}

}  // namespace

Replay replay_counterexample(const tgt::VariantInfo& v, const ref::Geometry& g, Counterexample& c) {
  switch (c.obligation) {
    case Obligation::kWalk:
    case Obligation::kBounds:
    case Obligation::kFolded:
      return replay_walk(v, g, c);
    case Obligation::kIndex:
      return replay_index(v, g, c);
    case Obligation::kDescriptor:
      return replay_descriptor(v, g, c);
  }
  return {};
}

}  // namespace ptfold::solver
