#include "policy/spiffe_id.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::policy {
namespace {

using ::testing::HasSubstr;

TEST(SpiffeIdTest, ParsesPartnerAndUser) {
  absl::StatusOr<SpiffeId> id = SpiffeId::Parse(
      "spiffe://wexcombe.prevent-hub.example/partner/p-lbw/user/u-hokoro");
  ASSERT_THAT(id, IsOk());
  EXPECT_EQ(id->trust_domain, "wexcombe.prevent-hub.example");
  EXPECT_EQ(id->partner, "p-lbw");
  EXPECT_EQ(id->user, "u-hokoro");
  EXPECT_EQ(
      id->ToString(),
      "spiffe://wexcombe.prevent-hub.example/partner/p-lbw/user/u-hokoro");
}

TEST(SpiffeIdTest, RejectsOtherSchemes) {
  EXPECT_THAT(SpiffeId::Parse("https://td/partner/p/user/u"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a SPIFFE ID")));
}

TEST(SpiffeIdTest, RejectsWrongPaths) {
  for (const char* uri :
       {"spiffe://td", "spiffe://td/partner/p", "spiffe://td/user/u/partner/p",
        "spiffe://td/partner/p/user/u/extra", "spiffe://td/partner//user/u",
        "spiffe://td/partners/p/user/u"}) {
    EXPECT_THAT(SpiffeId::Parse(uri),
                StatusIs(absl::StatusCode::kInvalidArgument, testing::_))
        << uri;
  }
}

TEST(SpiffeIdTest, RejectsBadCharacters) {
  EXPECT_THAT(
      SpiffeId::Parse("spiffe://TD/partner/p/user/u"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("trust domain")));
  EXPECT_THAT(
      SpiffeId::Parse("spiffe://td/partner/p%20x/user/u"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("segment")));
  EXPECT_THAT(
      SpiffeId::Parse("spiffe://td/partner/../user/u"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("segment")));
}

TEST(SpiffeIdTest, TrustDomainRule) {
  EXPECT_TRUE(SpiffeId::IsValidTrustDomain("wexcombe.prevent-hub.example"));
  EXPECT_TRUE(SpiffeId::IsValidTrustDomain("a_b-1.c"));
  EXPECT_FALSE(SpiffeId::IsValidTrustDomain(""));
  EXPECT_FALSE(SpiffeId::IsValidTrustDomain("Upper.example"));
  EXPECT_FALSE(SpiffeId::IsValidTrustDomain("td/partner"));
  EXPECT_FALSE(SpiffeId::IsValidTrustDomain(std::string(256, 'a')));
}

}  // namespace
}  // namespace hub::policy
