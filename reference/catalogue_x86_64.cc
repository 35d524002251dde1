// x86-64 catalogue rows: a kernel without CONFIG_X86_5LEVEL (p4d folded at
// compile time), a 5-level kernel on LA57 and non-LA57 CPUs (p4d folded at
// run time), and page-table isolation's two-page pgd (linux-folding.md §3,
// arch-walks.md §2 and §5.4).
#include "reference/catalogue_internal.h"
#include "reference/x86_64.h"

namespace ptfold::ref::detail {
namespace {

struct X86Row {
  const char* name;
  bool config_5level;  // CONFIG_X86_5LEVEL
  bool la57;           // CPUID.7.ECX.LA57 (and no `no5lvl`): CR4.LA57 at boot
  bool pti;            // X86_FEATURE_PTI: PGD_ALLOCATION_ORDER 1
};

Geometry make_x86_64(const X86Row& r) {
  Geometry g;
  g.name = r.name;
  g.arch = Arch::kX86_64;
  g.family = "x86_64";
  g.style = FoldStyle::kRuntimeGeometry;
  g.page_shift = 12;
  g.config_5level = r.config_5level;
  g.pti = r.pti;
  g.cpu_has_feature = r.la57;
  g.pgtable_levels = r.config_5level ? 5 : 4;
  g.va_bits = r.config_5level ? 57 : 48;  // the most the kernel can use

  // configure_5level_paging(): LA57 is switched on only for a 5-level kernel
  // on a CPU that has it (§3).
  const bool l5 = r.config_5level && r.la57;
  g.vabits_actual = l5 ? 57 : 48;
  g.runtime_levels = l5 ? 5 : 4;
  HwConfig& c = g.hwc;
  c.la57 = l5;
  c.pdpe1gb = true;
  // MAXPHYADDR 52: every PA Linux can encode (__PHYSICAL_MASK_SHIFT 52) is
  // addressable. Smaller M (§7 item 12) is probed by the reference tests.
  c.oa_bits = 52;
  g.hw = x86_64::hw_levels(c);

  // Linux's view (pgtable_64_types.h): PTRS_PER_PGD 512; PGDIR_SHIFT is
  // pgdir_shift (48 or 39) with 5-level support, else 39; P4D_SHIFT 39 with
  // PTRS_PER_P4D = ptrs_per_p4d (512 or 1) or, without 5-level support, the
  // pgtable-nop4d.h values (PGDIR_SHIFT, 1).
  auto& L = g.linux;
  L[0].shift = l5 ? 48 : 39;
  L[0].ptrs = 512;
  L[1].shift = 39;
  L[1].ptrs = l5 ? 512 : 1;
  if (!r.config_5level) {
    L[1].fold = Fold::kCompileTime;
    L[1].how = "pgtable-nop4d.h: (p4d_t *)pgdp";
  } else if (!l5) {
    L[1].fold = Fold::kRunTime;
    L[1].how = "p4d_offset returns the pgd pointer unchanged (!pgtable_l5_enabled())";
  }
  L[2].shift = 30;
  L[2].ptrs = 512;
  L[3].shift = 21;
  L[3].ptrs = 512;
  L[4].shift = 12;
  L[4].ptrs = 512;
  finish_linux_levels(g);

  // pgd_alloc(): __get_free_pages(PGD_ALLOCATION_ORDER); with PTI the kernel
  // pgd is the first page and the user-mode CR3 points at the second
  // (kernel_to_user_pgdp(): bit PAGE_SHIFT set), arch-walks.md §5.4.
  g.pgd_size = 4096;
  g.pgd_alloc = r.pti ? PgdAlloc::kTwoPages : PgdAlloc::kPage;
  g.pgd_alloc_bytes = r.pti ? 8192 : 4096;
  g.pgd_align = g.pgd_alloc_bytes;
  const unsigned half_bits = g.vabits_actual - 1;  // VA[63:VA-1] all equal
  g.halves = {make_half(false, "user", half_bits, r.pti ? 4096 : 0),
              make_half(true, "kernel", half_bits, 0)};

  g.summary = std::string(r.config_5level ? "CONFIG_X86_5LEVEL" : "4-level kernel (no CONFIG_X86_5LEVEL)") +
              ", CPU " + (r.la57 ? "with" : "without") + " LA57, " +
              std::to_string(g.runtime_levels) + " levels walked";
  if (r.pti) g.summary += ", PTI (two-page pgd, user CR3 on the second page)";
  return g;
}

}  // namespace

void add_x86_64(std::vector<Geometry>& out) {
  // PTI sits on the 5-level kernel without LA57: distribution kernels build
  // CONFIG_X86_5LEVEL and CONFIG_MITIGATION_PAGE_TABLE_ISOLATION together,
  // PTI is on by default only on Meltdown-affected CPUs, and none of those
  // has LA57. That is also the row where the folded p4d's set_p4d() takes
  // native_set_p4d()'s pti_set_user_pgtbl() branch (!pgtable_l5_enabled()).
  const X86Row rows[] = {
      {"x86_64-4level", false, false, false},
      {"x86_64-la57", true, true, false},
      {"x86_64-nola57", true, false, false},
      {"x86_64-pti", true, false, true},
  };
  for (const X86Row& r : rows) out.push_back(make_x86_64(r));
}

}  // namespace ptfold::ref::detail
