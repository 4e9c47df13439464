#include "client/commands/enum_flag.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/policy.pb.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(ParseEnumFlagTest, AcceptsANameInAnyCase) {
  EXPECT_THAT(
      ParseEnumFlag(pb::ReferralState_descriptor(), "--state", "SCREENING"),
      IsOk());
  absl::StatusOr<int> state = ParseEnumFlag(pb::ReferralState_descriptor(),
                                            "--state", "police_gateway");
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(*state, pb::POLICE_GATEWAY);
}

TEST(ParseEnumFlagTest, AnUnknownNameNamesTheFlagAndTheChoices) {
  EXPECT_THAT(
      ParseEnumFlag(pb::ReferralState_descriptor(), "--to", "SCREENED"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("--to: unknown value 'SCREENED'"),
                     HasSubstr("use one of DRAFT, SUBMITTED, SCREENING"),
                     HasSubstr("MERGED"))));
}

TEST(ParseEnumFlagTest, TheUnspecifiedValueIsNeverAccepted) {
  EXPECT_THAT(
      ParseEnumFlag(pb::Purpose_descriptor(), "--purpose",
                    "PURPOSE_UNSPECIFIED"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               ::testing::Not(HasSubstr("one of PURPOSE_UNSPECIFIED"))));
}

}  // namespace
}  // namespace hub::client
