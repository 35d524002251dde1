// The RISC-V reference walk against the RISC-V privileged spec's Sv39/Sv48/
// Sv57 rules (hand-computed vectors, the sign-extension rule, pointer vs leaf
// PTEs, reserved encodings, superpage alignment) and satp's WARL rule.
#include <gtest/gtest.h>

#include "reference/dispatch.h"
#include "reference/geometry.h"
#include "reference/riscv64.h"
#include "tests/arch/walk_test_mem.h"

namespace ptfold::ref {
namespace {

using test::SparseMem;
using namespace riscv64;

constexpr u64 kTable = kV;                             // pointer PTE
constexpr u64 kLeafRW = kV | kR | kW | kA | kD;        // leaf PTE
u64 pte(u64 pa, u64 flags) { return ((pa >> 12) << 10) | flags; }
u64 satp(const Geometry& g, u64 root) { return (u64{g.hwc.satp_mode} << 60) | (root >> 12); }

// Table chain for `va` from `root` (tables at root + 0x1000 * k), ending in
// `leaf` at hw index leaf_hw.
void build(SparseMem& m, const Geometry& g, u64 root, u64 va, int leaf_hw, u64 leaf) {
  u64 table = root;
  for (int i = 0; i < leaf_hw; ++i) {
    const HwLevel& l = g.hw[i];
    const u64 next = root + 0x1000 * static_cast<u64>(i + 1);
    m.write64(table + 8 * bits(va, l.hi, l.lo), pte(next, kTable));
    table = next;
  }
  const HwLevel& l = g.hw[leaf_hw];
  m.write64(table + 8 * bits(va, l.hi, l.lo), leaf);
}

std::vector<u64> indices(const WalkResult<u64>& r) {
  std::vector<u64> out;
  for (const auto& s : r.steps) out.push_back(s.index);
  return out;
}

TEST(Riscv64Reference, root_vpn_of_each_kernel_half_base_is_256) {
  const struct { const char* geo; u64 va; size_t levels; } cases[] = {
      {"riscv64-sv39", 0xffffffc000000000, 3},
      {"riscv64-sv48", 0xffff800000000000, 4},
      {"riscv64-sv57", 0xff00000000000000, 5},
  };
  for (const auto& c : cases) {
    const Geometry& g = *find(c.geo);
    SparseMem m;
    const auto r = walk_half(g, half_of(g, c.va), c.va, satp(g, 0x100000), m, {.tables_only = true});
    ASSERT_EQ(r.steps.size(), c.levels) << c.geo;
    EXPECT_EQ(r.steps[0].index, 256u) << c.geo;
    EXPECT_TRUE(r.in_range) << c.geo;
  }
}

TEST(Riscv64Reference, sv39_top_of_user_half_is_255_511_511) {
  const Geometry& g = *find("riscv64-sv39");
  SparseMem m;
  const u64 va = 0x0000003fffffffff;
  build(m, g, 0x80000000, va, 2, pte(0x87654000, kLeafRW));
  const auto r = walk_half(g, 0, va, satp(g, 0x80000000), m);
  EXPECT_EQ(indices(r), (std::vector<u64>{255, 511, 511}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.oa, 0x87654fffu);
  EXPECT_EQ(r.leaf_size, 4096u);
}

TEST(Riscv64Reference, bits_above_va_must_equal_bit_va_minus_1) {
  const Geometry& g39 = *find("riscv64-sv39");
  SparseMem m;
  const u64 va = 0x0000004000000000;  // bit 38 set, bits [63:39] clear
  const auto r = walk_half(g39, half_of(g39, va), va, satp(g39, 0x100000), m);
  EXPECT_EQ(r.fault, Fault::kRange);
  EXPECT_TRUE(r.steps.empty());
  // The same address is a user address under Sv48.
  const Geometry& g48 = *find("riscv64-sv48");
  const auto r48 = walk_half(g48, 0, va, satp(g48, 0x100000), m, {.tables_only = true});
  EXPECT_TRUE(r48.in_range);
  EXPECT_EQ(indices(r48), (std::vector<u64>{0, 256, 0, 0}));
}

TEST(Riscv64Reference, superpages_at_every_level) {
  const Geometry& g = *find("riscv64-sv57");
  // hw index 0..4 = level 4..0; a leaf at level i maps 2^(12+9i) bytes.
  for (int hw = 0; hw < 5; ++hw) {
    const unsigned n = 12 + 9 * static_cast<unsigned>(4 - hw);
    SparseMem m;
    const u64 va = 0x00aa000000000000 & genmask(55, 0);
    const u64 pa = u64{1} << 50;  // aligned to every superpage size
    build(m, g, 0x100000, va, hw, pte(pa, kLeafRW));
    const u64 off = 0x123 & genmask(n - 1, 0);
    const auto r = walk_half(g, 0, va + off, satp(g, 0x100000), m);
    ASSERT_TRUE(r.ok()) << "hw " << hw << " fault " << fault_name(r.fault);
    EXPECT_EQ(r.leaf_size, u64{1} << n);
    EXPECT_EQ(r.oa, pa | off);
  }
}

TEST(Riscv64Reference, misaligned_superpage_faults) {
  const Geometry& g = *find("riscv64-sv48");
  SparseMem m;
  const u64 va = 0x0000000040000000;
  // hw index 1 is level 2 (1 GiB): PPN[1] != 0 is misaligned.
  build(m, g, 0x100000, va, 1, pte(0x40000000 + 0x200000, kLeafRW));
  const auto r = walk_half(g, 0, va, satp(g, 0x100000), m);
  EXPECT_EQ(r.fault, Fault::kMisaligned);
  EXPECT_EQ(r.fault_hw, 1);
  // hw index 2 is level 1 (2 MiB): the same PA is aligned there, 4 KiB more is not.
  SparseMem m2;
  build(m2, g, 0x100000, va, 2, pte(0x40000000 + 0x200000, kLeafRW));
  EXPECT_TRUE(walk_half(g, 0, va, satp(g, 0x100000), m2).ok());
  SparseMem m3;
  build(m3, g, 0x100000, va, 2, pte(0x40000000 + 0x201000, kLeafRW));
  EXPECT_EQ(walk_half(g, 0, va, satp(g, 0x100000), m3).fault, Fault::kMisaligned);
}

TEST(Riscv64Reference, reserved_encodings_fault) {
  const Geometry& g = *find("riscv64-sv39");
  const u64 va = 0x0000000000400000;
  const struct { const char* what; int hw; u64 entry; Fault f; } cases[] = {
      {"W without R", 2, pte(0x5000, kV | kW), Fault::kReserved},
      {"bit 54", 2, pte(0x5000, kLeafRW) | (u64{1} << 54), Fault::kReserved},
      {"PBMT without Svpbmt", 2, pte(0x5000, kLeafRW) | (u64{1} << 61), Fault::kReserved},
      {"A in a pointer", 1, pte(0x9000, kV | kA), Fault::kReserved},
      {"U in a pointer", 0, pte(0x9000, kV | kU), Fault::kReserved},
      {"pointer at level 0", 2, pte(0x9000, kV), Fault::kTranslation},
      {"not valid", 1, pte(0x9000, kR), Fault::kTranslation},
  };
  for (const auto& c : cases) {
    SparseMem m;
    build(m, g, 0x100000, va, c.hw, c.entry);
    const auto r = walk_half(g, 0, va, satp(g, 0x100000), m);
    EXPECT_EQ(r.fault, c.f) << c.what;
    EXPECT_EQ(r.fault_hw, c.hw) << c.what;
  }
}

TEST(Riscv64Reference, satp_mode_other_than_the_cpu_mode_does_not_walk) {
  const Geometry& g = *find("riscv64-sv48");
  SparseMem m;
  const u64 wrong = (u64{kModeSv57} << 60) | 0x100;
  const auto r = walk_half(g, 0, u64{0x1000}, wrong, m);
  EXPECT_NE(r.fault, Fault::kNone);
  EXPECT_TRUE(r.steps.empty());
}

TEST(Riscv64Reference, satp_is_warl_for_unsupported_modes) {
  const u64 old = (u64{kModeSv39} << 60) | 0x80;
  const u64 sv57 = (u64{kModeSv57} << 60) | 0x90;
  const u64 sv48 = (u64{kModeSv48} << 60) | 0x90;
  // A CPU whose best mode is Sv48 keeps the old value for Sv57 and for
  // reserved mode 11, and takes Sv48, Sv39 and Bare.
  EXPECT_EQ(satp_write(old, sv57, kModeSv48), old);
  EXPECT_EQ(satp_write(old, u64{11} << 60, kModeSv48), old);
  EXPECT_EQ(satp_write(old, sv48, kModeSv48), sv48);
  EXPECT_EQ(satp_write(old, 0, kModeSv48), 0u);
  EXPECT_EQ(satp_write(old, sv57, kModeSv57), sv57);
  EXPECT_EQ(satp_write(old, sv48, kModeSv39), old);
}

TEST(Riscv64Reference, pte_address_is_ppn_times_4096) {
  EXPECT_EQ(pte_address(u64{0x003ffffffffffc01}), genmask(55, 12));
  EXPECT_EQ(pte_address(pte(0x123456789000, kTable) | (u64{1} << 63)), 0x123456789000u);
}

}  // namespace
}  // namespace ptfold::ref
