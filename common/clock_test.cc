#include "common/clock.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"

namespace hub::common {
namespace {

TEST(ParseUtcDateTest, ParsesMidnightUtc) {
  absl::StatusOr<absl::Time> t = ParseUtcDate("2026-09-30");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t,
            absl::FromCivil(absl::CivilDay(2026, 9, 30), absl::UTCTimeZone()));
  EXPECT_EQ(FormatUtc(*t), "2026-09-30T00:00:00Z");
}

TEST(ParseUtcDateTest, RefusesAnythingButYyyyMmDd) {
  for (const char* bad :
       {"", "2026-9-30", "30/09/2026", "2026-02-30", "2026-13-01",
        "2026-09-30T00:00:00Z", "2026-09-3x", " 2026-09-30"}) {
    EXPECT_THAT(ParseUtcDate(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                            ::testing::HasSubstr("YYYY-MM-DD")))
        << bad;
  }
}

}  // namespace
}  // namespace hub::common
