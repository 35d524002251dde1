// Scenario text <-> fuzz bytes: what the seed compiler writes decodes to the
// same scenario, and the text parser reports mistakes with a line number.
#include <gtest/gtest.h>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

const char* kText =
    "# a comment\n"
    "variant arm64\n"
    "geometry arm64-16k-va52-nolpa2\n"
    "options phys=0x0 slab=3 page-type=legacy\n"
    "map mm0 va=0x400000 pa=0x80000000 level=pte race=pud,pte\n"
    "map kernel va=0xffff800000000000 pa=0x2000000 level=pmd\n"
    "gup mm0 va=0x400000\n"
    "munmap mm0 va=0x400000 len=0x4000\n"
    "debug-vm va=0x1000\n"
    "mm-new mm2\n"
    "mm-free mm2\n";

TEST(Scenario, text_encode_decode_round_trip_is_identity) {
  const Scenario s = parse_text(kText);
  ASSERT_EQ(s.ops.size(), 7u);
  expect_round_trip(s);
}

TEST(Scenario, decoding_normalises_vas_into_the_mm_half) {
  const Scenario s = parse_text(kText);
  EXPECT_EQ(s.ops[1].va >> 63, 1u) << "kernel mappings live in the upper half";
  EXPECT_EQ(s.ops[0].va, 0x400000u);
}

TEST(Scenario, unknown_statement_is_reported_with_its_line) {
  try {
    parse_text("variant arm64\ngeometry arm64-4k-va48\nfrobnicate mm0\n");
    FAIL() << "no error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
}

TEST(Scenario, variant_of_another_family_is_rejected) {
  EXPECT_THROW(parse_text("variant arm64-boot\ngeometry arm64-4k-va48\n"), ScenarioError);
}

TEST(Scenario, every_byte_string_decodes_within_bounds) {
  const auto pairs = pairs_for("upstream");
  std::vector<uint8_t> b(4096, 0xff);
  Scenario s;
  ASSERT_TRUE(decode_ops(b.data(), b.size(), pairs, &s));
  EXPECT_LE(s.ops.size(), kMaxOps);
  EXPECT_FALSE(decode_ops(b.data(), 1, pairs, &s));
}

}  // namespace
}  // namespace ptfold::fuzz
