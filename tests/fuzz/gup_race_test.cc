// Fast GUP under a concurrent writer (docs/oracles.md O11): the gup-race op
// clears the live entry of a level right after the lockless walk copied it.
// Upstream walks on every geometry reach the leaf through their copies or
// stop on the cleared entry they re-read; a helper that builds its pointer
// from the live entry is found - and only with the writer.
#include <gtest/gtest.h>

#include <string>

#include "fuzz/runner.h"
#include "fuzz/scenario.h"
#include "reference/geometry.h"
#include "targets/variants.h"
#include "tests/fuzz/scenario_util.h"

namespace ptfold::fuzz {
namespace {

std::string first_line(const std::string& variant, const std::string& geometry, const std::string& ops) {
  const RunResult r = run_scenario(parse_normalised(header(variant, geometry) + ops));
  return r.finding ? r.finding->first_line() : "";
}

const char* kMap = "map mm0 va=0x400000 pa=0x80000000 level=pte\n";

TEST(GupRace, upstream_walks_survive_a_writer_at_every_level_on_every_geometry) {
  for (const ref::Geometry& g : ref::catalogue()) {
    const std::string up = tgt::upstream_for_family(g.family)->name;
    for (const char* race : {"pgd", "p4d", "pud", "pmd", "pgd,p4d,pud,pmd", "p4d,pmd"})
      EXPECT_EQ(first_line(up, g.name, std::string(kMap) + "gup-race mm0 va=0x400000 race=" + race + "\n"), "")
          << g.name << " race=" << race;
    // a block leaf: the walk stops above the pte level
    EXPECT_EQ(first_line(up, g.name, "map mm0 va=0x40000000 pa=0x80000000 level=pmd\n"
                                     "gup-race mm0 va=0x40000000 race=pgd,p4d,pud,pmd\n"),
              "")
        << g.name;
  }
}

TEST(GupRace, a_lockless_helper_reading_the_live_entry_is_found_only_with_the_writer) {
  const std::string g = "arm64-4k-va52-lpa2";
  EXPECT_EQ(first_line("arm64-lockless-reread", g, std::string(kMap) + "gup mm0 va=0x400000\n"), "");
  EXPECT_EQ(first_line("arm64-lockless-reread", g, std::string(kMap) + "gup-race mm0 va=0x400000 race=pud\n"), "");
  EXPECT_EQ(first_line("arm64-lockless-reread", g, std::string(kMap) + "gup-race mm0 va=0x400000 race=pgd\n"),
            "ptfold: wild-access: p4d_offset_lockless on arm64-4k-va52-lpa2");
  // where p4d is folded (no LPA2: 4 levels) the helper is not used
  EXPECT_EQ(first_line("arm64-lockless-reread", "arm64-4k-va52-nolpa2",
                       std::string(kMap) + "gup-race mm0 va=0x400000 race=pgd,p4d,pud,pmd\n"),
            "");
}

TEST(GupRace, the_writer_puts_every_entry_back) {
  // A later walk and teardown see the tables as the map left them.
  for (const ref::Geometry& g : ref::catalogue()) {
    const std::string up = tgt::upstream_for_family(g.family)->name;
    EXPECT_EQ(first_line(up, g.name,
                         std::string(kMap) + "gup-race mm0 va=0x400000 race=pgd,p4d,pud,pmd\n" +
                             "gup mm0 va=0x400000\nmunmap mm0 va=0x400000 len=0x1000\n"),
              "")
        << g.name;
  }
}

TEST(GupRace, round_trips_and_normalises_to_a_raced_level) {
  expect_round_trip(parse_text(header("arm64", "arm64-4k-va52-lpa2") + "gup-race mm0 va=0x400000 race=pgd,pmd\n"));
  // race=pte is no level with a descent after it: not canonical
  EXPECT_THROW(parse_text(header("arm64", "arm64-4k-va52-lpa2") + "gup-race mm0 va=0x400000 race=pte\n"),
               ScenarioError);
  EXPECT_EQ(to_text(parse_normalised(header("arm64", "arm64-4k-va52-lpa2") + "gup-race mm0 va=0x400000 race=pte\n"))
                .find("race=pgd") != std::string::npos,
            true);
}

}  // namespace
}  // namespace ptfold::fuzz
