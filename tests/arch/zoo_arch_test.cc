// The x86-64 and RISC-V bug variants (docs/bugs.md ZOO-10, ZOO-11, ZOO-12,
// ZOO-16):
// each is found by its oracle on the geometry where the bug shows, and the
// upstream variants give no finding on any geometry of their family.
#include <gtest/gtest.h>

#include <random>

#include "tests/arch/zoo_oracles.h"

namespace ptfold::harness {
namespace {

// PAGE_OFFSET with LA57 since d52888aa2753, and before it.
constexpr u64 kPageOffsetL5 = 0xff11000000000000;
constexpr u64 kPageOffsetL5Old = 0xff10000000000000;
constexpr u64 kPageOffsetL4 = 0xffff888000000000;

// KASAN shadow region plus both halves' ends: VAs early_p4d_offset is given.
std::vector<u64> early_vas(const ref::Geometry& g) {
  std::vector<u64> v = {0xffeffc0000000000, 0xfffffbfffffff000, 0xffffec0000000000,
                        0xfffffbffffe00000, 0xffff800000000000, 0xfffffffffffff000};
  std::mt19937_64 rng(5);
  for (int i = 0; i < 64; ++i) v.push_back(g.halves[1].va_lo | (rng() & ~genmask(11, 0)));
  std::vector<u64> out;
  for (u64 va : v)
    if (va >= g.halves[1].va_lo) out.push_back(va);
  return out;
}

TEST(Zoo10KasanEarlyP4d, found_on_la57_with_the_moved_page_offset) {
  const ref::Geometry& g = *ref::find("x86_64-la57");
  const auto f = check_early_p4d_offset("x86_64-kasan-early-p4d", g, {kPageOffsetL5}, early_vas(g));
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.front().rfind("walk mismatch: early_p4d_offset on x86_64-la57", 0), 0u) << f.front();
}

TEST(Zoo10KasanEarlyP4d, latent_before_d52888aa2753_and_without_la57) {
  // PTE_PFN_MASK strips the stray bits 52..55 of the old PAGE_OFFSET; and
  // with 4-level paging the function returns before the arithmetic.
  const ref::Geometry& l5 = *ref::find("x86_64-la57");
  EXPECT_TRUE(check_early_p4d_offset("x86_64-kasan-early-p4d", l5, {kPageOffsetL5Old}, early_vas(l5)).empty());
  for (const char* name : {"x86_64-nola57", "x86_64-4level"}) {
    const ref::Geometry& g = *ref::find(name);
    EXPECT_TRUE(check_early_p4d_offset("x86_64-kasan-early-p4d", g, {kPageOffsetL4}, early_vas(g)).empty())
        << name;
  }
}

TEST(Zoo10KasanEarlyP4d, upstream_passes_every_x86_geometry) {
  for (const ref::Geometry* g : ref::select("x86_64-*"))
    for (u64 po : {kPageOffsetL5, kPageOffsetL5Old, kPageOffsetL4}) {
      const auto f = check_early_p4d_offset("x86_64", *g, {po}, early_vas(*g));
      EXPECT_TRUE(f.empty()) << f.front();
    }
}

struct Placement {
  u64 physaddr, size;
  const char* crosses;
};
const Placement kPlacements[] = {
    {(u64{1} << 30) - (16 << 20), 64 << 20, "1 GiB (PMD table)"},
    {(u64{512} << 30) - (16 << 20), 64 << 20, "512 GiB (PUD table)"},
    {(u64{1} << 48) - (16 << 20), 64 << 20, "256 TiB (P4D table, LA57)"},
    {u64{16} << 20, 64 << 20, "nothing"},
};

TEST(Zoo16StartupIndexWrap, found_when_the_image_crosses_a_table_boundary) {
  const ref::Geometry& l5 = *ref::find("x86_64-la57");
  const ref::Geometry& l4 = *ref::find("x86_64-4level");
  for (const Placement& p : kPlacements) {
    const bool crosses = std::string(p.crosses) != "nothing";
    const auto f = check_startup_identity("x86_64-startup-wrap", l5, p.physaddr, p.size);
    EXPECT_EQ(!f.empty(), crosses) << p.crosses << (f.empty() ? "" : ": " + f.front());
    if (!f.empty()) {
      EXPECT_NE(f.front().find("__startup_64 on x86_64-la57"), std::string::npos);
    }
    // 4-level: the P4D case does not exist (the VA would be non-canonical).
    if (p.physaddr < (u64{1} << 46)) {
      const auto f4 = check_startup_identity("x86_64-startup-wrap", l4, p.physaddr, p.size);
      EXPECT_EQ(!f4.empty(), crosses) << "4-level " << p.crosses;
    }
  }
}

TEST(Zoo16StartupIndexWrap, upstream_maps_every_placement_to_itself) {
  for (const char* name : {"x86_64-la57", "x86_64-4level", "x86_64-nola57"}) {
    const ref::Geometry& g = *ref::find(name);
    for (const Placement& p : kPlacements) {
      if (g.vabits_actual == 48 && p.physaddr >= (u64{1} << 46)) continue;
      const auto f = check_startup_identity("x86_64", g, p.physaddr, p.size);
      EXPECT_TRUE(f.empty()) << name << ": " << f.front();
    }
  }
}

TEST(Zoo16StartupIndexWrap, random_placements_find_it_quickly) {
  // What fuzz_walk-style sampling of the image placement costs: uniformly
  // random 2 MiB-aligned placements of a 64 MiB image below 2^46.
  const ref::Geometry& g = *ref::find("x86_64-4level");
  std::mt19937_64 rng(1);
  int tries = 0;
  for (; tries < 1000; ++tries) {
    const u64 pa = rng() & genmask(45, 21);
    if (!check_startup_identity("x86_64-startup-wrap", g, pa, 64 << 20).empty()) break;
  }
  EXPECT_LT(tries, 1000);
  RecordProperty("placements_until_found", tries + 1);
}

TEST(Zoo11SatpStalePgdir, found_on_a_cpu_without_sv57) {
  const auto f = check_set_satp_mode("riscv64-satp-stale-pgdir", *ref::find("riscv64-sv48"));
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.front().rfind("walk mismatch: set_satp_mode on riscv64-sv48", 0), 0u) << f.front();
}

TEST(Zoo11SatpStalePgdir, invisible_when_the_first_probe_succeeds_or_sv48_is_absent) {
  for (const char* name : {"riscv64-sv57", "riscv64-sv39"})
    EXPECT_TRUE(check_set_satp_mode("riscv64-satp-stale-pgdir", *ref::find(name)).empty()) << name;
}

TEST(Zoo11SatpStalePgdir, upstream_picks_the_best_mode_on_every_cpu) {
  for (const ref::Geometry* g : ref::select("riscv64-*"))
    for (u64 pmd : {u64{0x80200000}, u64{0x1000000000}, u64{0x7fffe00000}}) {
      const auto f = check_set_satp_mode("riscv64", *g, pmd);
      EXPECT_TRUE(f.empty()) << f.front();
    }
}

TEST(Zoo12KvmPgdirSize, found_on_sv48_and_sv57_only) {
  EXPECT_TRUE(check_gstage_block_sizes("riscv64-kvm-pgdir-size", *ref::find("riscv64-sv39")).empty());
  for (const char* name : {"riscv64-sv48", "riscv64-sv57"}) {
    const auto f = check_gstage_block_sizes("riscv64-kvm-pgdir-size", *ref::find(name));
    ASSERT_EQ(f.size(), 2u) << name;  // 1 GiB refused, PGDIR_SIZE accepted
    EXPECT_EQ(f.front().rfind(std::string("mode mismatch: gstage_block_size on ") + name, 0), 0u);
  }
}

TEST(Zoo12KvmPgdirSize, upstream_accepts_exactly_2m_and_1g_in_every_mode) {
  for (const ref::Geometry* g : ref::select("riscv64-*")) {
    const auto f = check_gstage_block_sizes("riscv64", *g);
    EXPECT_TRUE(f.empty()) << f.front();
  }
}

}  // namespace
}  // namespace ptfold::harness
