// What the fuzz_ops op tests share: a scenario header, and the round trip
// every op must survive (text -> fuzz bytes -> scenario, and text ->
// scenario -> text, both give the same text back).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/scenario.h"
#include "fuzz/select.h"

namespace ptfold::fuzz {

inline std::string header(const std::string& variant, const std::string& geometry) {
  return std::string(kScenarioMagic) + "\nvariant " + variant + "\ngeometry " + geometry + "\n";
}

// One op text run on many geometries: values moved as the decoder would.
inline Scenario parse_normalised(const std::string& text) { return parse_text(text, TextMode::kNormalise); }

// Over the upstream selection, as the seed compiler encodes.
inline void expect_round_trip(const Scenario& s) {
  const auto pairs = pairs_for("upstream");
  const std::vector<uint8_t> bytes = encode_ops(s, pairs);
  Scenario back;
  ASSERT_TRUE(decode_ops(bytes.data(), bytes.size(), pairs, &back));
  EXPECT_TRUE(back == s) << to_text(back) << "\nvs\n" << to_text(s);
  EXPECT_EQ(to_text(back), to_text(s));
  EXPECT_EQ(to_text(parse_text(to_text(s))), to_text(s));
}

}  // namespace ptfold::fuzz
