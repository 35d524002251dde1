// The geometry catalogue: every boot-time configuration ptfold checks, with
// its hardware walk shape derived from spec/arch-walks.md and the Linux-level
// to hardware-level map. This is the one list every command iterates.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"

namespace ptfold::ref {

enum class Arch { kArm64, kX86_64, kRiscv64 };

// How Linux folds the levels the running CPU does not walk
// (linux-folding.md §1).
enum class FoldStyle {
  kArm64Lpa2,        // 6.12 LPA2/LVA fallback: compile-time shifts, folded
                     // helpers re-align the pointer to the page
  kRuntimeGeometry,  // boot-time page-size RFC, x86 LA57, RISC-V: runtime
                     // shifts, folded helpers return the pointer unchanged
};

// Linux's five generic levels, in walk order.
enum class Level { kPgd = 0, kP4d = 1, kPud = 2, kPmd = 3, kPte = 4 };
inline constexpr int kLinuxLevels = 5;
const char* level_name(Level l);  // "pgd", "p4d", ...

enum class Fold { kNone, kCompileTime, kRunTime };
const char* fold_name(Fold f);  // "-", "compile time", "run time"

enum class PgdAlloc { kPage, kSlab, kTwoPages };
const char* pgd_alloc_name(PgdAlloc a);  // "page", "pgd_cache", "2 pages (PTI)"

// What the hardware is given at boot: the register state the reference walk
// reads. Fields not used by an architecture stay zero.
struct HwConfig {
  // AArch64 (arch-walks.md §1): TCR_EL1 and CPU features.
  unsigned granule_shift = 12;  // g: 12, 14, 16
  unsigned t0sz = 0, t1sz = 0;  // TxSZ per range; ia = 64 - TxSZ
  bool ds = false;              // TCR_EL1.DS effective (FEAT_LPA2, 4K/16K)
  bool feat_lpa = false;        // 52-bit PA with the 64K granule
  bool feat_lva = false;        // 52-bit VA with the 64K granule
  bool feat_lpa2 = false;       // CPU advertises LPA2 for this granule
  // x86-64 (§2): CR4.LA57 and MAXPHYADDR.
  bool la57 = false;
  bool pdpe1gb = true;
  // RISC-V (§3): satp.MODE (8 Sv39, 9 Sv48, 10 Sv57).
  unsigned satp_mode = 0;
  // Output-address size in bits (arm64 oa_size §1.7, x86 MAXPHYADDR, RISC-V 56).
  unsigned oa_bits = 48;
};

// One table level of the hardware walk, root first.
struct HwLevel {
  int arch_level = 0;   // Arm -1..3; RISC-V LEVELS-1..0; x86 5 (PML5) .. 1 (PT)
  std::string name;     // "L0", "PML4", "level 2"
  unsigned lo = 0;      // index = VA[hi:lo]
  unsigned hi = 0;
  u64 entries = 0;      // 2^(hi-lo+1)
  bool leaf_ok = false; // a block/page/superpage may be mapped here
};

// Linux's view of one generic level in the *running* kernel.
struct LinuxLevel {
  Level level = Level::kPgd;
  Fold fold = Fold::kNone;
  unsigned shift = 0;   // PGDIR_SHIFT, P4D_SHIFT, ... (PAGE_SHIFT for pte)
  u64 ptrs = 0;         // PTRS_PER_PGD, ... as the running kernel sees them
  int hw = 0;           // index into Geometry::hw of the table this level's
                        // entry lives in; several Linux levels may share one
  std::string how;      // for a folded level: how its helper computes the entry
};

// An address half: arm64 TTBR0/TTBR1, x86/RISC-V user/kernel halves.
struct Half {
  bool upper = false;
  std::string name;       // "ttbr0", "ttbr1", "user", "kernel"
  u64 va_lo = 0, va_hi = 0;  // inclusive range the hardware translates
  unsigned ia = 0;        // VA bits translated in this half
  u64 root_offset = 0;    // bytes from the pgd to the root the hardware is
                          // given (arm64 TTBR1_BADDR_4852_OFFSET; x86 PTI user
                          // half: PAGE_SIZE)
};

struct Geometry {
  // Identity.
  std::string name;         // stable: arm64-16k-va52-nolpa2, x86_64-la57, ...
  Arch arch = Arch::kArm64;
  std::string family;       // "arm64-lpa2", "arm64-boot", "x86_64", "riscv64"
  std::string summary;      // one line for humans
  FoldStyle style = FoldStyle::kArm64Lpa2;

  // Configuration: the compile-time choices and what the CPU offers.
  unsigned page_shift = 12;
  unsigned va_bits = 48;          // configured VA_BITS (max VA the kernel supports)
  unsigned pgtable_levels = 4;    // CONFIG_PGTABLE_LEVELS
  bool pa_bits_52 = false;        // CONFIG_ARM64_PA_BITS_52
  bool config_lpa2 = false;       // CONFIG_ARM64_LPA2
  bool boot_time_page_size = false;  // CONFIG_ARM64_BOOT_TIME_PAGE_SIZE (RFC)
  bool config_5level = false;     // x86 CONFIG_X86_5LEVEL
  bool pti = false;               // x86 page-table isolation (two-page pgd)
  bool cpu_has_feature = false;   // LPA2 (4K/16K), LVA (64K), LA57, Sv57/Sv48

  // Derived: what the running kernel and hardware use.
  unsigned vabits_actual = 48;
  unsigned runtime_levels = 4;    // hardware levels walked
  HwConfig hwc;
  std::vector<HwLevel> hw;        // root first
  std::array<LinuxLevel, kLinuxLevels> linux{};
  std::vector<Half> halves;

  u64 pgd_size = 0;               // PGD_SIZE (PTRS_PER_PGD * 8)
  PgdAlloc pgd_alloc = PgdAlloc::kPage;
  u64 pgd_alloc_bytes = 0;        // the object pgd_alloc() returns
  u64 pgd_align = 0;              // its alignment

  u64 page_size() const { return u64{1} << page_shift; }
  const LinuxLevel& lin(Level l) const { return linux[static_cast<int>(l)]; }
  // The Linux level whose entry the hardware reads at hw level i: the deepest
  // Linux level mapped onto it (a folded level's entry *is* that entry).
  Level reader_of(int hw_index) const;
  // Hardware root table size in entries / bytes for a half (arm64 roots may be
  // smaller than a page).
  u64 root_entries() const { return hw.front().entries; }
  u64 root_bytes() const { return hw.front().entries * 8; }
};

// The catalogue, in a stable order.
const std::vector<Geometry>& catalogue();

// Geometries whose name matches a shell-style glob ("arm64-*-boot", "*").
std::vector<const Geometry*> select(std::string_view glob);
bool glob_match(std::string_view pattern, std::string_view name);
const Geometry* find(std::string_view name);

}  // namespace ptfold::ref
