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

TEST(Smoke, unknown_variant_glob_is_an_error) { EXPECT_THROW(smoke("no-such-variant", 1, 1), std::invalid_argument); }

}  // namespace
}  // namespace ptfold::fuzz
