// The deterministic smoke run: upstream variants give no finding on any
// geometry; each bug variant the issue names is found, with its class and
// helper, by the same pseudo-random inputs.
#include <gtest/gtest.h>

#include "fuzz/runner.h"
#include "fuzz/smoke.h"

namespace ptfold::fuzz {
namespace {

TEST(Smoke, upstream_variants_have_no_finding_on_any_geometry) {
  const SmokeSummary s = smoke("upstream", 40, 1);
  EXPECT_GE(s.pairs, 16u);
  EXPECT_GT(s.ops_run, s.pairs * 40);
  EXPECT_GT(s.checks, s.pairs * 40);
  for (const SmokeFinding& f : s.findings) ADD_FAILURE() << f.report;
}

bool found(const SmokeSummary& s, const std::string& prefix) {
  for (const SmokeFinding& f : s.findings)
    if (f.first_line.rfind(prefix, 0) == 0) return true;
  return false;
}

TEST(Smoke, pud_free_without_dtor_is_found_as_bad_page_state) {
  const SmokeSummary s = smoke("arm64-pudfree-nodtor", 20, 1);
  EXPECT_TRUE(found(s, "ptfold: bad-page-state: pud_free on ")) << s.findings.size() << " findings";
}

TEST(Smoke, boot_rounddown_is_found_outside_the_slab_pgd) {
  const SmokeSummary s = smoke("arm64-boot-rounddown", 20, 1);
  EXPECT_TRUE(found(s, "ptfold: wild-access: ")) << s.findings.size() << " findings";
}

TEST(Smoke, lockless_stackcopy_is_found_on_the_stack) {
  const SmokeSummary s = smoke("arm64-lockless-stackcopy", 40, 1);
  EXPECT_TRUE(found(s, "ptfold: wild-access: pud_offset_lockless on ")) << s.findings.size() << " findings";
}

// `ptfold check --geometry` scopes the smoke run, and the seed scenarios run
// before any random input: a seed that kills a variant finds it with no
// random input at all.
TEST(Smoke, geometry_glob_scopes_the_pairs_and_seeds_run_first) {
  const std::string seed = R"(variant arm64-pudfree-nodtor
geometry arm64-4k-va48
map mm0 va=0x400000 pa=0x80000000 level=pte race=pud
)";
  const SmokeSummary s = smoke("arm64-pudfree-nodtor", "arm64-4k-va48", 0, 1, {{"pudfree.scn", seed}});
  EXPECT_EQ(s.pairs, 1u);
  EXPECT_EQ(s.seeds, 1u);
  EXPECT_EQ(s.ops_inputs + s.walk_inputs, 0u);
  ASSERT_EQ(s.findings.size(), 1u);
  EXPECT_EQ(s.findings[0].first_line, "ptfold: bad-page-state: pud_free on arm64-4k-va48");
  // A seed for a geometry outside the selection is not run.
  const SmokeSummary other = smoke("arm64-pudfree-nodtor", "arm64-16k-*", 0, 1, {{"pudfree.scn", seed}});
  EXPECT_EQ(other.seeds, 0u);
  EXPECT_TRUE(other.findings.empty());
  EXPECT_EQ(smoke("upstream", "arm64-16k-*", 1, 1, {}).pairs, 6u);  // five arm64 rows and 16k-va48-boot
  EXPECT_EQ(smoke("upstream", "arm64-4k-va48", 1, 1, {}).pairs, 1u);
  EXPECT_THROW(smoke("upstream", "no-such-geometry", 1, 1, {}), std::invalid_argument);
}

TEST(Smoke, unknown_variant_glob_is_an_error) { EXPECT_THROW(smoke("no-such-variant", 1, 1), std::invalid_argument); }

}  // namespace
}  // namespace ptfold::fuzz
