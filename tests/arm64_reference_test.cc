// The AArch64 reference walk against vectors hand-computed from the Arm ARM's
// VMSAv8-64 rules (D8): the per-geometry summary and every worked vector, plus
// descriptor decoding and fault rules.
#include <gtest/gtest.h>

#include <map>

#include "reference/arm64.h"
#include "reference/dispatch.h"

namespace ptfold::ref::arm64 {
namespace {

struct ShapeRow {
  unsigned g, ia;
  int start;
  unsigned levels;
  u64 root_entries;
};

TEST(Arm64Shape, summary_table_1_11) {
  const ShapeRow rows[] = {
      {12, 39, 1, 3, 512},  {12, 42, 0, 4, 8},     {12, 47, 0, 4, 256},  {12, 48, 0, 4, 512},
      {12, 49, -1, 5, 2},   {12, 52, -1, 5, 16},   {14, 36, 2, 2, 2048}, {14, 47, 1, 3, 2048},
      {14, 48, 0, 4, 2},    {14, 52, 0, 4, 32},    {16, 42, 2, 2, 8192}, {16, 48, 1, 3, 64},
      {16, 52, 1, 3, 1024},
  };
  for (const ShapeRow& r : rows) {
    const Shape sh = shape(r.g, r.ia);
    EXPECT_EQ(sh.start, r.start) << r.g << "/" << r.ia;
    EXPECT_EQ(sh.levels(), r.levels) << r.g << "/" << r.ia;
    EXPECT_EQ(sh.root_entries(), r.root_entries) << r.g << "/" << r.ia;
  }
}

// A memory that answers every read with a table descriptor to a distinct
// table per level, recording where the walk read.
struct TableMem {
  HwConfig c;
  std::vector<u64> reads;
  u64 read64(u64 pa, int hw) {
    reads.push_back(pa);
    return (u64{0x40000000} * (hw + 1)) | 3;
  }
};

std::vector<u64> indices(unsigned g, unsigned txsz, bool ds, bool upper, u64 va) {
  HwConfig c;
  c.granule_shift = g;
  c.t0sz = c.t1sz = txsz;
  c.ds = ds;
  c.oa_bits = ds ? 52 : 48;
  Geometry geo;
  geo.hwc = c;
  Half h;
  h.upper = upper;
  h.ia = 64 - txsz;
  TableMem mem{c, {}};
  auto r = walk_half(geo, h, va, u64{0}, mem, WalkOptions{true});
  EXPECT_TRUE(r.in_range) << std::hex << va;
  std::vector<u64> out;
  for (const auto& st : r.steps) out.push_back(st.index);
  return out;
}

TEST(Arm64Walk, worked_vectors_1_11) {
  EXPECT_EQ(indices(12, 16, false, true, 0xffff800012345678), (std::vector<u64>{256, 0, 145, 325}));
  EXPECT_EQ(indices(12, 12, true, true, 0xffff000000000000), (std::vector<u64>{15, 0, 0, 0, 0}));
  EXPECT_EQ(indices(12, 16, false, true, 0xffff000000000000), (std::vector<u64>{0, 0, 0, 0}));
  EXPECT_EQ(indices(12, 12, true, true, 0xfff0000000000000), (std::vector<u64>{0, 0, 0, 0, 0}));
  EXPECT_EQ(indices(16, 12, false, true, 0xffff000000000000).front(), 960u);
  EXPECT_EQ(indices(16, 16, false, true, 0xffff000000000000).front(), 0u);
  EXPECT_EQ(indices(14, 16, false, false, 0x0000800000000000).front(), 1u);
  EXPECT_EQ(indices(14, 12, true, false, 0x000f800000000000).front(), 31u);
  EXPECT_EQ(indices(14, 17, false, true, 0xffffc00000000000).front(), 1024u);
}

TEST(Arm64Walk, range_check_ignores_bit_ia_minus_1) {
  Half lo;
  lo.ia = 48;
  EXPECT_TRUE(in_half(lo, u64{0x0000800000000000}));   // bit ia-1 not checked
  EXPECT_FALSE(in_half(lo, u64{0x0001000000000000}));
  Half hi;
  hi.ia = 48;
  hi.upper = true;
  EXPECT_TRUE(in_half(hi, u64{0xffff000000000000}));
  EXPECT_FALSE(in_half(hi, u64{0xfffe000000000000}));
}

TEST(Arm64Descriptor, output_address_formats_1_8) {
  HwConfig c48;
  c48.granule_shift = 12;
  // Upper attributes (bit 52, Contiguous) and low attribute bits are not address bits.
  EXPECT_EQ(next_table_address(c48, u64{0x0010012345678403}), u64{0x0000012345678000});
  HwConfig ds = c48;
  ds.ds = true;
  // LPA2 vector (arch/arm64/include/asm/pgtable.h): PA 0xc0000048d0000 is descriptor 0x48d0300.
  EXPECT_EQ(next_table_address(ds, u64{0x48d0300}), u64{0xc0000048d0000});
  HwConfig lpa;
  lpa.granule_shift = 16;
  lpa.feat_lpa = true;
  lpa.oa_bits = 52;
  EXPECT_EQ(next_table_address(lpa, (u64{0x1234} << 16) | (u64{0xa} << 12) | 3),
            (u64{0xa} << 48) | (u64{0x1234} << 16));
  // Without FEAT_LPA, bits [15:12] are not address bits.
  HwConfig k64 = lpa;
  k64.feat_lpa = false;
  EXPECT_EQ(next_table_address(k64, (u64{0x1234} << 16) | (u64{0xa} << 12) | 3), u64{0x1234} << 16);
}

TEST(Arm64Descriptor, blocks_only_where_1_8_allows) {
  HwConfig c;
  c.granule_shift = 12;
  EXPECT_TRUE(block_allowed(c, 1));
  EXPECT_TRUE(block_allowed(c, 2));
  EXPECT_FALSE(block_allowed(c, 0));
  c.ds = true;
  EXPECT_TRUE(block_allowed(c, 0));
  c.granule_shift = 14;
  c.ds = false;
  EXPECT_FALSE(block_allowed(c, 1));
  c.granule_shift = 16;
  EXPECT_FALSE(block_allowed(c, 1));
  c.feat_lpa = true;
  EXPECT_TRUE(block_allowed(c, 1));
}

// Concrete walk over real memory: faults and leaves (Arm ARM D8).
struct MapMem {
  std::map<u64, u64> m;
  u64 read64(u64 pa, int) { return m.count(pa) ? m[pa] : 0; }
};

TEST(Arm64Walk, concrete_walk_faults_and_blocks) {
  const Geometry& g = *find("arm64-4k-va48");
  MapMem mem;
  const u64 root = 0x100000, l1 = 0x200000, l2 = 0x300000;
  const u64 va = 0xffff800012345678;
  // Invalid root entry: translation fault at L0.
  auto r = walk_half(g, 1, va, root, mem);
  EXPECT_EQ(r.fault, Fault::kTranslation);
  EXPECT_EQ(r.fault_hw, 0);
  mem.m[root + 256 * 8] = l1 | 3;
  mem.m[l1 + 0 * 8] = l2 | 3;
  mem.m[l2 + 145 * 8] = 0x40000000 | 1;  // 2 MiB block at L2
  r = walk_half(g, 1, va, root, mem);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.leaf_hw, 2);
  EXPECT_EQ(r.oa, 0x40000000u | (va & genmask(20, 0)));
  // A block at L0 is not allowed with 4K and DS=0.
  mem.m[root + 256 * 8] = 0x8000000000 | 1;
  r = walk_half(g, 1, va, root, mem);
  EXPECT_EQ(r.fault, Fault::kTranslation);
  EXPECT_EQ(r.fault_hw, 0);
  // Out of range VA: fault before any read.
  r = walk_half(g, 1, u64{0xfffe000000000000}, root, mem);
  EXPECT_EQ(r.fault, Fault::kRange);
  EXPECT_TRUE(r.steps.empty());
}

}  // namespace
}  // namespace ptfold::ref::arm64
