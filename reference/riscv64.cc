// RISC-V walk shape and satp WARL behaviour (RISC-V privileged
// spec: satp, Sv39/Sv48/Sv57).
#include "reference/riscv64.h"

namespace ptfold::ref::riscv64 {

std::vector<HwLevel> hw_levels(const HwConfig& c) {
  std::vector<HwLevel> out;
  const int levels = static_cast<int>(levels_of_mode(c.satp_mode));
  for (int i = levels - 1; i >= 0; --i) {
    HwLevel l;
    l.arch_level = i;
    l.name = "level " + std::to_string(i);
    l.lo = 12 + 9 * static_cast<unsigned>(i);
    l.hi = l.lo + 8;
    l.entries = 512;
    l.leaf_ok = true;  // Sv39/Sv48/Sv57: a leaf may appear at any level
    out.push_back(l);
  }
  return out;
}

u64 satp_write(u64 old_satp, u64 new_satp, unsigned max_mode) {
  const unsigned mode = static_cast<unsigned>(new_satp >> 60);
  const bool supported = mode == kModeBare || (levels_of_mode(mode) != 0 && mode <= max_mode);
  return supported ? new_satp : old_satp;
}

}  // namespace ptfold::ref::riscv64
