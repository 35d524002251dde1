// Concrete differential test: for every geometry, boundary and random VAs in
// both halves, real tables built in memory by the Linux helpers; the Linux
// walk's entry addresses must equal the reference walk's, level by level, and
// the reference must translate to the page the Linux side mapped.
#include <gtest/gtest.h>

#include <random>

#include "harness/binding.h"
#include "harness/compare.h"
#include "harness/differential.h"
#include "harness/mem_env.h"
#include "reference/dispatch.h"
#include "targets/variants.h"

namespace ptfold::harness {

// gtest prints parameters with this.
void PrintTo(const Pair& p, std::ostream* os) { *os << p.variant->name << " on " << p.geometry->name; }

namespace {

class Differential : public ::testing::TestWithParam<Pair> {};

TEST_P(Differential, linux_walk_matches_hardware_walk_at_every_level) {
  const Pair p = GetParam();
  DifferentialReport r = run_differential(*p.variant, *p.geometry, /*seed=*/1, /*random_vas=*/64);
  EXPECT_GT(r.vas_checked, 0u);
  EXPECT_TRUE(r.failures.empty()) << r.failures.front();
}

TEST_P(Differential, descriptor_round_trip_on_boundary_physical_addresses) {
  const Pair p = GetParam();
  const std::vector<std::string> f = descriptor_round_trip(*p.variant, *p.geometry);
  EXPECT_TRUE(f.empty()) << f.front();
}

std::vector<Pair> upstream_pairs() {
  std::vector<Pair> out;
  for (const Pair& p : pairs("*", "*"))
    if (p.variant->upstream) out.push_back(p);
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllGeometries, Differential, ::testing::ValuesIn(upstream_pairs()),
                         [](const ::testing::TestParamInfo<Pair>& param_info) {
                           std::string n = param_info.param.variant->name + "_" + param_info.param.geometry->name;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// The test of the test: a deliberately wrong shift in one helper must make
// the differential check fail. pud_index() one bit off on 4K/48.
template <class W, class Env>
class WrongPudShift : public tgt::arm64::Arm64<W, Env> {
 public:
  using tgt::arm64::Arm64<W, Env>::Arm64;
  W index(tgt::Level l, const W& a) const override {
    if (l == tgt::Level::kPud) return (a >> (this->shift(l) + 1)) & W(this->ptrs_per(l) - 1);
    return tgt::arm64::Arm64<W, Env>::index(l, a);
  }
};

TEST(DifferentialOfTheTest, wrong_pud_shift_is_caught) {
  const ref::Geometry& g = *ref::find("arm64-4k-va48");
  const tgt::Config cfg = config_for(g);
  MemEnv env(g.page_size());
  WrongPudShift<u64, MemEnv> bad(cfg, env);
  const LinuxView view = derive_linux_view(g, "wrong-pud-shift", [](const tgt::Config& c, ViewEnv& e) {
    return std::make_unique<WrongPudShift<u64, ViewEnv>>(c, e);
  });
  const std::vector<std::string> f = differential_on(bad, env, g, view, /*seed=*/1, /*random_vas=*/64);
  EXPECT_FALSE(f.empty());
}

TEST(DifferentialOfTheTest, round_down_on_sub_page_pgd_is_caught) {
  const ref::Geometry& g = *ref::find("arm64-64k-va48-boot");
  DifferentialReport r =
      run_differential(*tgt::find_variant("arm64-boot-rounddown"), g, /*seed=*/1, /*random_vas=*/16);
  EXPECT_FALSE(r.failures.empty());
}

}  // namespace
}  // namespace ptfold::harness
