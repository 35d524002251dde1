// The catalogue against linux-folding.md §2.7 and arch-walks.md §1.11.
#include <gtest/gtest.h>

#include "reference/geometry.h"

namespace ptfold::ref {
namespace {

TEST(Catalogue, HasArm64Rows) {
  EXPECT_NE(find("arm64-4k-va52-nolpa2"), nullptr);
  EXPECT_NE(find("arm64-64k-va48-boot"), nullptr);
}

}  // namespace
}  // namespace ptfold::ref
