// base/: the inline containers the hot paths use instead of heap ones.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "base/flat_map.h"
#include "base/static_vec.h"

namespace ptfold {
namespace {

TEST(FlatMap, KeepsKeysSortedAndFindsBounds) {
  FlatMap<int, int, 8> m;
  for (int k : {40, 10, 30, 20}) m[k] = k * 2;
  std::vector<int> keys;
  for (const auto& [k, v] : m) {
    keys.push_back(k);
    EXPECT_EQ(v, k * 2);
  }
  EXPECT_EQ(keys, (std::vector<int>{10, 20, 30, 40}));
  EXPECT_EQ(m.lower_bound(20)->first, 20);
  EXPECT_EQ(m.upper_bound(20)->first, 30);
  EXPECT_EQ(m.lower_bound(25)->first, 30);
  EXPECT_EQ(m.upper_bound(40), m.end());
  EXPECT_EQ(m.lower_bound(5), m.begin());
  m[30] = 7;  // an existing key is updated, not duplicated
  EXPECT_EQ(m.size(), 4u);
  EXPECT_EQ(m.lower_bound(30)->second, 7);
}

TEST(FlatMap, EraseReturnsTheNextEntry) {
  FlatMap<int, int, 8> m;
  for (int k : {1, 2, 3, 4}) m[k] = k;
  auto it = m.erase(m.lower_bound(2));
  EXPECT_EQ(it->first, 3);
  EXPECT_EQ(m.erase(4), 1u);
  EXPECT_EQ(m.erase(4), 0u);
  std::vector<int> keys;
  for (const auto& e : m) keys.push_back(e.first);
  EXPECT_EQ(keys, (std::vector<int>{1, 3}));
  m.clear();
  EXPECT_TRUE(m.empty());
}

TEST(FlatMap, MatchesStdMapOnAMixedSequence) {
  FlatMap<unsigned, unsigned, 64> flat;
  std::map<unsigned, unsigned> ref;
  unsigned x = 12345;
  for (int i = 0; i < 400; ++i) {
    x = x * 1103515245u + 12345u;
    const unsigned k = (x >> 8) % 50;
    if ((x >> 20) & 1) {
      flat[k] = i;
      ref[k] = i;
    } else {
      EXPECT_EQ(flat.erase(k), ref.erase(k));
    }
    ASSERT_EQ(flat.size(), ref.size());
    auto r = ref.begin();
    for (const auto& e : flat) {
      EXPECT_EQ(e.first, r->first);
      EXPECT_EQ(e.second, r->second);
      ++r;
    }
  }
}

TEST(FlatMap, MoreThanCapacityIsAnError) {
  FlatMap<int, int, 2> m;
  m[1] = 1;
  m[2] = 2;
  EXPECT_THROW(m[3] = 3, std::length_error);
  EXPECT_NO_THROW(m[2] = 5);
}

TEST(StaticVec, PushBackAtAndCapacity) {
  StaticVec<int, 2> v;
  v.push_back(1);
  v.push_back(2);
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.data()[1], 2);
  EXPECT_THROW(v.push_back(3), std::length_error);
  EXPECT_THROW(v.at(2), std::out_of_range);
}

}  // namespace
}  // namespace ptfold
