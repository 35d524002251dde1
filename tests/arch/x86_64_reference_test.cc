// The x86-64 reference walk against the Intel SDM Vol. 3A §4.5 rules
// (hand-computed vectors, the canonical check, PS leaves and reserved bits)
// and the PTI user root (arch/x86/mm/pti.c).
#include <gtest/gtest.h>

#include "reference/dispatch.h"
#include "reference/geometry.h"
#include "reference/x86_64.h"
#include "tests/arch/walk_test_mem.h"

namespace ptfold::ref {
namespace {

using test::SparseMem;

// A copy of a catalogue row with a different CPU (MAXPHYADDR, PDPE1GB).
Geometry with_cpu(const char* name, unsigned oa_bits, bool pdpe1gb = true) {
  Geometry g = *find(name);
  g.hwc.oa_bits = oa_bits;
  g.hwc.pdpe1gb = pdpe1gb;
  g.hw = x86_64::hw_levels(g.hwc);
  return g;
}

// Builds a table chain for `va` from the root at `root`, tables at
// root + 0x1000 * k, ending in `leaf` at hw level `leaf_hw`.
void build(SparseMem& m, const Geometry& g, u64 root, u64 va, int leaf_hw, u64 leaf) {
  u64 table = root;
  for (int i = 0; i < leaf_hw; ++i) {
    const HwLevel& l = g.hw[i];
    const u64 next = root + 0x1000 * static_cast<u64>(i + 1);
    m.write64(table + 8 * bits(va, l.hi, l.lo), next | 0x63);
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

TEST(X86_64Reference, pml4_index_of_direct_map_base_is_273) {
  const Geometry& g = *find("x86_64-4level");
  SparseMem m;
  const u64 va = 0xffff888000000000;
  build(m, g, 0x100000, va, 3, 0x4000000 | 0x63);
  const auto r = walk_half(g, half_of(g, va), va, u64{0x100000}, m);
  EXPECT_EQ(indices(r), (std::vector<u64>{273, 0, 0, 0}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.oa, 0x4000000u);
  EXPECT_EQ(r.leaf_size, 4096u);
}

TEST(X86_64Reference, pml5_index_of_la57_direct_map_base_is_273) {
  const Geometry& g = *find("x86_64-la57");
  ASSERT_EQ(g.hw.size(), 5u);
  SparseMem m;
  const u64 va = 0xff11000000000000;
  const auto r = walk_half(g, half_of(g, va), va, u64{0x100000}, m, {.tables_only = true});
  EXPECT_EQ(indices(r), (std::vector<u64>{273, 0, 0, 0, 0}));
}

TEST(X86_64Reference, top_of_user_half_indices_255_511_511_510) {
  const Geometry& g = *find("x86_64-4level");
  SparseMem m;
  const u64 va = 0x00007fffffffe000;
  build(m, g, 0x200000, va, 3, 0x1234000 | 0x67);
  const auto r = walk_half(g, half_of(g, va), va + 0x10, u64{0x200000}, m);
  EXPECT_EQ(indices(r), (std::vector<u64>{255, 511, 511, 510}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.oa, 0x1234010u);
}

TEST(X86_64Reference, bit_47_outside_the_sign_extension_is_non_canonical) {
  // Range checks differ: valid on arm64 48-bit (TTBR0, L0 index 256), #GP on x86.
  const Geometry& g4 = *find("x86_64-4level");
  SparseMem m;
  const u64 va = 0x0000800000000000;
  const auto r4 = walk_half(g4, half_of(g4, va), va, u64{0x100000}, m);
  EXPECT_EQ(r4.fault, Fault::kRange);
  EXPECT_TRUE(r4.steps.empty());
  // With LA57 the same address is an ordinary user address (PML5 index 0,
  // PML4 index 256) ...
  const Geometry& g5 = *find("x86_64-la57");
  const auto r5 = walk_half(g5, half_of(g5, va), va, u64{0x100000}, m, {.tables_only = true});
  EXPECT_EQ(indices(r5), (std::vector<u64>{0, 256, 0, 0, 0}));
  // ... but bit 56 must match the bits above it.
  const u64 bad5 = 0x0100000000000000;
  EXPECT_EQ(walk_half(g5, half_of(g5, bad5), bad5, u64{0x100000}, m).fault, Fault::kRange);
}

TEST(X86_64Reference, not_present_faults_at_the_level_read) {
  const Geometry& g = *find("x86_64-nola57");
  SparseMem m;
  const u64 va = 0x00007f0000000000;
  build(m, g, 0x100000, va, 3, 0x40000000 | 0x63);
  m.write64(0x100000 + 0x1000 + 8 * bits(va, 38, 30), 0);  // PDPT entry cleared
  const auto r = walk_half(g, 0, va, u64{0x100000}, m);
  EXPECT_EQ(r.fault, Fault::kTranslation);
  EXPECT_EQ(r.fault_hw, 1);
}

TEST(X86_64Reference, ps_leaves_at_pdpt_and_pd) {
  const Geometry& g = *find("x86_64-nola57");
  SparseMem m;
  const u64 va1 = 0x00007f4000000000, va2 = 0x00007e0000200000;
  build(m, g, 0x100000, va1, 1, 0x80000000 | 0x80 | 0x63);  // 1 GiB page at PDPT
  build(m, g, 0x800000, va2, 2, 0x3fe00000 | 0x80 | 0x63);  // 2 MiB page at PD
  const auto r1 = walk_half(g, 0, va1 + 0x123456, u64{0x100000}, m);
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r1.leaf_hw, 1);
  EXPECT_EQ(r1.leaf_size, u64{1} << 30);
  EXPECT_EQ(r1.oa, 0x80123456u);
  const auto r2 = walk_half(g, 0, va2 + 0x1234, u64{0x800000}, m);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2.leaf_hw, 2);
  EXPECT_EQ(r2.leaf_size, u64{1} << 21);
  EXPECT_EQ(r2.oa, 0x3fe01234u);
}

TEST(X86_64Reference, ps_in_pml4e_or_pml5e_is_reserved) {
  for (const char* name : {"x86_64-4level", "x86_64-la57"}) {
    const Geometry& g = *find(name);
    SparseMem m;
    const u64 va = 0xffff888000000000;
    build(m, g, 0x100000, va, 0, 0x40000000 | 0x80 | 0x63);
    const auto r = walk_half(g, 1, va, u64{0x100000}, m);
    EXPECT_EQ(r.fault, Fault::kReserved) << name;
    EXPECT_EQ(r.fault_hw, 0) << name;
  }
}

TEST(X86_64Reference, ps_in_pdpte_without_1g_pages_is_reserved) {
  const Geometry g = with_cpu("x86_64-4level", 52, /*pdpe1gb=*/false);
  EXPECT_FALSE(g.hw[1].leaf_ok);
  SparseMem m;
  const u64 va = 0xffff888000000000;
  build(m, g, 0x100000, va, 1, 0x40000000 | 0x80 | 0x63);
  EXPECT_EQ(walk_half(g, 1, va, u64{0x100000}, m).fault, Fault::kReserved);
}

TEST(X86_64Reference, address_bits_above_maxphyaddr_are_reserved) {
  // MAXPHYADDR 46 makes entry bits [51:46] reserved: #PF with
  // RSVD, not "not present".
  const Geometry g = with_cpu("x86_64-nola57", 46);
  SparseMem m;
  const u64 va = 0xffff888000000000;
  build(m, g, 0x100000, va, 3, (u64{1} << 46) | 0x63);
  auto r = walk_half(g, 1, va, u64{0x100000}, m);
  EXPECT_EQ(r.fault, Fault::kReserved);
  EXPECT_EQ(r.fault_hw, 3);
  // The same entry is fine with MAXPHYADDR 52.
  const Geometry g52 = with_cpu("x86_64-nola57", 52);
  r = walk_half(g52, 1, va, u64{0x100000}, m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.oa, u64{1} << 46);
}

TEST(X86_64Reference, reserved_bits_below_a_large_page_frame) {
  const Geometry& g = *find("x86_64-4level");
  SparseMem m;
  const u64 va = 0xffff888000000000;
  build(m, g, 0x100000, va, 2, 0x200000 | 0x2000 | 0x80 | 0x63);  // bit 13 in a 2M PDE
  EXPECT_EQ(walk_half(g, 1, va, u64{0x100000}, m).fault, Fault::kReserved);
  SparseMem m2;
  build(m2, g, 0x100000, va, 2, 0x200000 | 0x1000 | 0x80 | 0x63);  // bit 12 is PAT
  EXPECT_TRUE(walk_half(g, 1, va, u64{0x100000}, m2).ok());
}

TEST(X86_64Reference, pcid_bits_of_cr3_are_not_address_bits) {
  const Geometry& g = *find("x86_64-4level");
  SparseMem m;
  const u64 va = 0xffff888000000000;
  build(m, g, 0x100000, va, 3, 0x5000 | 0x63);
  const auto r = walk_half(g, 1, va, u64{0x100000 | 0x7ff}, m);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.steps[0].table, 0x100000u);
}

TEST(X86_64Reference, pti_user_cr3_reads_the_second_pgd_page) {
  // PTI: the root is taken from CR3, not from mm->pgd.
  const Geometry& g = *find("x86_64-pti");
  SparseMem m;
  const u64 va = 0x00007f0000000000;
  build(m, g, 0x101000, va, 3, 0x7000 | 0x67);  // entries only in the user page
  const auto user = walk_half(g, 0, va, u64{0x100000 | 0x1000}, m);
  EXPECT_EQ(user.steps[0].table, 0x101000u);
  EXPECT_EQ(user.steps[0].entry, 0x101000u + 8 * 254);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user.oa, 0x7000u);
  // The kernel CR3 (first page) has no such entry.
  EXPECT_EQ(walk_half(g, 0, va, u64{0x100000}, m).fault, Fault::kTranslation);
}

TEST(X86_64Reference, next_table_address_masks_maxphyaddr_and_flags) {
  Geometry g = with_cpu("x86_64-la57", 52);
  EXPECT_EQ(next_table_address(g, u64{0x800ffffffffff067}), 0x000ffffffffff000u);
  g.hwc.oa_bits = 46;
  EXPECT_EQ(next_table_address(g, u64{0x800ffffffffff067}), 0x00003ffffffff000u);
}

}  // namespace
}  // namespace ptfold::ref
