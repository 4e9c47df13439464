#include "client/commands/request_id.h"

#include <set>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(NewRequestIdTest, IsARandomUuidVersion4InLowerHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::string> id = NewRequestId();
    ASSERT_THAT(id, IsOk());
    EXPECT_THAT(*id, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                  "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    EXPECT_THAT(CheckRequestId(*id), IsOk());
    seen.insert(*id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CheckRequestIdTest, AcceptsOneTo64PrintableAsciiCharacters) {
  EXPECT_THAT(CheckRequestId("x"), IsOk());
  EXPECT_THAT(CheckRequestId("retry 2 of PRV-WXC-2025-000123"), IsOk());
  EXPECT_THAT(CheckRequestId(std::string(64, 'a')), IsOk());
  EXPECT_THAT(CheckRequestId(""), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("--request-id")));
  EXPECT_THAT(
      CheckRequestId(std::string(65, 'a')),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--request-id")));
  EXPECT_THAT(
      CheckRequestId("tab\there"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--request-id")));
  EXPECT_THAT(
      CheckRequestId("caf\xc3\xa9"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--request-id")));
}

TEST(WithRetryHintTest, NamesTheIdWhenTheOutcomeIsUnknown) {
  EXPECT_THAT(
      WithRetryHint(absl::UnavailableError("cannot reach the hub"), "id-1"),
      StatusIs(absl::StatusCode::kUnavailable,
               HasSubstr("cannot reach the hub\nthe hub may or may not have "
                         "applied it; to retry safely, run the same command "
                         "again with --request-id id-1")));
  EXPECT_THAT(WithRetryHint(absl::DeadlineExceededError("slow"), "id-2"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       HasSubstr("--request-id id-2")));
}

TEST(WithRetryHintTest, LeavesAnAnswerFromTheHubAsItIs) {
  const absl::Status risk = absl::InvalidArgumentError(
      "immediate risk: call 999 now; this is not a Prevent referral");
  EXPECT_EQ(WithRetryHint(risk, "id-1"), risk);
  EXPECT_EQ(WithRetryHint(absl::PermissionDeniedError("no"), "id-1"),
            absl::PermissionDeniedError("no"));
  EXPECT_EQ(WithRetryHint(absl::OkStatus(), "id-1"), absl::OkStatus());
}

}  // namespace
}  // namespace hub::client
