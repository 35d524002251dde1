// RISC-V catalogue rows: one riscv64 kernel (CONFIG_PGTABLE_LEVELS 5) on CPUs
// whose best mode is Sv57, Sv48 or Sv39; p4d and pud fold at run time
// (linux-folding.md §4, arch-walks.md §3 and §5.4).
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
  g.style = FoldStyle::kRuntimeGeometry;
  g.page_shift = 12;
  g.pgtable_levels = 5;
  g.va_bits = 57;
  g.cpu_has_feature = satp_mode == kModeSv57;
  // set_satp_mode() keeps the first mode whose satp write reads back.
  g.vabits_actual = va;
  g.runtime_levels = levels;
  HwConfig& c = g.hwc;
  c.satp_mode = satp_mode;
  c.oa_bits = 56;
  g.hw = riscv64::hw_levels(c);

  // asm/pgtable-64.h: PGDIR_SHIFT = l5 ? 48 : l4 ? 39 : 30, P4D_SHIFT =
  // l5 ? 39 : l4 ? 39 : 30, PUD_SHIFT 30; every PTRS_PER_* stays
  // PAGE_SIZE / 8 = 512 even for a folded level (its index is never used:
  // the folded offset helper returns the pointer it was given).
  const bool l5 = levels >= 5, l4 = levels >= 4;
  auto& L = g.linux;
  L[0].shift = l5 ? 48 : l4 ? 39 : 30;
  L[1].shift = l4 ? 39 : 30;
  L[2].shift = 30;
  L[3].shift = 21;
  L[4].shift = 12;
  for (LinuxLevel& l : L) l.ptrs = 512;
  if (!l5) {
    L[1].fold = Fold::kRunTime;
    L[1].how = "p4d_offset returns the pgd pointer unchanged (!pgtable_l5_enabled)";
  }
  if (!l4) {
    L[2].fold = Fold::kRunTime;
    L[2].how = "pud_offset returns the p4d pointer unchanged (!pgtable_l4_enabled)";
  }
  finish_linux_levels(g);

  // pgd_alloc(): __get_free_page(); satp holds one root for both halves.
  g.pgd_size = 4096;
  g.pgd_alloc = PgdAlloc::kPage;
  g.pgd_alloc_bytes = 4096;
  g.pgd_align = 4096;
  g.halves = {make_half(false, "user", va - 1, 0), make_half(true, "kernel", va - 1, 0)};
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
