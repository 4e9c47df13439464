#include "hub/briefings/recipients.h"

#include <map>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/briefings/briefing_samples.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// Inside the demo agreement's term (2025-10-01 to its review in 2026-09).
const absl::Time kNow = absl::FromUnixSeconds(1'762'000'000);

class RecipientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = policy::Policy::Load(
        HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", kNow);
    ASSERT_THAT(loaded.status(), IsOk());
    policy_ = std::move(*loaded);
    briefing_.set_briefing_id("B-1");
    briefing_.set_owner_partner_id("P-SO15D");
    *briefing_.mutable_draft() = testing::SampleBriefing(kNow);
  }

  std::map<std::string, pb::Audience> Recipients() const {
    std::map<std::string, pb::Audience> out;
    for (const Recipient& r : RecipientsOf(*policy_, briefing_, kNow)) {
      out[r.principal->id()] = r.audience;
    }
    return out;
  }

  std::unique_ptr<const policy::Policy> policy_;
  rec::Briefing briefing_;
};

// The demo's rules F40-F43 name who gets which variant; nobody else gets
// one, and nobody gets two.
TEST_F(RecipientsTest, TheRulesNameEachAudiencesRecipients) {
  EXPECT_THAT(
      Recipients(),
      UnorderedElementsAre(
          Pair("U-HOKORO", pb::LA_CORE), Pair("U-ABROOKS", pb::LA_CORE),
          Pair("U-DRWHIT", pb::STATUTORY_PARTNERS),
          Pair("U-IMERCER", pb::STATUTORY_PARTNERS),
          Pair("U-RCALDWELL", pb::SCHOOLS), Pair("U-HEAD1", pb::SCHOOLS),
          Pair("U-DSL2", pb::SCHOOLS), Pair("U-CLLR", pb::ELECTED_MEMBERS)));
}

TEST_F(RecipientsTest, OnlyTheVariantsPublishedAreSent) {
  auto* variants = briefing_.mutable_draft()->mutable_variants();
  for (int i = variants->size() - 1; i >= 0; --i) {
    if (variants->Get(i).audience() != pb::SCHOOLS)
      variants->DeleteSubrange(i, 1);
  }
  EXPECT_THAT(Recipients(),
              UnorderedElementsAre(Pair("U-RCALDWELL", pb::SCHOOLS),
                                   Pair("U-HEAD1", pb::SCHOOLS),
                                   Pair("U-DSL2", pb::SCHOOLS)));
}

TEST_F(RecipientsTest, NobodyOutsideTheBriefingsAreas) {
  briefing_.mutable_draft()->set_area_codes(0, "ZZZ");
  EXPECT_TRUE(Recipients().empty());
}

TEST_F(RecipientsTest, ResourceCarriesTheVariantsHighestMarking) {
  const policy::Resource schools =
      BriefingResource(briefing_, pb::SCHOOLS, "WXC");
  EXPECT_EQ(schools.record, pb::BRIEFING);
  EXPECT_EQ(schools.source_partner_id, "P-SO15D");
  EXPECT_EQ(schools.audience, pb::SCHOOLS);
  EXPECT_TRUE(schools.sensitive);  // section 2 is OFFICIAL-SENSITIVE
  EXPECT_EQ(schools.tier, pb::SecurityMarking::OFFICIAL);
}

}  // namespace
}  // namespace hub::briefings
