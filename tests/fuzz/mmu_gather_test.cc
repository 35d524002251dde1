// munmap's table frees against a fast GUP walk on another CPU (docs/oracles.md O10):
// every table free_pgtables() frees goes through the mmu_gather, whose frees
// wait for the walk, and the p4d statistics balance where p4d is a level.
#include <gtest/gtest.h>

#include <string>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "reference/geometry.h"
#include "targets/variants.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

// The only mapping of mm0 unmapped: free_pgtables() frees every table below
// the pgd entry (floor and ceiling 0), p4d included where it is a level.
const char* kUnmapAll =
    "map mm0 va=0x400000 pa=0x80000000 level=pte\n"
    "munmap mm0 va=0x400000 len=0x1000\n";

std::string first_line(const std::string& variant, const std::string& geometry) {
  const RunResult r = run_scenario(parse_normalised(header(variant, geometry) + kUnmapAll));
  return r.finding ? r.finding->first_line() : "";
}

TEST(MmuGather, upstream_frees_every_level_through_the_gather_on_every_geometry) {
  for (const ref::Geometry& g : ref::catalogue()) {
    EXPECT_EQ(first_line(tgt::upstream_for_family(g.family)->name, g.name), "") << g.name;
  }
}

TEST(MmuGather, p4d_freed_at_once_is_found_where_p4d_is_a_level) {
  for (const ref::Geometry& g : ref::catalogue()) {
    if (g.family != "arm64-lpa2") continue;
    EXPECT_EQ(first_line("arm64-p4d-free-at-once", g.name),
              g.name == "arm64-4k-va52-lpa2" ? "ptfold: lockless-free: p4d_free on arm64-4k-va52-lpa2" : "")
        << g.name;
  }
}

}  // namespace
}  // namespace ptfold::fuzz
