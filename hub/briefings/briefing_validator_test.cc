#include "hub/briefings/briefing_validator.h"

#include <functional>
#include <string>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/briefings/briefing_samples.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

TEST(BriefingValidatorTest, TheSampleIsValid) {
  EXPECT_THAT(ValidateBriefing(testing::SampleBriefing(kNow),
                               testing::SampleAudiences(), kNow),
              IsOk());
}

struct Row {
  const char* name;
  std::function<void(rec::BriefingDraft&)> spoil;
  const char* field;  // the field the error names
  const char* what;   // and part of what it says
};

TEST(BriefingValidatorTest, EachProblemNamesItsField) {
  const Row rows[] = {
      {"no title", [](auto& d) { d.clear_title(); }, "draft.title", "required"},
      {"no series", [](auto& d) { d.clear_series(); }, "draft.series",
       "CTLP_ANNUAL"},
      {"no area", [](auto& d) { d.clear_area_codes(); }, "draft.area_codes",
       "areas"},
      {"no sections", [](auto& d) { d.clear_sections(); }, "draft.sections",
       "1 to 30"},
      {"section numbered twice",
       [](auto& d) { d.mutable_sections(1)->set_number(2); },
       "draft.sections[1].number", "once"},
      {"SECRET (P05)",
       [](auto& d) {
         d.mutable_sections(0)->mutable_marking()->set_tier(
             pb::SecurityMarking::SECRET);
       },
       "draft.sections[0].marking", "P05"},
      {"no marking", [](auto& d) { d.mutable_sections(0)->clear_marking(); },
       "draft.sections[0].marking", "OFFICIAL"},
      {"intelligence-service material (P06)",
       [](auto& d) { d.mutable_sections(2)->set_intel_service_derived(true); },
       "draft.sections[2].intel_service_derived", "P06"},
      {"an audience twice in a section",
       [](auto& d) {
         *d.mutable_sections(0)->add_bodies() = d.sections(0).bodies(0);
       },
       "draft.sections[0].bodies[3].audience", "one body per audience"},
      {"an empty body",
       [](auto& d) { d.mutable_sections(0)->mutable_bodies(0)->clear_text(); },
       "draft.sections[0].bodies[0]", "text or statistics"},
      {"a sensitive section for the public",
       [](auto& d) {
         auto& body = *d.mutable_sections(0)->add_bodies();
         body.set_audience(pb::PUBLIC);
         body.set_text("Summary");
       },
       "draft.sections[0].bodies[3].audience", "at most OFFICIAL"},
      {"a negative count",
       [](auto& d) {
         d.mutable_sections(2)
             ->mutable_bodies(0)
             ->mutable_statistics(0)
             ->set_count(-1);
       },
       "draft.sections[2].bodies[0].statistics[0].count", "negative"},
      {"an unapproved variant",
       [](auto& d) { d.mutable_variants(2)->set_approved(false); },
       "draft.variants[2].approved", "SCHOOLS variant is not approved"},
      {"a variant already expired",
       [](auto& d) {
         d.mutable_variants(0)->mutable_expires_at()->set_seconds(
             absl::ToUnixSeconds(kNow) - 1);
       },
       "draft.variants[0].expires_at", "after now"},
      {"bodies without a variant",
       [](auto& d) { d.mutable_variants()->RemoveLast(); }, "draft.variants",
       "ELECTED_MEMBERS audience has bodies but no approved variant"},
      {"a variant without bodies",
       [](auto& d) {
         auto& v = *d.add_variants();
         v = d.variants(0);
         v.set_audience(pb::PUBLIC);
       },
       "draft.variants[4].audience", "no section has a body"},
  };
  for (const Row& row : rows) {
    rec::BriefingDraft draft = testing::SampleBriefing(kNow);
    row.spoil(draft);
    const absl::Status status =
        ValidateBriefing(draft, testing::SampleAudiences(), kNow);
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr(absl::StrCat(row.field, ": "))))
        << row.name;
    EXPECT_THAT(status.message(), HasSubstr(row.what)) << row.name;
  }
}

TEST(BriefingValidatorTest, AnAudienceThePolicyDoesNotDefineIsRefused) {
  auto audiences = testing::SampleAudiences();
  audiences.RemoveLast();  // PUBLIC
  rec::BriefingDraft draft = testing::SampleBriefing(kNow);
  auto& body = *draft.mutable_sections(2)->add_bodies();
  body.set_audience(pb::PUBLIC);
  body.set_text("Headline figures");
  EXPECT_THAT(ValidateBriefing(draft, audiences, kNow),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("PUBLIC is not a briefing audience")));
}

}  // namespace
}  // namespace hub::briefings
