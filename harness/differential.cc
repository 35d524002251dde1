// Concrete differential check: Linux helpers vs the reference walk.
#include "harness/differential.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <set>

#include "harness/binding.h"
#include "reference/arm64.h"
#include "reference/dispatch.h"
#include "targets/mm/memory.h"

namespace ptfold::harness {

u64 test_phys_offset(const ref::Geometry& g) {
  if (g.arch != ref::Arch::kArm64) return 0;
  if (g.hwc.ds) return u64{3} << 50;
  if (g.hwc.feat_lpa) return u64{0xf} << 48;
  return 0;
}

std::vector<u64> test_vas(const ref::Geometry& g, unsigned seed, unsigned random_vas) {
  std::set<u64> vas;
  std::mt19937_64 rng(seed);
  const u64 page_mask = ~(g.page_size() - 1);
  for (const ref::Half& h : g.halves) {
    auto add = [&](u64 va) {
      if (va >= h.va_lo && va <= h.va_hi) vas.insert(va & page_mask);
    };
    add(h.va_lo);
    add(h.va_hi);
    for (const ref::HwLevel& l : g.hw) {
      for (unsigned bit = l.lo; bit <= l.hi; ++bit) {
        add(h.va_lo + (u64{1} << bit));
        add(h.va_hi - (u64{1} << bit) + 1);
      }
      add(h.va_lo + (u64{1} << (l.hi + 1)) - 1);
    }
    for (unsigned i = 0; i < random_vas; ++i) add(h.va_lo + (rng() & (h.va_hi - h.va_lo)));
  }
  return {vas.begin(), vas.end()};
}

unsigned pa_bits(const tgt::LinuxPageTable<u64, MemEnv>& t, const ref::Geometry& g) {
  return std::min(t.phys_mask_shift(), g.hwc.oa_bits);
}

u64 map_page(tgt::LinuxPageTable<u64, MemEnv>& t, tgt::Mm<u64>& mm, tgt::MmCounters& c, u64 va,
             u64 leaf_pa) {
  u64 ptr = t.pgd_offset(mm, va);
  for (int i = 1; i < tgt::kLevels; ++i) {
    ptr = tgt::pxd_alloc(t, mm, c, static_cast<tgt::Level>(i), ptr, va);
    if (!ptr) throw EnvError("pxd_alloc", "allocation failed");
  }
  t.set_pte(ptr, t.mk_leaf(tgt::Level::kPte, leaf_pa));
  return leaf_pa;
}

std::vector<std::string> differential_on(tgt::LinuxPageTable<u64, MemEnv>& t, MemEnv& env,
                                         const ref::Geometry& g, const LinuxView& view,
                                         unsigned seed, unsigned random_vas) {
  std::vector<std::string> fails;
  auto fail = [&](std::string s) {
    if (fails.size() < 20) fails.push_back(std::move(s));
  };
  for (bool kernel : {false, true}) {
    tgt::Mm<u64> mm;
    mm.init_mm = kernel;
    tgt::MmCounters counters;
    try {
      mm.pgd = t.pgd_alloc(mm);
    } catch (const EnvError& e) {
      fail(fmt::format("{}: pgd_alloc: {}", g.name, e.what()));
      continue;
    }
    const int half = kernel ? 1 : 0;
    if (half >= static_cast<int>(g.halves.size())) continue;
    const ref::Half& h = g.halves[half];
    const u64 root = t.hw_root(env.pa(mm.pgd), h.upper);
    std::mt19937_64 rng(seed * 2 + half);
    for (u64 va : test_vas(g, seed, random_vas)) {
      if (va < h.va_lo || va > h.va_hi) continue;
      const u64 leaf_pa = (rng() & genmask(pa_bits(t, g) - 1, 0)) & ~(g.page_size() - 1);
      try {
        map_page(t, mm, counters, va, leaf_pa);
        const LinuxWalk<u64> lw = linux_walk(t, mm.pgd, va | 0x8);
        const ref::WalkResult<u64> hw = ref::walk_half(g, half, va | 0x8, root, env);
        const auto levels = compare_levels(view, t, lw, hw);
        for (const auto& c : levels)
          if (!c.equal) {
            fail(fmt::format("{} {} va {:#018x}: {} at hw {}: Linux entry pa {:#x}, hardware {:#x}",
                             g.name, h.name, va, tgt::level_name(c.reader), g.hw[c.hw].name,
                             c.linux_entry_pa, c.hw_entry));
            break;
          }
        if (!hw.ok())
          fail(fmt::format("{} {} va {:#018x}: hardware walk faults ({}) at {}", g.name, h.name,
                           va, ref::fault_name(hw.fault),
                           hw.fault_hw >= 0 ? g.hw[hw.fault_hw].name : std::string("root")));
        else if (hw.oa != (leaf_pa | 0x8))
          fail(fmt::format("{} {} va {:#018x}: hardware translates to {:#x}, Linux mapped {:#x}",
                           g.name, h.name, va, hw.oa, leaf_pa | 0x8));
      } catch (const EnvError& e) {
        fail(fmt::format("{} {} va {:#018x}: {}", g.name, h.name, va, e.what()));
      }
    }
  }
  return fails;
}

DifferentialReport run_differential(const tgt::VariantInfo& v, const ref::Geometry& g,
                                    unsigned seed, unsigned random_vas) {
  DifferentialReport r;
  const tgt::Config cfg = config_for(g);
  // Sub-page pgds sit in the middle of their slab page, as a slab would put
  // a later object: a round-down to the page then leaves the object.
  MemEnv env(g.page_size(), test_phys_offset(g), g.page_size() / 2);
  auto t = tgt::make_variant<u64>(v.name, cfg, env);
  if (!t) {
    r.failures.push_back("unknown variant " + v.name);
    return r;
  }
  r.vas_checked = test_vas(g, seed, random_vas).size();
  r.failures = differential_on(*t, env, g, linux_view(v.name, g), seed, random_vas);
  return r;
}

std::vector<std::string> descriptor_round_trip(const tgt::VariantInfo& v, const ref::Geometry& g) {
  std::vector<std::string> fails;
  const tgt::Config cfg = config_for(g);
  MemEnv env(g.page_size());
  auto t = tgt::make_variant<u64>(v.name, cfg, env);
  const unsigned bits = pa_bits(*t, g);
  std::vector<u64> pas = {0, g.page_size()};
  for (unsigned b = g.page_shift; b < bits; ++b) {
    pas.push_back(u64{1} << b);
    pas.push_back((u64{1} << (b + 1)) - g.page_size());
  }
  for (u64 pa : pas) {
    const u64 desc = t->__phys_to_pte_val(pa) | 3;
    const u64 back = t->__pte_to_phys(desc);
    if (back != pa)
      fails.push_back(fmt::format("{}: __pte_to_phys(__phys_to_pte_val({:#x})) = {:#x}", g.name, pa, back));
    if (g.arch == ref::Arch::kArm64) {
      const u64 hw = ref::arm64::next_table_address(g.hwc, desc);
      if (hw != pa)
        fails.push_back(fmt::format("{}: hardware decodes the descriptor for {:#x} as {:#x}", g.name, pa, hw));
    }
  }
  return fails;
}

}  // namespace ptfold::harness
