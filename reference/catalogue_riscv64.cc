// RISC-V catalogue rows: one riscv64 build providing five levels on CPUs
// whose best mode is Sv57, Sv48 or Sv39 (RISC-V privileged spec,
// Sv39/Sv48/Sv57; docs/geometries.md).
#include "reference/catalogue_internal.h"
#include "reference/riscv64.h"

namespace ptfold::ref::detail {
namespace {

Geometry make_riscv64(unsigned satp_mode) {
  using namespace riscv64;
  Geometry g;
  const unsigned levels = levels_of_mode(satp_mode);
  const unsigned va = va_bits_of_mode(satp_mode);
  g.name = "riscv64-sv" + std::to_string(va);
  g.arch = Arch::kRiscv64;
  g.family = "riscv64";
  g.page_shift = 12;
  g.pgtable_levels = 5;
  g.va_bits = 57;
  g.cpu_has_feature = satp_mode == kModeSv57;
  // The best mode the CPU implements is the one satp is left in.
  g.vabits_actual = va;
  g.runtime_levels = levels;
  HwConfig& c = g.hwc;
  c.satp_mode = satp_mode;
  c.oa_bits = 56;
  g.hw = riscv64::hw_levels(c);

  g.halves = {make_half(false, "user", va - 1), make_half(true, "kernel", va - 1)};
  g.summary = "CONFIG_PGTABLE_LEVELS=5, CPU best mode Sv" + std::to_string(va) + " (satp.MODE " +
              std::to_string(satp_mode) + "), " + std::to_string(levels) + " levels walked";
  return g;
}

}  // namespace

void add_riscv64(std::vector<Geometry>& out) {
  for (unsigned mode : {riscv64::kModeSv57, riscv64::kModeSv48, riscv64::kModeSv39})
    out.push_back(make_riscv64(mode));
}

}  // namespace ptfold::ref::detail
