// Catalogue row -> kernel configuration; (variant, geometry) selection.
#include "harness/binding.h"

#include "reference/walk.h"

namespace ptfold::harness {

// The two layers number architectures alike, and a walk has room for every
// Linux level (config_for converts by value, StaticVec sizes follow).
static_assert(static_cast<int>(ref::Arch::kArm64) == static_cast<int>(tgt::Arch::kArm64));
static_assert(static_cast<int>(ref::Arch::kX86_64) == static_cast<int>(tgt::Arch::kX86_64));
static_assert(static_cast<int>(ref::Arch::kRiscv64) == static_cast<int>(tgt::Arch::kRiscv64));
static_assert(ref::kMaxWalkSteps == tgt::kLevels);

tgt::Config config_for(const ref::Geometry& g) {
  tgt::Config c;
  c.geometry = g.name;
  c.PAGE_SHIFT = g.page_shift;
  c.VA_BITS = g.va_bits;
  c.PGTABLE_LEVELS = g.pgtable_levels;
  switch (g.arch) {
    case ref::Arch::kArm64:
      c.arch = tgt::Arch::kArm64;
      c.ARM64_PA_BITS_52 = g.pa_bits_52;
      c.ARM64_LPA2 = g.config_lpa2;
      c.ARM64_BOOT_TIME_PAGE_SIZE = g.boot_time_page_size;
      // What the boot code programmed: TCR_EL1.T1SZ, TCR_EL1.DS, and the
      // ARM64_HAS_VA52 capability (set when the CPU runs 52-bit VA).
      c.tcr_t1sz = g.hwc.t1sz;
      c.tcr_ds = g.hwc.ds;
      c.cap_va52 = g.vabits_actual == 52;
      break;
    case ref::Arch::kX86_64:
      c.arch = tgt::Arch::kX86_64;
      c.X86_5LEVEL = g.config_5level;
      c.PAGE_TABLE_ISOLATION = g.pti;
      c.la57 = g.hwc.la57;
      break;
    case ref::Arch::kRiscv64:
      c.arch = tgt::Arch::kRiscv64;
      c.riscv_l5 = g.hwc.satp_mode >= 10;
      c.riscv_l4 = g.hwc.satp_mode >= 9;
      break;
  }
  return c;
}

std::vector<Pair> pairs(std::string_view variant_glob, std::string_view geometry_glob) {
  std::vector<Pair> out;
  for (const tgt::VariantInfo& v : tgt::variants()) {
    if (!ref::glob_match(variant_glob, v.name)) continue;
    for (const ref::Geometry& g : ref::catalogue())
      if (g.family == v.family && ref::glob_match(geometry_glob, g.name)) out.push_back({&v, &g});
  }
  return out;
}

}  // namespace ptfold::harness
