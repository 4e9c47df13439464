#include "policy/policy.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::policy {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// The tests' "now": 2026-11-21, within the demo agreement's term.
const absl::Time kNow =
    absl::FromCivil(absl::CivilDay(2026, 11, 21), absl::UTCTimeZone());

absl::StatusOr<std::unique_ptr<const Policy>> Parse(absl::string_view text,
                                                    absl::string_view name) {
  return Policy::Parse(text, name, kNow);
}

constexpr char kValid[] = R"policy(
trust_domain: "td.example"
partners { id: "P-LBW" name: "Borough" type: LOCAL_AUTHORITY status: ACTIVE }
partners { id: "P-NHS1" name: "Trust" type: NHS_TRUST status: SUSPENDED }
principals {
  id: "U-HOKORO" partner_id: "P-LBW" roles: LA_PREVENT_COORDINATOR status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-lbw/user/u-hokoro"
}
principals {
  id: "U-DRWHIT" partner_id: "P-NHS1" roles: NHS_PREVENT_LEAD status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-nhs1/user/u-drwhit"
}
)policy";

TEST(PolicyTest, ParsesAValidFileAndFindsEveryone) {
  auto policy = Parse(kValid, "policy.textproto");
  ASSERT_THAT(policy, IsOk());
  const Policy& r = **policy;
  EXPECT_EQ(r.trust_domain(), "td.example");
  const Principal* p = r.FindPrincipalBySpiffeId(
      "spiffe://td.example/partner/p-lbw/user/u-hokoro");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->id(), "U-HOKORO");
  EXPECT_EQ(r.FindPrincipal("U-DRWHIT")->partner_id(), "P-NHS1");
  EXPECT_EQ(r.FindPartner("P-NHS1")->status(), Partner::SUSPENDED);
  EXPECT_EQ(r.FindPartner("P-NONE"), nullptr);
  EXPECT_EQ(r.FindPrincipal("U-NONE"), nullptr);
  EXPECT_EQ(
      r.FindPrincipalBySpiffeId("spiffe://td.example/partner/p-lbw/user/u-x"),
      nullptr);
}

TEST(PolicyTest, SyntaxErrorsNameLineAndColumn) {
  EXPECT_THAT(Parse("trust_domain: \"x\"\npartners { idd: \"P\" }\n", "f.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("f.txt:2:"), HasSubstr("idd"))));
}

TEST(PolicyTest, UnknownPartnerIsReportedAtItsLine) {
  constexpr char kText[] = R"policy(trust_domain: "td.example"
partners { id: "P-LBW" type: LOCAL_AUTHORITY status: ACTIVE }
principals {
  id: "U-X"
  partner_id: "P-NOPE"
  roles: NHS_REFERRER status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-nope/user/u-x"
}
)policy";
  EXPECT_THAT(Parse(kText, "p.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("p.txt:5:3:"), HasSubstr("'P-NOPE'"),
                             HasSubstr("not defined"))));
}

TEST(PolicyTest, DuplicatesAreRefused) {
  constexpr char kText[] = R"policy(trust_domain: "td.example"
partners { id: "P-LBW" type: LOCAL_AUTHORITY status: ACTIVE }
partners { id: "P-LBW" type: LOCAL_AUTHORITY status: ACTIVE }
principals { id: "U-A" partner_id: "P-LBW" roles: PANEL_CHAIR status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-lbw/user/u-a" }
principals { id: "U-A" partner_id: "P-LBW" roles: PANEL_CHAIR status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-lbw/user/u-a" }
)policy";
  EXPECT_THAT(Parse(kText, "d.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("d.txt:3:"),
                             HasSubstr("partner 'P-LBW' is defined twice"),
                             HasSubstr("principal 'U-A' is defined twice"),
                             HasSubstr("already used by another principal"))));
}

TEST(PolicyTest, SpiffeIdMustNameThePrincipalAndItsPartner) {
  constexpr char kText[] = R"policy(trust_domain: "td.example"
partners { id: "P-LBW" type: LOCAL_AUTHORITY status: ACTIVE }
partners { id: "P-SO15D" type: CT_POLICE status: ACTIVE }
principals { id: "U-A" partner_id: "P-LBW" roles: PANEL_CHAIR status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-so15d/user/u-a" }
)policy";
  EXPECT_THAT(Parse(kText, "s.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must end /partner/p-lbw/user/u-a")));
}

TEST(PolicyTest, SpiffeIdMustBeInTheTrustDomain) {
  constexpr char kText[] = R"policy(trust_domain: "td.example"
partners { id: "P-LBW" type: LOCAL_AUTHORITY status: ACTIVE }
principals { id: "U-A" partner_id: "P-LBW" roles: PANEL_CHAIR status: ACTIVE
  spiffe_id: "spiffe://other.example/partner/p-lbw/user/u-a" }
)policy";
  EXPECT_THAT(Parse(kText, "t.txt"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("trust domain 'other.example'")));
}

TEST(PolicyTest, MissingFieldsAreEachReported) {
  constexpr char kText[] = R"policy(partners { id: "P-LBW" }
principals { id: "U-A" partner_id: "P-LBW" spiffe_id: "not-a-uri" }
)policy";
  EXPECT_THAT(
      Parse(kText, "m.txt"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("trust_domain is missing"),
                     HasSubstr("partner 'P-LBW' has no known type"),
                     HasSubstr("partner 'P-LBW' has no status"),
                     HasSubstr("principal 'U-A' has no roles"),
                     HasSubstr("principal 'U-A' has no status"),
                     HasSubstr("m.txt:2:44: principal 'U-A': spiffe_id"))));
}

TEST(PolicyTest, TheDemoPartnershipIsValid) {
  auto policy =
      Policy::Load(HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", kNow);
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ((*policy)->file().partners_size(), 9);
  EXPECT_EQ((*policy)->file().principals_size(), 16);
  EXPECT_NE((*policy)->FindPrincipalBySpiffeId(
                "spiffe://wexcombe.prevent-hub.example/partner/p-so15d/user/"
                "u-dsallenby"),
            nullptr);
}

TEST(PolicyTest, UnreadableFileIsNotFound) {
  EXPECT_THAT(Policy::Load("/nonexistent/policy.textproto", kNow),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("/nonexistent/policy.textproto")));
}

}  // namespace
}  // namespace hub::policy
