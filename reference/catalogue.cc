// The geometry catalogue: arm64 rows of linux-folding.md §2.7, the arm64
// boot-time page-size family (§7), and the x86-64 / RISC-V rows (catalogue_*.cc).
#include "reference/geometry.h"

#include <algorithm>
#include <stdexcept>

#include "reference/arm64.h"
#include "reference/catalogue_internal.h"

namespace ptfold::ref {

const char* level_name(Level l) {
  static const char* const kNames[] = {"pgd", "p4d", "pud", "pmd", "pte"};
  return kNames[static_cast<int>(l)];
}

const char* fold_name(Fold f) {
  switch (f) {
    case Fold::kNone: return "-";
    case Fold::kCompileTime: return "compile time";
    case Fold::kRunTime: return "run time";
  }
  return "?";
}

const char* pgd_alloc_name(PgdAlloc a) {
  switch (a) {
    case PgdAlloc::kPage: return "page";
    case PgdAlloc::kSlab: return "pgd_cache";
    case PgdAlloc::kTwoPages: return "2 pages (PTI)";
  }
  return "?";
}

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

Level Geometry::reader_of(int hw_index) const {
  Level best = Level::kPgd;
  for (const LinuxLevel& l : linux)
    if (l.hw == hw_index) best = l.level;
  return best;
}

namespace detail {

void finish_linux_levels(Geometry& g) {
  // A folded level's entry is the entry of the level above: it shares that
  // level's hardware table. Every unfolded level below pgd starts a new one.
  int hw = 0;
  for (int i = 0; i < kLinuxLevels; ++i) {
    LinuxLevel& l = g.linux[i];
    l.level = static_cast<Level>(i);
    if (i > 0 && l.fold == Fold::kNone) ++hw;
    l.hw = hw;
  }
  if (hw + 1 != static_cast<int>(g.hw.size()))
    throw std::logic_error("catalogue: Linux levels do not cover the hardware walk of " + g.name);
}

Half make_half(bool upper, const char* name, unsigned ia, u64 root_offset) {
  Half h;
  h.upper = upper;
  h.name = name;
  h.ia = ia;
  const u64 span = ia >= 64 ? ~u64{0} : (u64{1} << ia) - 1;
  h.va_lo = upper ? ~span : 0;
  h.va_hi = upper ? ~u64{0} : span;
  h.root_offset = root_offset;
  return h;
}

}  // namespace detail

namespace {

using detail::finish_linux_levels;
using detail::make_half;

// ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = (PAGE_SHIFT - 3) * (4 - n) + 3.
unsigned hw_level_shift(unsigned page_shift, int n) {
  return (page_shift - 3) * static_cast<unsigned>(4 - n) + 3;
}

struct Arm64Row {
  unsigned page_shift;
  unsigned va_bits;
  bool cpu_feature;  // LPA2 (4K/16K) or LVA (64K); only matters for VA 52
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

// linux-folding.md §2.1/§2.2 (LPA2 family) and §7 (boot-time family).
Geometry make_arm64(const Arm64Row& r) {
  Geometry g;
  g.arch = Arch::kArm64;
  g.name = arm64_name(r);
  g.family = r.boot ? "arm64-boot" : "arm64-lpa2";
  g.style = r.boot ? FoldStyle::kRuntimeGeometry : FoldStyle::kArm64Lpa2;
  g.page_shift = r.page_shift;
  g.va_bits = r.va_bits;
  g.boot_time_page_size = r.boot;
  const bool k64 = r.page_shift == 16;
  const unsigned s = r.page_shift - 3;

  // ARM64_HW_PGTABLE_LEVELS(va) = (va - 4) / (PAGE_SHIFT - 3).
  const unsigned hw_levels_max = (r.va_bits - 4) / s;
  // The RFC builds every 48-bit kernel with 4 levels and folds at run time.
  g.pgtable_levels = r.boot ? 4 : hw_levels_max;
  g.pa_bits_52 = r.va_bits == 52;
  g.config_lpa2 = g.pa_bits_52 && !k64;
  g.cpu_has_feature = r.cpu_feature;

  // Boot decision (pi/map_kernel.c): without the feature, fall back to
  // VA_BITS_MIN (47 for 16K, else 48).
  const unsigned va_bits_min = r.va_bits > 48 ? (r.page_shift == 14 ? 47 : 48) : r.va_bits;
  g.vabits_actual = (r.va_bits > 48 && !r.cpu_feature) ? va_bits_min : r.va_bits;
  g.runtime_levels = (g.vabits_actual - 4) / s;

  HwConfig& c = g.hwc;
  c.granule_shift = r.page_shift;
  c.t0sz = c.t1sz = 64 - g.vabits_actual;
  c.feat_lpa2 = g.config_lpa2 && r.cpu_feature;
  c.ds = c.feat_lpa2;
  c.feat_lva = k64 && r.va_bits == 52 && r.cpu_feature;
  c.feat_lpa = c.feat_lva;  // a CPU with 52-bit VA on 64K also has 52-bit PA
  c.oa_bits = (c.ds || c.feat_lpa) ? 52 : 48;
  g.hw = arm64::hw_levels(c, g.vabits_actual);

  // Linux's view. LPA2 family: compile-time constants (§2.1). Boot family:
  // runtime shifts, folded levels take PGDIR_SHIFT and one entry (§7).
  const unsigned lv = r.boot ? g.runtime_levels : g.pgtable_levels;
  const unsigned pgdir_shift = hw_level_shift(r.page_shift, 4 - static_cast<int>(lv));
  auto& L = g.linux;
  L[0].shift = pgdir_shift;
  L[0].ptrs = u64{1} << (r.va_bits - pgdir_shift);
  // p4d, pud, pmd exist when the level count exceeds 4, 3, 2.
  for (int i = 1; i <= 3; ++i) {
    const unsigned need = static_cast<unsigned>(5 - i);  // p4d: >4, pud: >3, pmd: >2
    LinuxLevel& l = L[i];
    if (lv > need) {
      l.shift = hw_level_shift(r.page_shift, i - 1);
      l.ptrs = u64{1} << s;
    } else {
      l.shift = L[i - 1].shift;
      l.ptrs = 1;
      if (g.pgtable_levels > need) {
        l.fold = Fold::kRunTime;  // compiled in, folded at boot
        l.how = std::string(level_name(static_cast<Level>(i))) + "_offset returns the " +
                level_name(static_cast<Level>(i - 1)) + " pointer unchanged";
      } else {
        l.fold = Fold::kCompileTime;
        l.how = std::string("pgtable-no") + level_name(static_cast<Level>(i)) + ".h: (" +
                level_name(static_cast<Level>(i)) + "_t *)" + level_name(static_cast<Level>(i - 1)) + "p";
      }
    }
  }
  L[4].shift = r.page_shift;
  L[4].ptrs = u64{1} << s;
  if (!r.boot && g.runtime_levels < g.pgtable_levels) {
    // The LPA2 fallback folds p4d (5 levels) or pud (4 levels) at run time,
    // keeping its compile-time shift and entry count (§2.3).
    LinuxLevel& l = g.pgtable_levels == 5 ? L[1] : L[2];
    l.fold = Fold::kRunTime;
    l.how = g.pgtable_levels == 5
                ? "pgd_to_folded_p4d: PTR_ALIGN_DOWN(pgdp, PAGE_SIZE) + p4d_index(addr)"
                : "p4d_to_folded_pud: PTR_ALIGN_DOWN(p4dp, PAGE_SIZE) + pud_index(addr)";
  }
  finish_linux_levels(g);

  // pgd allocation (arch/arm64/mm/pgd.c): a page when PGD_SIZE == PAGE_SIZE
  // or (LPA2 family only) when a level is folded at run time.
  g.pgd_size = L[0].ptrs * 8;
  const bool page = g.pgd_size == g.page_size() ||
                    (!r.boot && g.runtime_levels < g.pgtable_levels);
  g.pgd_alloc = page ? PgdAlloc::kPage : PgdAlloc::kSlab;
  g.pgd_alloc_bytes = page ? g.page_size() : g.pgd_size;
  g.pgd_align = g.pgd_alloc_bytes;

  // TTBR1_BADDR_4852_OFFSET (§2.5): 64K, VA 52, CPU without LVA.
  u64 ttbr1_offset = 0;
  if (k64 && r.va_bits == 52 && g.vabits_actual == 48)
    ttbr1_offset = ((u64{1} << (52 - pgdir_shift)) - (u64{1} << (48 - pgdir_shift))) * 8;
  g.halves = {make_half(false, "ttbr0", g.vabits_actual, 0),
              make_half(true, "ttbr1", g.vabits_actual, ttbr1_offset)};

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
  const Arm64Row rows[] = {
      {12, 39, false, false}, {12, 48, false, false}, {12, 52, true, false},
      {12, 52, false, false}, {14, 36, false, false}, {14, 47, false, false},
      {14, 48, false, false}, {14, 52, true, false},  {14, 52, false, false},
      {16, 42, false, false}, {16, 48, false, false}, {16, 52, true, false},
      {16, 52, false, false}, {12, 48, false, true},  {14, 48, false, true},
      {16, 48, false, true},
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
