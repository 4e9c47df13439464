#include "client/commands/referral_example.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

namespace rec = ::prevent::records::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

TEST(ExampleSubmissionTest, RoundTripsThroughJson) {
  absl::StatusOr<std::string> json = ExampleSubmissionJson();
  ASSERT_TRUE(json.ok()) << json.status();
  rec::ReferralSubmission parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok());
  std::string diff;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differencer.Compare(ExampleSubmission(), parsed)) << diff;
}

TEST(ExampleSubmissionTest, UsesProtoFieldNamesAndEnumNames) {
  absl::StatusOr<std::string> json = ExampleSubmissionJson();
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"concern_summary\""));
  EXPECT_THAT(*json, HasSubstr("\"type_of_concern\": \"ISLAMIST\""));
  EXPECT_THAT(*json, HasSubstr("\"area_code\": \"WXC\""));
}

TEST(ExampleSubmissionTest, IsTheFictionalRyanMarshReferral) {
  const rec::ReferralSubmission s = ExampleSubmission();
  EXPECT_EQ(s.subject().identity().surname(), "Marsh");
  EXPECT_EQ(s.subject().identity().dob(), "2003-01-27");
  ASSERT_EQ(s.subject().addresses_size(), 1);
  EXPECT_EQ(s.subject().addresses(0).postcode(), "ZZ1 2XB");
  EXPECT_EQ(s.subject().local_identifiers(0).value(), "999 159 0838");
  EXPECT_EQ(s.referral().referrer().organisation_partner_id(), "P-NHS1");
  EXPECT_EQ(s.referral().type_of_concern(), rec::Referral::ISLAMIST);
  ASSERT_EQ(s.referral().indicators_size(), 2);
  EXPECT_EQ(s.referral().indicators(0).category(),
            rec::ConcernIndicator::TRAVEL_CONCERN);
  EXPECT_EQ(s.referral().indicators(1).category(),
            rec::ConcernIndicator::EXTREMIST_MATERIAL_ONLINE);
  EXPECT_EQ(s.referral().complex_needs(0).known_or_suspected(),
            rec::ComplexNeed::KNOWN);
  EXPECT_TRUE(s.referral().discussed_with_safeguarding_lead());
  EXPECT_FALSE(s.referral().immediate_risk());
}

// The hub refuses a submission that sets what it assigns itself.
TEST(ExampleSubmissionTest, SetsNoFieldTheHubAssigns) {
  const rec::ReferralSubmission s = ExampleSubmission();
  const rec::Referral& r = s.referral();
  EXPECT_TRUE(s.subject().subject_id().empty());
  EXPECT_TRUE(r.referral_id().empty());
  EXPECT_TRUE(r.referral_ref().empty());
  EXPECT_EQ(r.state(), prevent::policy::v1::REFERRAL_STATE_UNSPECIFIED);
  EXPECT_EQ(r.status_bucket(), rec::Referral::STATUS_BUCKET_UNSPECIFIED);
  EXPECT_FALSE(r.has_received_at());
  EXPECT_FALSE(r.has_state_changed_at());
  EXPECT_TRUE(r.area_code().empty());
  EXPECT_TRUE(r.prior_referral_ids().empty());
  EXPECT_EQ(r.prior_referrals_24m(), 0);
  EXPECT_FALSE(r.has_feedback());
  EXPECT_FALSE(r.mash_notified());
  EXPECT_FALSE(r.repeat_referral_assurance());
  EXPECT_TRUE(r.last_transition_reason().empty());
}

}  // namespace
}  // namespace hub::client
