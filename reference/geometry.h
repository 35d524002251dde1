// The geometry catalogue: every boot-time configuration ptfold checks - the
// configuration a row stands for (architecture, page size, VA bits, CPU
// features, the register state) and the hardware's view of it (levels
// walked, entries per level, root table size). This is the one list every
// command iterates. Architecture only: what Linux makes of a row is the
// target's to report (harness/linux_view.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/word.h"

namespace ptfold::ref {

enum class Arch { kArm64, kX86_64, kRiscv64 };

// What the hardware is given at boot: the register state the reference walk
// reads. Fields not used by an architecture stay zero.
struct HwConfig {
  // AArch64 (Arm ARM D8, VMSAv8-64): TCR_EL1 and CPU features.
  unsigned granule_shift = 12;  // g: 12, 14, 16
  unsigned t0sz = 0, t1sz = 0;  // TxSZ per range; ia = 64 - TxSZ
  bool ds = false;              // TCR_EL1.DS effective (FEAT_LPA2, 4K/16K)
  bool feat_lpa = false;        // 52-bit PA with the 64K granule
  bool feat_lva = false;        // 52-bit VA with the 64K granule
  bool feat_lpa2 = false;       // CPU advertises LPA2 for this granule
  // x86-64 (Intel SDM Vol. 3A §4.5): CR4.LA57 and MAXPHYADDR.
  bool la57 = false;
  bool pdpe1gb = true;
  // RISC-V (privileged spec, satp): satp.MODE (8 Sv39, 9 Sv48, 10 Sv57).
  unsigned satp_mode = 0;
  // Output-address size in bits (arm64 oa_size, x86 MAXPHYADDR, RISC-V 56).
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

// An address half: arm64 TTBR0/TTBR1, x86/RISC-V user/kernel halves.
struct Half {
  bool upper = false;
  std::string name;       // "ttbr0", "ttbr1", "user", "kernel"
  u64 va_lo = 0, va_hi = 0;  // inclusive range the hardware translates
  unsigned ia = 0;        // VA bits translated in this half
};

struct Geometry {
  // Identity.
  std::string name;         // stable: arm64-16k-va52-nolpa2, x86_64-la57, ...
  Arch arch = Arch::kArm64;
  std::string family;       // "arm64-lpa2", "arm64-boot", "x86_64", "riscv64"
  std::string summary;      // one line for humans

  // Configuration: the build choices a row stands for (inputs to the target,
  // never derived here) and what the CPU offers.
  unsigned page_shift = 12;
  unsigned va_bits = 48;          // configured VA_BITS (max VA the kernel supports)
  unsigned pgtable_levels = 4;    // levels the build provides (CONFIG_PGTABLE_LEVELS)
  bool pa_bits_52 = false;        // CONFIG_ARM64_PA_BITS_52
  bool config_lpa2 = false;       // CONFIG_ARM64_LPA2
  bool boot_time_page_size = false;  // CONFIG_ARM64_BOOT_TIME_PAGE_SIZE (RFC)
  bool config_5level = false;     // x86 CONFIG_X86_5LEVEL
  bool pti = false;               // x86 page-table isolation (two-page pgd)
  bool cpu_has_feature = false;   // LPA2 (4K/16K), LVA (64K), LA57, Sv57/Sv48

  // The register state at run time and the hardware walk it selects.
  unsigned vabits_actual = 48;    // VA bits translated: 64 - TxSZ, LA57, satp.MODE
  unsigned runtime_levels = 4;    // hardware levels walked
  HwConfig hwc;
  std::vector<HwLevel> hw;        // root first
  std::vector<Half> halves;

  u64 page_size() const { return u64{1} << page_shift; }
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
