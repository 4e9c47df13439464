#include "client/commands/referral_list_command.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

namespace rec = ::prevent::records::v1;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

std::string Table(const prevent::hub::v1::ListReferralsResponse& answer) {
  std::ostringstream out;
  PrintReferralTable(answer, out);
  return out.str();
}

TEST(PrintReferralTableTest, PrintsEachReferralOnOneRow) {
  prevent::hub::v1::ListReferralsResponse answer;
  rec::Referral& r = *answer.add_referrals();
  r.set_referral_ref("PRV-WXC-2025-000117");
  r.set_state(prevent::policy::v1::POLICE_GATEWAY);
  r.set_status_bucket(rec::Referral::BEING_ASSESSED);
  r.mutable_received_at()->set_seconds(1759416000);  // 2025-10-02T14:40:00Z
  r.set_area_code("WXC");
  r.set_repeat_referral_assurance(true);
  const std::string table = Table(answer);
  EXPECT_THAT(table,
              MatchesRegex("REFERENCE +STATE +STATUS +RECEIVED \\(UTC\\) "
                           "+AREA +FLAGS\n.*"));
  EXPECT_THAT(table, HasSubstr("PRV-WXC-2025-000117    POLICE_GATEWAY"));
  EXPECT_THAT(table, MatchesRegex(".*\nPRV-WXC-2025-000117 +POLICE_GATEWAY +"
                                  "BEING_ASSESSED +2025-10-02T14:40:00Z +WXC "
                                  "+repeat\n1 referral\\(s\\)\n"));
}

// A referrer's projection holds little more than the reference and status.
TEST(PrintReferralTableTest, ShowsADashForWhatTheProjectionLeftEmpty) {
  prevent::hub::v1::ListReferralsResponse answer;
  rec::Referral& r = *answer.add_referrals();
  r.set_referral_ref("PRV-WXC-2025-000123");
  r.set_status_bucket(rec::Referral::RECEIVED);
  EXPECT_THAT(Table(answer),
              MatchesRegex(".*\nPRV-WXC-2025-000123 +- +RECEIVED +- +- +-\n"
                           "1 referral\\(s\\)\n"));
}

TEST(PrintReferralTableTest, SaysWhenMoreMatchedThanTheLimit) {
  prevent::hub::v1::ListReferralsResponse answer;
  answer.add_referrals()->set_referral_ref("PRV-WXC-2025-000101");
  answer.set_truncated(true);
  EXPECT_THAT(Table(answer), HasSubstr("(more: raise --limit)\n"));
  answer.set_truncated(false);
  EXPECT_THAT(Table(answer), ::testing::Not(HasSubstr("more:")));
}

}  // namespace
}  // namespace hub::client
