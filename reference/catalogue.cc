// The geometry catalogue: the arm64 rows (4K/16K/64K pages, the 52-bit VA
// builds on CPUs with and without LPA2/LVA, the boot-time page-size family),
// and the x86-64 / RISC-V rows (catalogue_*.cc).
#include "reference/geometry.h"

#include <algorithm>
#include <stdexcept>

#include "reference/arm64.h"
#include "reference/catalogue_internal.h"

namespace ptfold::ref {

const char* fault_name(Fault f) {
  switch (f) {
    case Fault::kNone: return "none";
    case Fault::kRange: return "range";
    case Fault::kTranslation: return "translation";
    case Fault::kAddressSize: return "address size";
    case Fault::kReserved: return "reserved bits";
    case Fault::kMisaligned: return "misaligned superpage";
  }
  return "?";
}

namespace detail {

Half make_half(bool upper, const char* name, unsigned ia) {
  Half h;
  h.upper = upper;
  h.name = name;
  h.ia = ia;
  const u64 span = ia >= 64 ? ~u64{0} : (u64{1} << ia) - 1;
  h.va_lo = upper ? ~span : 0;
  h.va_hi = upper ? ~u64{0} : span;
  return h;
}

}  // namespace detail

namespace {

using detail::make_half;

struct Arm64Row {
  unsigned page_shift;
  unsigned va_bits;  // the most VA bits the build supports
  unsigned levels;   // levels the build provides
  bool cpu_feature;  // LPA2 (4K/16K) or LVA (64K); only matters for VA 52
  unsigned ia;       // VA bits the boot code programs: 64 - TCR_EL1.T1SZ
  bool boot;         // boot-time page-size RFC style
};

std::string arm64_name(const Arm64Row& r) {
  std::string n = "arm64-" + std::to_string((1u << r.page_shift) / 1024) + "k-va" +
                  std::to_string(r.va_bits);
  if (r.boot) return n + "-boot";
  if (r.va_bits == 52) n += r.page_shift == 16 ? (r.cpu_feature ? "-lva" : "-nolva")
                                               : (r.cpu_feature ? "-lpa2" : "-nolpa2");
  return n;
}

// One arm64 row: the register state (TCR_EL1.TxSZ, DS) and the CPU's
// features select the walk (Arm ARM D8, "VMSAv8-64 translation").
Geometry make_arm64(const Arm64Row& r) {
  Geometry g;
  g.arch = Arch::kArm64;
  g.name = arm64_name(r);
  g.family = r.boot ? "arm64-boot" : "arm64-lpa2";
  g.page_shift = r.page_shift;
  g.va_bits = r.va_bits;
  g.boot_time_page_size = r.boot;
  const bool k64 = r.page_shift == 16;
  g.pgtable_levels = r.levels;
  g.pa_bits_52 = r.va_bits == 52;
  g.config_lpa2 = g.pa_bits_52 && !k64;
  g.cpu_has_feature = r.cpu_feature;
  g.vabits_actual = r.ia;

  HwConfig& c = g.hwc;
  c.granule_shift = r.page_shift;
  c.t0sz = c.t1sz = 64 - r.ia;
  c.feat_lpa2 = g.config_lpa2 && r.cpu_feature;
  c.ds = c.feat_lpa2;
  c.feat_lva = k64 && r.va_bits == 52 && r.cpu_feature;
  c.feat_lpa = c.feat_lva;  // a CPU with 52-bit VA on 64K also has 52-bit PA
  c.oa_bits = (c.ds || c.feat_lpa) ? 52 : 48;
  g.hw = arm64::hw_levels(c, r.ia);
  g.runtime_levels = static_cast<unsigned>(g.hw.size());
  g.halves = {make_half(false, "ttbr0", r.ia), make_half(true, "ttbr1", r.ia)};

  const char* feat = k64 ? "LVA" : "LPA2";
  g.summary = std::to_string(1u << (r.page_shift - 10)) + "K pages, VA_BITS=" +
              std::to_string(r.va_bits) + ", " + std::to_string(g.pgtable_levels) +
              " levels compiled, " + std::to_string(g.runtime_levels) + " walked";
  if (r.va_bits == 52) g.summary += std::string(", CPU ") + (r.cpu_feature ? "with " : "without ") + feat;
  if (r.boot) g.summary += ", boot-time page size (RFC)";
  return g;
}

std::vector<Geometry> build() {
  std::vector<Geometry> all;
  // Without the 52-bit feature a VA_BITS=52 build boots with 48 bits
  // programmed (47 with 16K pages); the boot-time page-size builds provide
  // four levels whatever the page size.
  const Arm64Row rows[] = {
      {12, 39, 3, false, 39, false}, {12, 48, 4, false, 48, false}, {12, 52, 5, true, 52, false},
      {12, 52, 5, false, 48, false}, {14, 36, 2, false, 36, false}, {14, 47, 3, false, 47, false},
      {14, 48, 4, false, 48, false}, {14, 52, 4, true, 52, false},  {14, 52, 4, false, 47, false},
      {16, 42, 2, false, 42, false}, {16, 48, 3, false, 48, false}, {16, 52, 3, true, 52, false},
      {16, 52, 3, false, 48, false}, {12, 48, 4, false, 48, true},  {14, 48, 4, false, 48, true},
      {16, 48, 4, false, 48, true},
  };
  for (const Arm64Row& r : rows) all.push_back(make_arm64(r));
  detail::add_x86_64(all);
  detail::add_riscv64(all);
  return all;
}

}  // namespace

const std::vector<Geometry>& catalogue() {
  static const std::vector<Geometry> kAll = build();
  return kAll;
}

bool glob_match(std::string_view p, std::string_view s) {
  // '*' any run, '?' one character; iterative with backtracking to the last '*'.
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<const Geometry*> select(std::string_view glob) {
  std::vector<const Geometry*> out;
  for (const Geometry& g : catalogue())
    if (glob_match(glob, g.name)) out.push_back(&g);
  return out;
}

const Geometry* find(std::string_view name) {
  for (const Geometry& g : catalogue())
    if (g.name == name) return &g;
  return nullptr;
}

}  // namespace ptfold::ref
