// Scenario text <-> fuzz bytes: what the seed compiler writes decodes to the
// same scenario, the bytes' canonical form is a fixed point, and the strict
// text parser reports every mistake with its line - never runs a guess.
#include <gtest/gtest.h>

#include <random>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

const char* kText =
    "ptfold-scenario v1\n"
    "# a comment\n"
    "variant arm64\n"
    "geometry arm64-16k-va52-nolpa2\n"
    "options phys=0x0 slab=3 page-type=legacy\n"
    "map mm0 va=0x400000 pa=0x80000000 level=pte race=pud,pte\n"
    "map kernel va=0xffff800000000000 pa=0x2000000 level=pmd\n"
    "gup mm0 va=0x400000\n"
    "munmap mm0 va=0x400000 len=0x4000\n"
    "debug-vm va=0x4000\n"
    "mm-new mm2\n"
    "mm-free mm2\n";

TEST(Scenario, text_encode_decode_round_trip_is_identity) {
  const Scenario s = parse_text(kText);
  ASSERT_EQ(s.ops.size(), 7u);
  expect_round_trip(s);
}

TEST(Scenario, canonical_text_is_what_to_text_prints) {
  const Scenario s = parse_text(kText);
  EXPECT_EQ(s.ops[1].va >> 63, 1u) << "kernel mappings live in the upper half";
  EXPECT_EQ(s.ops[0].va, 0x400000u);
  EXPECT_EQ(to_text(s).substr(0, 19), "ptfold-scenario v1\n");
  EXPECT_TRUE(parse_text(to_text(s)) == s);
}

// The line each malformed text is rejected at, and a word of the message.
struct Bad {
  const char* text;
  int line;
  const char* says;
};

TEST(Scenario, malformed_text_is_rejected_at_its_line) {
  const std::string h = header("arm64", "arm64-4k-va48");  // lines 1-3
  const Bad cases[] = {
      {"variant arm64\n", 1, "first line"},
      {"", 1, "first line"},
      {"\xef\xbb\xbfptfold-scenario v1\n", 1, "first line"},
      {"\nptfold-scenario v1\n", 1, "first line"},
      {"ptfold-scenario v1\n", 1, "no 'variant'"},
      {"ptfold-scenario v1\nvariant arm64\n", 2, "no 'geometry'"},
      {"ptfold-scenario v1\ngeometry arm64-4k-va48\n", 2, "does not follow"},
      {"ptfold-scenario v1\nvariant nope\n", 2, "unknown variant"},
      {"ptfold-scenario v1\nvariant arm64\ngeometry nope\n", 3, "unknown geometry"},
      {"ptfold-scenario v1\nvariant arm64-boot\ngeometry arm64-4k-va48\n", 3, "runs on"},
      {"ptfold-scenario v1\nvariant arm64 x\n", 2, "one name"},
      // The five lines (with the magic line): the second geometry,
      // not the value judged against the first.
      {"ptfold-scenario v1\nvariant arm64\ngeometry arm64-4k-va48\nmap mm0 va=0xffff800000000000 pa=0x0 level=pte\n"
       "geometry arm64-64k-va42\ngup mm0 va=0x1000\n", 5, "second 'geometry'"},
      {"ptfold-scenario v1\nvariant arm64\nvariant arm64\n", 3, "second 'variant'"},
  };
  const Bad body[] = {
      {"frobnicate mm0\n", 4, "unknown statement"},
      {"map mm0 va=0x1000 pa=0x0 levl=pmd\n", 4, "no key 'levl'"},
      {"map mm0 va=0x1000 pa=0x0 level=pte extra\n", 4, "the word 'extra'"},
      {"map mm0 va=0x1000 pa=0x0 level=pte va=0x2000\n", 4, "twice"},
      {"map mm0 va=0x1000 level=pte\n", 4, "needs pa="},
      {"map mm0 va=0x1000 pa=0x0 level=pgd\n", 4, "level=pgd"},
      {"map mm0 va=0x1000 pa=0x0 level=p4d\n", 4, "level=p4d"},
      {"map mm0 va=0x1001 pa=0x0 level=pte\n", 4, "va=0x1001"},
      {"map mm0 va=0xffff800000000000 pa=0x0 level=pte\n", 4, "va=0xffff800000000000"},
      {"map mm0 va=0x1000 pa=0x1000000000000 level=pte\n", 4, "pa=0x1000000000000"},
      {"map mm0 va=0x1000 pa=0x0 level=pte race=pgd\n", 4, "race=pgd"},
      {"map mm0 va=0x1000 pa=0x0 level=pte race=pte,pte\n", 4, "twice"},
      {"map mm9 va=0x1000 pa=0x0 level=pte\n", 4, "not an mm"},
      {"map va=0x1000 pa=0x0 level=pte\n", 4, "needs an mm"},
      {"map mm0 va=0x10000000000000000 pa=0x0 level=pte\n", 4, "64-bit"},
      {"map mm0 va=12z pa=0x0 level=pte\n", 4, "malformed number"},
      {"kpti-ng now\n", 4, "the word 'now'"},
      {"options slab=9\n", 4, "slab=9"},
      {"options phys=0x1000\n", 4, "phys=0x1000"},
      {"options page-type=new\n", 4, "page-type=new"},
      {"options slab=1\noptions slab=2\n", 5, "twice"},
      {"memory dram=0x0 parange=0x100000030\n", 4, "parange="},
      {"memory dram=0x0 parange=48 kaslr=0x100000000\n", 4, "kaslr="},
      {"memory dram=0x1000 parange=48\n", 4, "dram="},
      {"memory dram=0x0 parange=48\noptions slab=1\n", 5, "after 'memory'"},
      {"gup mm0 va=0x1000\noptions slab=1\n", 5, "after the ops"},
      {"gup mm0 va=0x1000 # fine\n\x01\n", 5, "byte 0x01"},
      {"gup mm0 va=0x1000 \xc3\xa9\n", 4, "byte 0xc3"},
  };
  auto expect_bad = [](const std::string& text, const Bad& c) {
    try {
      parse_text(text);
      ADD_FAILURE() << "accepted:\n" << text;
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.line, c.line) << e.what();
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
      EXPECT_FALSE(e.fix.empty()) << e.what();
    }
  };
  for (const Bad& c : cases) expect_bad(c.text, c);
  for (const Bad& c : body) expect_bad(h + c.text, c);
  std::string many = h;
  for (size_t i = 0; i <= kMaxOps; ++i) many += "gup mm0 va=0x1000\n";
  expect_bad(many, {"", static_cast<int>(4 + kMaxOps), "more than"});
}

TEST(Scenario, comments_blank_lines_and_crlf_are_accepted) {
  const Scenario s = parse_text("ptfold-scenario v1\r\n\n# x\r\nvariant arm64 # the model\r\n\tgeometry arm64-4k-va48\r\n"
                                "gup mm0 va=0x1000 # caf\xc3\xa9\r\n");
  ASSERT_EQ(s.ops.size(), 1u);
  EXPECT_EQ(s.ops[0].va, 0x1000u);
}

// The text and byte forms agreed on neither of these before: a pgd-level
// map and a RISC-V PA above 2^52 (pfns took five bytes).
TEST(Scenario, riscv_pa_above_2_52_survives_the_bytes) {
  const Scenario s = parse_text(header("riscv64", "riscv64-sv57") +
                                "map mm0 va=0x1000 pa=0xf0000000000000 level=pte\n"
                                "hot-add pa=0x0 len=0x1000 level=pte\n");
  EXPECT_EQ(s.ops[0].pa, 0xf0000000000000u);
  expect_round_trip(s);
}

TEST(Scenario, every_byte_string_decodes_within_bounds) {
  const auto pairs = pairs_for("upstream");
  std::vector<uint8_t> b(4096, 0xff);
  Scenario s;
  ASSERT_TRUE(decode_ops(b.data(), b.size(), pairs, &s));
  EXPECT_LE(s.ops.size(), kMaxOps);
  EXPECT_FALSE(decode_ops(b.data(), 1, pairs, &s));
}

// encode(decode(b)) is canonical: decoding it gives the same scenario and
// encoding that the same bytes; the text form parses back to it.
TEST(Scenario, encode_of_decode_is_a_fixed_point_for_random_bytes) {
  const auto pairs = pairs_for("upstream");
  std::mt19937_64 rng(7);
  for (int n = 0; n < 3000; ++n) {
    std::vector<uint8_t> b(2 + rng() % 120);
    for (uint8_t& x : b) x = static_cast<uint8_t>(rng());
    Scenario s;
    ASSERT_TRUE(decode_ops(b.data(), b.size(), pairs, &s));
    const std::vector<uint8_t> canon = encode_ops(s, pairs);
    Scenario back;
    ASSERT_TRUE(decode_ops(canon.data(), canon.size(), pairs, &back));
    ASSERT_TRUE(back == s) << to_text(s) << "\nvs\n" << to_text(back);
    ASSERT_EQ(encode_ops(back, pairs), canon);
    ASSERT_TRUE(parse_text(to_text(s)) == s) << to_text(s);
  }
}

TEST(Scenario, free_opcodes_decode_to_no_op) {
  const auto pairs = pairs_for("upstream");
  const uint8_t b[] = {0, 0, 26, 31, 0x3f, 0xff};
  Scenario s;
  ASSERT_TRUE(decode_ops(b, sizeof b, pairs, &s));
  EXPECT_TRUE(s.ops.empty());
}

TEST(Scenario, registry_names_every_op_once) {
  for (size_t k = 0; k < kOpKinds; ++k) {
    const OpInfo& info = op_info(static_cast<OpKind>(k));
    EXPECT_EQ(static_cast<size_t>(info.kind), k);
    EXPECT_EQ(find_op(info.text), &info);
  }
  EXPECT_EQ(find_op("variant"), nullptr);
}

}  // namespace
}  // namespace ptfold::fuzz
