#include "client/commands/referral_file.h"

#include <google/protobuf/util/message_differencer.h>

#include <fstream>

#include "client/commands/referral_example.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

namespace rec = ::prevent::records::v1;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ReferralFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = temp_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  common::ScopedTempDir temp_;
};

TEST_F(ReferralFileTest, AcceptsTheTemplateUnchanged) {
  absl::StatusOr<std::string> json = ExampleSubmissionJson();
  ASSERT_THAT(json, IsOk());
  absl::StatusOr<rec::ReferralSubmission> read =
      ReadReferralSubmission(Write("referral.json", *json));
  ASSERT_THAT(read, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*read, ExampleSubmission()));
}

TEST_F(ReferralFileTest, AcceptsJsonAfterLeadingWhitespace) {
  absl::StatusOr<rec::ReferralSubmission> read = ParseReferralSubmission(
      "\n  {\"referral\": {\"type_of_concern\": \"INCEL\"}}", "r.json");
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->referral().type_of_concern(), rec::Referral::INCEL);
}

TEST_F(ReferralFileTest, AcceptsTextFormat) {
  absl::StatusOr<rec::ReferralSubmission> read =
      ReadReferralSubmission(Write("referral.textproto", R"pb(
        # A comment, as people write them.
        subject {
          identity { forenames: "Ryan" surname: "Marsh" dob: "2003-01-27" }
        }
        referral {
          concern_summary: "Showed videos praising a proscribed group."
          type_of_concern: ISLAMIST
          indicators { category: TRAVEL_CONCERN source_reliability: FIRST_HAND }
        }
      )pb"));
  ASSERT_THAT(read, IsOk());
  EXPECT_EQ(read->subject().identity().surname(), "Marsh");
  EXPECT_EQ(read->referral().indicators(0).category(),
            rec::ConcernIndicator::TRAVEL_CONCERN);
}

TEST_F(ReferralFileTest, ATextFormatErrorNamesFileLineAndColumn) {
  const std::string path = Write("bad.textproto",
                                 "subject {\n"
                                 "  identity { surname: \"Marsh\" }\n"
                                 "}\n"
                                 "referral { type_of_concern: ISLAMIT }\n");
  EXPECT_THAT(ReadReferralSubmission(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith(path + ":4:"), HasSubstr("ISLAMIT"))));
}

TEST_F(ReferralFileTest, AMisspeltTextFormatFieldIsAnError) {
  EXPECT_THAT(ParseReferralSubmission(
                  "referral {\n  concern_sumary: \"x\"\n}\n", "r.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("r.textproto:2:"),
                             HasSubstr("concern_sumary"))));
}

TEST_F(ReferralFileTest, AJsonErrorNamesTheFileAndTheProblem) {
  EXPECT_THAT(ParseReferralSubmission(
                  "{\"referral\": {\"concern_sumary\": \"x\"}}", "r.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("r.json: not a referral submission "
                                        "in JSON: "),
                             HasSubstr("concern_sumary"))));
  EXPECT_THAT(ParseReferralSubmission("{\"referral\": {", "r.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("r.json: not a referral submission")));
}

TEST_F(ReferralFileTest, AnEmptyFileSaysSo) {
  EXPECT_THAT(ReadReferralSubmission(Write("empty.json", " \n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the file is empty")));
}

// A missing file is the user's own problem (exit 1), not the hub refusing.
TEST_F(ReferralFileTest, AMissingFileIsALocalProblem) {
  const std::string path = temp_.path() + "/nope.json";
  EXPECT_THAT(ReadReferralSubmission(path),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(path)));
}

}  // namespace
}  // namespace hub::client
