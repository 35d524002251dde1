// x86-64 catalogue rows: a 4-level build, a 5-level build on CPUs with and
// without LA57, and page-table isolation (Intel SDM Vol. 3A
// §4.5; docs/geometries.md).
#include "reference/catalogue_internal.h"
#include "reference/x86_64.h"

namespace ptfold::ref::detail {
namespace {

struct X86Row {
  const char* name;
  bool config_5level;  // CONFIG_X86_5LEVEL
  bool la57;           // CPUID.7.ECX.LA57 (and no `no5lvl`): CR4.LA57 at boot
  bool pti;            // page-table isolation: a user-mode CR3 of its own
};

Geometry make_x86_64(const X86Row& r) {
  Geometry g;
  g.name = r.name;
  g.arch = Arch::kX86_64;
  g.family = "x86_64";
  g.page_shift = 12;
  g.config_5level = r.config_5level;
  g.pti = r.pti;
  g.cpu_has_feature = r.la57;
  g.pgtable_levels = r.config_5level ? 5 : 4;
  g.va_bits = r.config_5level ? 57 : 48;  // the most the kernel can use

  // CR4.LA57 is set only by a 5-level build on a CPU that has it.
  const bool l5 = r.config_5level && r.la57;
  g.vabits_actual = l5 ? 57 : 48;
  g.runtime_levels = l5 ? 5 : 4;
  HwConfig& c = g.hwc;
  c.la57 = l5;
  c.pdpe1gb = true;
  // MAXPHYADDR 52, the architectural maximum. Smaller M is
  // probed by the reference tests.
  c.oa_bits = 52;
  g.hw = x86_64::hw_levels(c);

  const unsigned half_bits = g.vabits_actual - 1;  // VA[63:VA-1] all equal
  g.halves = {make_half(false, "user", half_bits), make_half(true, "kernel", half_bits)};

  g.summary = std::string(r.config_5level ? "CONFIG_X86_5LEVEL" : "4-level kernel (no CONFIG_X86_5LEVEL)") +
              ", CPU " + (r.la57 ? "with" : "without") + " LA57, " +
              std::to_string(g.runtime_levels) + " levels walked";
  if (r.pti) g.summary += ", PTI (user-mode CR3 of its own)";
  return g;
}

}  // namespace

void add_x86_64(std::vector<Geometry>& out) {
  // PTI sits on the 5-level build without LA57: distribution kernels build
  // both together, PTI is on by default only on Meltdown-affected CPUs, and
  // none of those has LA57.
  const X86Row rows[] = {
      {"x86_64-4level", false, false, false},
      {"x86_64-la57", true, true, false},
      {"x86_64-nola57", true, false, false},
      {"x86_64-pti", true, false, true},
  };
  for (const X86Row& r : rows) out.push_back(make_x86_64(r));
}

}  // namespace ptfold::ref::detail
