#include "hub/audit/event_id.h"

#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace hub::audit {
namespace {

TEST(EventIdTest, IsACanonicalUuidVersion7CarryingTheTime) {
  const absl::Time time = absl::FromUnixMillis(1'763'812'345'678);
  const std::string id = NewEventId(time);
  ASSERT_EQ(id.size(), 36u);
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE((id[i] >= '0' && id[i] <= '9') ||
                  (id[i] >= 'a' && id[i] <= 'f'))
          << id;
    }
  }
  EXPECT_EQ(id[14], '7') << id;  // version
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  // The first 48 bits are the Unix time in milliseconds.
  uint64_t ms = 0;
  ASSERT_TRUE(absl::SimpleHexAtoi(id.substr(0, 8) + id.substr(9, 4), &ms));
  EXPECT_EQ(ms, 1'763'812'345'678u);
}

TEST(EventIdTest, IdsAreUniqueAndSortByTime) {
  std::set<std::string> seen;
  std::string previous;
  for (int i = 0; i < 5000; ++i) {
    const std::string id =
        NewEventId(absl::FromUnixMillis(1'763'812'345'000 + i));
    EXPECT_TRUE(seen.insert(id).second) << id;
    EXPECT_LT(previous, id);
    previous = id;
  }
}

}  // namespace
}  // namespace hub::audit
