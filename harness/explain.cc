// explain_walk: one VA through a variant's helpers and the reference walk.
#include "harness/explain.h"

#include <fmt/format.h>

#include <stdexcept>

#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/differential.h"
#include "harness/mem_env.h"
#include "reference/dispatch.h"

namespace ptfold::harness {

namespace {
const char* const kHelpers[] = {"pgd_offset", "p4d_offset", "pud_offset", "pmd_offset",
                                "pte_offset_kernel"};
}  // namespace

const ref::Half& explain_half(const ref::Geometry& g, u64 va, Explained& e) {
  e.half = ref::half_of(g, va);
  if (e.half < 0 || va < g.halves[e.half].va_lo || va > g.halves[e.half].va_hi) {
    std::string ranges;
    for (const ref::Half& h : g.halves)
      ranges += fmt::format("{}{} [{:#018x}, {:#018x}]", ranges.empty() ? "" : ", ", h.name, h.va_lo, h.va_hi);
    throw std::invalid_argument(fmt::format("VA {:#018x} is outside every half of {}: {}", va, g.name, ranges));
  }
  const ref::Half& h = g.halves[e.half];
  e.half_name = h.name;
  return h;
}

Explained explain_walk(const tgt::VariantInfo& v, const ref::Geometry& g, u64 va,
                       const ExplainOptions& opt) {
  Explained e;
  e.geometry = g.name;
  e.variant = v.name;
  e.va = va;
  const ref::Half& h = explain_half(g, va, e);
  e.phys_offset = opt.phys_offset.value_or(test_phys_offset(g));
  MemEnv env(g.page_size(), e.phys_offset, opt.pgd_offset.value_or(g.page_size() / 2));
  env.set_lenient(true);
  auto t = tgt::make_variant<u64>(v.name, config_for(g), env);
  if (!t) throw std::invalid_argument("unknown variant " + v.name);

  // Describe Linux's view even if building the tables fails.
  const LinuxView& view = linux_view(v.name, g);
  e.pgd_alloc = view.pgd_alloc;
  e.pgd_alloc_bytes = view.pgd_alloc_bytes;
  for (const LinuxLevel& ll : view.level) {
    ExplainedLinuxLevel l;
    l.level = ll.level;
    l.helper = kHelpers[static_cast<int>(ll.level)];
    l.fold = ll.fold;
    l.how = ll.how;
    l.hw = ll.hw;
    l.reads_hw = view.reader_of(ll.hw) == ll.level;
    l.shift = ll.shift;
    l.ptrs = ll.ptrs;
    l.index = t->index(ll.level, va);
    e.levels.push_back(l);
  }
  tgt::Mm<u64> mm;
  mm.init_mm = h.upper;
  tgt::MmCounters counters;
  try {
    mm.pgd = t->pgd_alloc(mm);
    e.pgd_va = mm.pgd;
    e.pgd_pa = env.pa(mm.pgd);
    e.root = t->hw_root(e.pgd_pa, h.upper);
    const unsigned pa_bits_ = pa_bits(*t, g);
    e.leaf_pa = ((va >> g.page_shift) * 0x9E3779B97F4A7C15ull) & genmask(pa_bits_ - 1, g.page_shift);
    map_page(*t, mm, counters, va, e.leaf_pa);
    e.leaf_pa |= va & (g.page_size() - 1);
    explain_walks(g, view, *t, env, mm.pgd, va, e);
  } catch (const EnvError& err) {
    e.error = err.what();
  }
  if (e.error.empty()) e.error = env.first_wild_access();
  return e;
}

}  // namespace ptfold::harness
