#include "client/commands/print_fields.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/records.pb.h"

namespace hub::client {
namespace {

namespace rec = ::prevent::records::v1;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Print(const google::protobuf::Message& m) {
  std::ostringstream out;
  PrintFields(m, out);
  return out.str();
}

TEST(PrintFieldsTest, PrintsOnlyThePresentFieldsWithTheirPaths) {
  rec::CaseFile file;
  file.mutable_subject()->mutable_identity()->set_surname("Marsh");
  file.mutable_referral()->set_referral_ref("PRV-WXC-2025-000123");
  file.mutable_referral()->set_state(prevent::policy::v1::SCREENING);
  file.mutable_referral()->mutable_received_at()->set_seconds(1759748700);
  file.mutable_referral()->set_repeat_referral_assurance(true);
  EXPECT_EQ(Print(file),
            "subject\n"
            "  identity\n"
            "    surname                         Marsh\n"
            "referral\n"
            "  referral_ref                      PRV-WXC-2025-000123\n"
            "  state                             SCREENING\n"
            "  received_at                       2025-10-06T11:05:00Z\n"
            "  repeat_referral_assurance         yes\n");
}

TEST(PrintFieldsTest, AProjectedAwayFieldIsAbsent) {
  rec::CaseFile file;
  file.mutable_referral()->set_referral_ref("PRV-WXC-2025-000123");
  const std::string printed = Print(file);
  EXPECT_THAT(printed, Not(HasSubstr("concern_summary")));
  EXPECT_THAT(printed, Not(HasSubstr("subject")));
  EXPECT_THAT(printed, Not(HasSubstr("gateway")));
}

TEST(PrintFieldsTest, IndexesRepeatedItems) {
  rec::Subject subject;
  subject.add_phones("07700 900377");
  subject.add_phones("07700 900378");
  subject.add_addresses()->set_postcode("ZZ1 2XB");
  subject.add_safeguarding_flags(rec::Subject::ADULT_SAFEGUARDING);
  EXPECT_EQ(Print(subject),
            "addresses[0]\n"
            "  postcode                          ZZ1 2XB\n"
            "phones[0]                           07700 900377\n"
            "phones[1]                           07700 900378\n"
            "safeguarding_flags[0]               ADULT_SAFEGUARDING\n");
}

TEST(PrintFieldsTest, AlignsTheContinuationOfMultiLineText) {
  rec::Referral referral;
  referral.set_concern_summary("first line\nsecond line");
  EXPECT_EQ(Print(referral),
            "concern_summary                     first line\n"
            "                                    second line\n");
}

TEST(PrintFieldsTest, AnEmptyMessagePrintsNothing) {
  std::ostringstream out;
  EXPECT_FALSE(PrintFields(rec::CaseFile(), out));
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace hub::client
