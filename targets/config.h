// The kernel configuration and boot-time CPU state a target model is built
// for: what Kconfig chose and what the kernel reads from the hardware. The
// targets derive PGDIR_SHIFT, PTRS_PER_* and folding from this with the
// kernel's own formulas, independently of reference/.
#pragma once

#include <cstdint>
#include <string>

namespace ptfold::tgt {

enum class Arch { kArm64, kX86_64, kRiscv64 };

// Linux's generic levels, in walk order (the reference knows hardware levels only).
enum class Level { kPgd = 0, kP4d = 1, kPud = 2, kPmd = 3, kPte = 4 };
inline constexpr int kLevels = 5;
const char* level_name(Level l);

struct Config {
  Arch arch = Arch::kArm64;
  std::string geometry;  // catalogue name, for reports

  // Kconfig.
  unsigned PAGE_SHIFT = 12;
  unsigned VA_BITS = 48;           // CONFIG_ARM64_VA_BITS (arm64)
  unsigned PGTABLE_LEVELS = 4;     // CONFIG_PGTABLE_LEVELS
  bool ARM64_PA_BITS_52 = false;
  bool ARM64_LPA2 = false;
  bool ARM64_BOOT_TIME_PAGE_SIZE = false;  // Ryan Roberts' RFC
  bool X86_5LEVEL = false;
  bool PAGE_TABLE_ISOLATION = false;

  // Boot-time hardware state the kernel reads.
  unsigned tcr_t1sz = 16;       // arm64 TCR_EL1.T1SZ (vabits_actual = 64 - T1SZ)
  bool tcr_ds = false;          // arm64 TCR_EL1.DS (lpa2_is_enabled())
  bool cap_va52 = false;        // arm64 ARM64_HAS_VA52
  bool la57 = false;            // x86 CR4.LA57 (pgtable_l5_enabled())
  bool riscv_l4 = false;        // RISC-V pgtable_l4_enabled
  bool riscv_l5 = false;        // RISC-V pgtable_l5_enabled
};

}  // namespace ptfold::tgt
