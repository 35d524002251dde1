// Concrete replay of solver counterexamples over harness::MemEnv.
#include "solver/replay.h"

#include <fmt/format.h>

#include <stdexcept>

#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/differential.h"
#include "harness/explain.h"
#include "harness/linux_view.h"
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
    case Obligation::kBugOn:
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

// Fast GUP's walk over concrete tables: pgd_offset, then each
// p?d_offset_lockless handed the address of a copy of the parent entry. The
// copies live in a page of their own at the page offsets the counterexample
// chose (a helper that re-aligns the copy's address, ZOO-04, lands in that
// page, not in the table).
Replay replay_lockless(const tgt::VariantInfo& v, const ref::Geometry& g, const Counterexample& c) {
  Replay r;
  r.attempted = true;
  const int hi = half_index(g, c.half);
  const ref::Half& h = g.halves.at(static_cast<size_t>(hi));
  harness::MemEnv env(g.page_size(), harness::test_phys_offset(g), c.pgd_pa & (g.page_size() - 1));
  env.set_lenient(true);
  auto t = tgt::make_variant<u64>(v.name, harness::config_for(g), env);
  bool walking = false;
  try {
    tgt::Mm<u64> mm;
    mm.init_mm = h.upper;
    tgt::MmCounters counters;
    mm.pgd = t->pgd_alloc(mm);
    const unsigned pab = harness::pa_bits(*t, g);
    const u64 leaf = ((c.va >> g.page_shift) * 0x9E3779B97F4A7C15ull) & genmask(pab - 1, g.page_shift);
    harness::map_page(*t, mm, counters, c.va, leaf);
    const u64 root = t->hw_root(env.pa(mm.pgd), h.upper);
    const ref::WalkResult<u64> hw = ref::walk_half(g, hi, c.va, root, env);
    const u64 stack = env.get_free_page(tgt::Level::kPte);
    walking = true;
    harness::LinuxWalk<u64> w;
    w.addr = c.va;
    for (int i = 0; i < tgt::kLevels; ++i) w.index[i] = t->index(static_cast<tgt::Level>(i), c.va);
    w.ptr[0] = t->offset(tgt::Level::kPgd, mm.pgd, c.va);
    u64 copy[tgt::kLevels - 1] = {};
    for (int i = 0; i + 1 < tgt::kLevels; ++i) {
      u64 want = 0x7f8 + 0x10 * static_cast<u64>(i);
      for (const auto& [k, x] : c.values)
        if (k == fmt::format("on-stack {} copy (va)", tgt::level_name(static_cast<tgt::Level>(i))))
          want = x & (g.page_size() - 8);
      copy[i] = stack + want;
      env.write(copy[i], tgt::Level::kPte, env.read(w.ptr[i], static_cast<tgt::Level>(i)));  // READ_ONCE(*p?dp)
      if (i + 2 < tgt::kLevels)
        w.ptr[i + 1] = t->offset_lockless(static_cast<tgt::Level>(i + 1), w.ptr[i], copy[i], c.va);
      else
        w.ptr[i + 1] = t->pte_offset_kernel(copy[i], c.va);
    }
    for (const auto& cmp : harness::compare_levels(harness::linux_view(v.name, g), *t, w, hw))
      if (!cmp.equal) {
        r.reproduced = true;
        // (No addresses: the tables sit at host addresses, which change
        // from run to run.)
        r.detail = fmt::format("concrete lockless walk: the {} entry it reads is not the {} entry the hardware reads",
                               tgt::level_name(cmp.reader), g.hw.at(static_cast<size_t>(cmp.hw)).name);
        return r;
      }
    r.detail = "concrete lockless walk agrees at every level";
  } catch (const harness::EnvError& err) {
    // During the walk: a helper followed a pointer the env sees is wrong
    // (what fuzz_ops' gup op reports); before it: the replay itself failed.
    r.reproduced = walking;
    r.detail = std::string(walking ? "concrete lockless walk: " : "concrete lockless walk could not run: ") + err.what();
  } catch (const std::exception& err) {
    r.detail = std::string("concrete lockless walk could not run: ") + err.what();
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
  for (const auto& [k, prot] : c.values)
    if (k == "protection bits") {
      const u64 leaf = t->mk_leaf(tgt::Level::kPte, pa) | prot;
      if (t->pte_to_phys_leaf(leaf) != pa)
        bad.push_back(fmt::format("leaf {:#x} (pa {:#x}, protection bits {:#x}): __pte_to_phys() gives {:#x}", leaf, pa,
                                  prot, t->pte_to_phys_leaf(leaf)));
      if (ref::next_table_address(g, leaf) != pa)
        bad.push_back(fmt::format("leaf {:#x} (pa {:#x}, protection bits {:#x}): the hardware's output address is {:#x}",
                                  leaf, pa, prot, ref::next_table_address(g, leaf)));
    }
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
  if (c.lockless) {
    // `ptfold walk` runs the locked walk only: fuzz_ops' gup op is the
    // command-line replay of a lockless bug.
    c.walk_command.clear();
    return replay_lockless(v, g, c);
  }
  switch (c.obligation) {
    case Obligation::kWalk:
    case Obligation::kBounds:
    case Obligation::kBugOn:
      return replay_walk(v, g, c);
    case Obligation::kIndex:
      return replay_index(v, g, c);
    case Obligation::kDescriptor:
      return replay_descriptor(v, g, c);
  }
  return {};
}

}  // namespace ptfold::solver
