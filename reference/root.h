// The translation root register as the CPU treats writes to it, and which
// walk its value selects: arm64 TTBRn_EL1 and x86 CR3 take any value and the
// geometry stays as booted; RISC-V satp is WARL (RISC-V privileged spec) and its
// MODE field picks Bare, Sv39, Sv48 or Sv57. Boot-time satp probes
// are judged with these, so callers need not know the architecture.
#pragma once

#include "reference/arm64.h"
#include "reference/geometry.h"
#include "reference/riscv64.h"

namespace ptfold::ref {

// The register's value after software writes `v` to it on CPU `cpu` (a
// catalogue row: its hardware is the CPU), holding `old` before.
inline u64 root_write(const Geometry& cpu, u64 old, u64 v) {
  if (cpu.arch == Arch::kRiscv64) return riscv64::satp_write(old, v, cpu.hwc.satp_mode);
  return v;
}

// The catalogue row of cpu's family whose walk the register value `root`
// selects, or nullptr when translation is off (satp.MODE = Bare).
inline const Geometry* root_geometry(const Geometry& cpu, u64 root) {
  if (cpu.arch != Arch::kRiscv64) return &cpu;
  const unsigned mode = static_cast<unsigned>(root >> 60);
  if (mode == riscv64::kModeBare) return nullptr;
  for (const Geometry& g : catalogue())
    if (g.arch == cpu.arch && g.family == cpu.family && g.page_shift == cpu.page_shift &&
        g.hwc.satp_mode == mode)
      return &g;
  return nullptr;
}

// The bits of a root register value (TTBRn, CR3, satp) for half `half` that
// the architecture reserves below the root table's alignment: not address
// bits of the format, not flags, so never silently rounded away (arm64,
// Arm ARM D8). x86 CR3[11:0] are PCID/PWT/PCD and satp holds a page number, so
// there the mask is empty.
inline u64 root_reserved_mask(const Geometry& g, int half) {
  if (g.arch != Arch::kArm64) return 0;
  const Half& h = g.halves.at(static_cast<size_t>(half));
  return arm64::root_reserved_mask(g.hwc, arm64::shape(g.hwc.granule_shift, h.ia));
}

}  // namespace ptfold::ref
