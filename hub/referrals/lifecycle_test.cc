#include "hub/referrals/lifecycle.h"

#include <set>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::referrals {
namespace {

namespace pb = ::prevent::policy::v1;
using prevent::records::v1::Referral;
using ::testing::HasSubstr;

std::vector<Role> AllRoles() {
  std::vector<Role> roles;
  for (int r = pb::Role_MIN + 1; r <= pb::Role_MAX; ++r) {
    if (pb::Role_IsValid(r)) roles.push_back(static_cast<Role>(r));
  }
  return roles;
}

TEST(LifecycleTest, EachMoveIsMadeByItsRolesAndRefusedToEveryOther) {
  for (const Move& move : Moves()) {
    for (Role role : AllRoles()) {
      const bool listed = std::find(move.roles.begin(), move.roles.end(),
                                    role) != move.roles.end();
      EXPECT_EQ(MayMake(move, {role}, /*is_referrer=*/false), listed)
          << move.label << " " << pb::ReferralState_Name(move.from) << "->"
          << pb::ReferralState_Name(move.to) << " by " << pb::Role_Name(role);
    }
    EXPECT_EQ(MayMake(move, {}, /*is_referrer=*/true), move.referrer)
        << move.label;
  }
}

TEST(LifecycleTest, TheGatewayAloneDecidesRouting) {  // T6, P09
  for (pb::ReferralState to : {pb::CLOSED_NFA, pb::SIGNPOSTED,
                               pb::POLICE_MANAGED, pb::INFO_GATHERING}) {
    absl::StatusOr<const Move*> move = FindMove(pb::POLICE_GATEWAY, to);
    ASSERT_TRUE(move.ok()) << move.status();
    EXPECT_EQ((*move)->roles, std::vector<Role>{pb::CT_GATEWAY_OFFICER});
    EXPECT_EQ((*move)->guard, Guard::kGatewayDecision);
    EXPECT_NE(OutcomeFor(to),
              prevent::records::v1::ROUTING_OUTCOME_UNSPECIFIED);
  }
  // Nothing reaches information gathering or a panel without the gateway.
  for (const Move& move : Moves()) {
    if (move.to == pb::INFO_GATHERING) {
      EXPECT_TRUE(move.from == pb::POLICE_GATEWAY ||
                  move.from == pb::POLICE_MANAGED)
          << pb::ReferralState_Name(move.from);
    }
  }
}

TEST(LifecycleTest, AnAbsentMoveNamesWhereTheReferralCanGo) {
  absl::StatusOr<const Move*> move =
      FindMove(pb::SUBMITTED, pb::SUPPORT_ACTIVE);
  EXPECT_EQ(move.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(move.status().message(), HasSubstr("SCREENING"));
  EXPECT_THAT(move.status().message(), HasSubstr("WITHDRAWN"));
  EXPECT_EQ(FindMove(pb::ERASED, pb::CLOSED).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LifecycleTest, OnlyThePreScreeningReferralCanBeWithdrawnByItsReferrer) {
  for (const Move& move : Moves()) {
    if (move.referrer) {
      EXPECT_EQ(move.from, pb::SUBMITTED);
      EXPECT_EQ(move.to, pb::WITHDRAWN);
    }
  }
}

TEST(LifecycleTest, ConsentAndPanelMovesAreNotPlainTransitions) {
  EXPECT_EQ((*FindMove(pb::CONSENT_PENDING, pb::SUPPORT_ACTIVE))->made_by,
            MadeBy::kConsent);  // P10
  EXPECT_EQ((*FindMove(pb::PANEL_LISTED, pb::PANEL_DECIDED))->made_by,
            MadeBy::kPanelDecision);
  EXPECT_EQ((*FindMove(pb::SUPPORT_ACTIVE, pb::EXITED))->made_by,
            MadeBy::kPanelDecision);
}

TEST(LifecycleTest, DatedAndGatheredMovesCarryTheirGuards) {
  // T8 waits for the information requests; P17's review moves wait for
  // their dates and stop at the 24-month limit.
  EXPECT_EQ((*FindMove(pb::INFO_GATHERING, pb::PANEL_LISTED))->guard,
            Guard::kInformationGathered);
  EXPECT_EQ((*FindMove(pb::EXITED, pb::REVIEW_6M_DUE))->guard,
            Guard::kReviewDue);
  EXPECT_EQ((*FindMove(pb::REVIEW_6M_DUE, pb::REVIEW_12M_DUE))->guard,
            Guard::kReviewDue);
  for (ReferralState from : {pb::REVIEW_6M_DUE, pb::REVIEW_12M_DUE}) {
    EXPECT_EQ((*FindMove(from, pb::REVIEW_EXTENDED))->guard,
              Guard::kWithinReviewLimit);
    EXPECT_EQ((*FindMove(from, pb::CLOSED))->guard, Guard::kNone);
  }
  EXPECT_TRUE(MayMake(**FindMove(pb::EXITED, pb::REVIEW_6M_DUE),
                      {pb::LA_PREVENT_COORDINATOR}, false));
  EXPECT_FALSE(MayMake(**FindMove(pb::EXITED, pb::REVIEW_6M_DUE),
                       {pb::CT_GATEWAY_OFFICER}, false));
}

TEST(LifecycleTest, NoMoveIsListedTwice) {
  std::set<std::pair<int, int>> seen;
  for (const Move& move : Moves()) {
    EXPECT_TRUE(seen.insert({move.from, move.to}).second)
        << pb::ReferralState_Name(move.from) << "->"
        << pb::ReferralState_Name(move.to);
  }
}

TEST(LifecycleTest, TheReferrerSeesOnlyCoarseBuckets) {
  EXPECT_EQ(BucketFor(pb::SUBMITTED, false), Referral::RECEIVED);
  EXPECT_EQ(BucketFor(pb::POLICE_GATEWAY, false), Referral::BEING_ASSESSED);
  // Police-managed and Channel cases look the same to the referrer (P08).
  EXPECT_EQ(BucketFor(pb::POLICE_MANAGED, false),
            BucketFor(pb::SUPPORT_ACTIVE, false));
  // A closure is not announced before approved feedback is released (P19).
  EXPECT_EQ(BucketFor(pb::CLOSED_NFA, false), Referral::BEING_ASSESSED);
  EXPECT_EQ(BucketFor(pb::CLOSED_NFA, true),
            Referral::CLOSED_FEEDBACK_AVAILABLE);
}

}  // namespace
}  // namespace hub::referrals
