#include "client/commands/default_purpose.h"

#include <initializer_list>

#include "gtest/gtest.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;

prevent::records::v1::Identity WithRoles(
    std::initializer_list<pb::Role> roles) {
  prevent::records::v1::Identity me;
  for (pb::Role role : roles) me.add_roles(role);
  return me;
}

TEST(DefaultReferralPurposeTest, EachRoleGetsItsPurpose) {
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::CT_GATEWAY_OFFICER})),
            pb::PREVENT_GATEWAY_DECONFLICTION);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::LA_PREVENT_COORDINATOR})),
            pb::PREVENT_SCREENING);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::MASH_OFFICER})),
            pb::CHILD_SAFEGUARDING_MASH);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::CSC_PREVENT_SOCIAL_WORKER})),
            pb::CHILD_SAFEGUARDING_MASH);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::PANEL_CHAIR})),
            pb::CHANNEL_PANEL);
}

TEST(DefaultReferralPurposeTest, ReferrersAndEveryoneElseGetFeedback) {
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::NHS_REFERRER})),
            pb::REFERRER_FEEDBACK);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::SCHOOL_DSL})),
            pb::REFERRER_FEEDBACK);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::CT_CASE_OFFICER})),
            pb::REFERRER_FEEDBACK);
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({})), pb::REFERRER_FEEDBACK);
}

TEST(DefaultReferralPurposeTest, TheFirstMatchingRowWinsWhateverTheRoleOrder) {
  EXPECT_EQ(DefaultReferralPurpose(WithRoles({pb::NHS_REFERRER, pb::PANEL_CHAIR,
                                              pb::LA_PREVENT_COORDINATOR})),
            pb::PREVENT_SCREENING);
  EXPECT_EQ(DefaultReferralPurpose(
                WithRoles({pb::MASH_OFFICER, pb::CT_GATEWAY_OFFICER})),
            pb::PREVENT_GATEWAY_DECONFLICTION);
  EXPECT_EQ(DefaultReferralPurpose(
                WithRoles({pb::PANEL_CHAIR, pb::CSC_PREVENT_SOCIAL_WORKER})),
            pb::CHILD_SAFEGUARDING_MASH);
}

}  // namespace
}  // namespace hub::client
