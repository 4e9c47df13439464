#include "hub/briefings/renderer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/briefings/briefing_samples.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using testing::Canary;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

rec::BriefingRendition RenderAs(const rec::BriefingDraft& draft,
                                pb::Audience audience) {
  static const auto* const audiences =
      new google::protobuf::RepeatedPtrField<pb::BriefingAudience>(
          testing::SampleAudiences());
  RenderFor what;
  what.audience = audience;
  for (const pb::BriefingAudience& a : *audiences) {
    if (a.audience() == audience) what.definition = &a;
  }
  what.briefing_id = "B-1";
  what.watermark_id = "WM-7A21";
  what.expires_at = kNow + absl::Hours(24);
  return Render(draft, what);
}

// The canary test at the renderer (TESTING §3.6): for every audience, the
// serialised rendition holds exactly the canaries of the bodies written for
// that audience, and no other.
TEST(RendererTest, EachAudienceGetsExactlyItsOwnBodies) {
  const rec::BriefingDraft draft = testing::SampleBriefing(kNow);
  for (pb::Audience audience : {pb::LA_CORE, pb::STATUTORY_PARTNERS,
                                pb::SCHOOLS, pb::ELECTED_MEMBERS, pb::PUBLIC}) {
    const std::string bytes = RenderAs(draft, audience).SerializeAsString();
    for (const rec::BriefingDraft::Section& section : draft.sections()) {
      for (const rec::BriefingDraft::Body& body : section.bodies()) {
        const std::string canary = Canary(section.number(), body.audience());
        if (body.audience() == audience) {
          EXPECT_THAT(bytes, HasSubstr(canary)) << canary;
        } else {
          EXPECT_THAT(bytes, Not(HasSubstr(canary)))
              << pb::Audience_Name(audience) << " got " << canary;
        }
      }
    }
  }
}

TEST(RendererTest, SectionsInOrderWithBannerConditionsExpiryAndWatermark) {
  rec::BriefingDraft draft = testing::SampleBriefing(kNow);
  // Published out of order: rendered in section order.
  std::swap(*draft.mutable_sections(0), *draft.mutable_sections(3));
  const rec::BriefingRendition schools = RenderAs(draft, pb::SCHOOLS);
  std::vector<int> numbers;
  for (const auto& s : schools.sections()) numbers.push_back(s.number());
  EXPECT_THAT(numbers, ElementsAre(2, 7, 11));
  EXPECT_EQ(schools.marking_banner(), "OFFICIAL-SENSITIVE");
  EXPECT_EQ(schools.sections(1).marking(), "OFFICIAL");
  EXPECT_EQ(schools.handling_conditions(), "Need-to-know only (SCHOOLS).");
  EXPECT_EQ(schools.watermark_id(), "WM-7A21");
  EXPECT_EQ(schools.expires_at().seconds(),
            absl::ToUnixSeconds(kNow + absl::Hours(24)));
  EXPECT_EQ(schools.audience(), pb::SCHOOLS);
  EXPECT_EQ(schools.title(), draft.title());

  // Only OFFICIAL sections: an OFFICIAL banner.
  rec::BriefingDraft plain = testing::SampleBriefing(kNow);
  for (auto& s : *plain.mutable_sections()) {
    s.mutable_marking()->set_sensitive(false);
  }
  EXPECT_EQ(RenderAs(plain, pb::SCHOOLS).marking_banner(), "OFFICIAL");
  // An audience with no bodies gets the frame and nothing else.
  const rec::BriefingRendition nothing = RenderAs(draft, pb::PUBLIC);
  EXPECT_TRUE(nothing.sections().empty());
  EXPECT_FALSE(nothing.handling_conditions().empty());
}

TEST(RendererTest, CountsOfOneToFourAreSuppressed) {
  EXPECT_EQ(SuppressedCount(0), "0");
  EXPECT_EQ(SuppressedCount(1), "<5");
  EXPECT_EQ(SuppressedCount(4), "<5");
  EXPECT_EQ(SuppressedCount(5), "5");
  EXPECT_EQ(SuppressedCount(148), "148");
  const rec::BriefingRendition members =
      RenderAs(testing::SampleBriefing(kNow), pb::ELECTED_MEMBERS);
  ASSERT_EQ(members.sections_size(), 2);
  const auto& stats = members.sections(1);
  ASSERT_EQ(stats.cells_size(), 3);
  EXPECT_EQ(stats.cells(0).value(), "148");
  EXPECT_EQ(stats.cells(2).label(), "aged 10 or under");
  EXPECT_EQ(stats.cells(2).value(), "<5");
  // The raw count never reaches the rendition.
  for (const auto& cell : stats.cells()) EXPECT_NE(cell.value(), "3");
}

}  // namespace
}  // namespace hub::briefings
