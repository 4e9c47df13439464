#include "client/hub_client.h"

#include "client/offline/queued_writes.h"
#include "common/grpc_status.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::HasSubstr;

constexpr char kHub[] = "hub.example:8443";

TEST(ExplainHubFailureTest, AnOverloadedHubIsWorthTryingAgain) {
  const absl::Status s =
      ExplainHubFailure(kHub, grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                           "Server Threadpool Exhausted"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("too busy to take the call")));
  EXPECT_THAT(s.message(), HasSubstr(kHub));
  // So a queued offline write stays queued instead of being marked refused.
  EXPECT_TRUE(Unreachable(s));
}

TEST(ExplainHubFailureTest, AHubRefusingCallsItCannotHoldIsWorthTryingAgain) {
  const absl::Status s =
      ExplainHubFailure(kHub, grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                           common::kHubBusyMessage));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("too busy to take the call")));
  EXPECT_TRUE(Unreachable(s));
}

TEST(ExplainHubFailureTest, TheHubsOwnLimitIsPassedOn) {
  // The deconfliction daily limit is the hub's answer, not an overload.
  const absl::Status s = ExplainHubFailure(
      kHub, grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         "daily deconfliction query limit reached"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted,
                          HasSubstr("daily deconfliction query limit")));
  EXPECT_FALSE(Unreachable(s));
}

TEST(ExplainHubFailureTest, AnUnreachableHubNamesItsAddress) {
  const absl::Status s = ExplainHubFailure(
      kHub, grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable,
                          HasSubstr("cannot reach the hub at hub.example")));
}

TEST(ExplainHubFailureTest, ARevokedCertificateIsUnauthenticated) {
  const absl::Status s =
      ExplainHubFailure(kHub, grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                           "tls: alert certificate revoked"));
  EXPECT_THAT(
      s, StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("revoked")));
}

TEST(ExplainHubFailureTest, ADenialIsPassedOnAsItIs) {
  const absl::Status s = ExplainHubFailure(
      kHub, grpc::Status(grpc::StatusCode::NOT_FOUND, "no referral 'X'"));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kNotFound, "no referral 'X'"));
}

}  // namespace
}  // namespace hub::client
