// x86-64 walk shape: PML5/PML4/PDPT/PD/PT index bits and leaf rules
// (Intel SDM Vol. 3A §4.5, "4-level and 5-level paging").
#include "reference/x86_64.h"

namespace ptfold::ref::x86_64 {

std::vector<HwLevel> hw_levels(const HwConfig& c) {
  static const char* const kNames[] = {"", "PT", "PD", "PDPT", "PML4", "PML5"};
  std::vector<HwLevel> out;
  for (int n = c.la57 ? 5 : 4; n >= 1; --n) {
    HwLevel l;
    l.arch_level = n;
    l.name = kNames[n];
    l.lo = level_lo(n);
    l.hi = l.lo + 8;
    l.entries = 512;
    // SDM §4.5: PT always; PD with PS; PDPT with PS only if CPUID reports 1-GiB
    // pages; never PML4/PML5 (bit 7 reserved there).
    l.leaf_ok = n == 1 || n == 2 || (n == 3 && c.pdpe1gb);
    out.push_back(l);
  }
  return out;
}

}  // namespace ptfold::ref::x86_64
