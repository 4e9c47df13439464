// A fictional CTLP briefing (SPEC §5.5) for the briefing tests, with a unique
// canary in every body so a test can tell exactly which bodies reached a
// rendition (TESTING §3.6).
#ifndef HUB_BRIEFINGS_BRIEFING_SAMPLES_H_
#define HUB_BRIEFINGS_BRIEFING_SAMPLES_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::briefings::testing {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

// The canary in section `number`'s body for `audience`.
inline std::string Canary(int number, pb::Audience audience) {
  return absl::StrCat("CANARY-S", number, "-", pb::Audience_Name(audience));
}

// SPEC §2.5's sections 2, 4, 7 and 11 for LA_CORE, STATUTORY_PARTNERS,
// SCHOOLS and ELECTED_MEMBERS, each body carrying its canary; approved variants
// expiring `expires` (a year after `now` by default).
inline rec::BriefingDraft SampleBriefing(absl::Time now) {
  rec::BriefingDraft d;
  d.set_title("Wexcombe CTLP briefing 2025/26 (DEMO, fictional)");
  d.set_series(rec::BriefingDraft::CTLP_ANNUAL);
  d.add_area_codes("WXC");
  d.set_period("2025/26");
  auto section = [&](int number, const char* title, bool sensitive) {
    rec::BriefingDraft::Section& s = *d.add_sections();
    s.set_number(number);
    s.set_title(title);
    s.mutable_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
    s.mutable_marking()->set_sensitive(sensitive);
    return &s;
  };
  auto body = [](rec::BriefingDraft::Section* s, pb::Audience audience,
                 const std::string& text) {
    rec::BriefingDraft::Body& b = *s->add_bodies();
    b.set_audience(audience);
    b.set_text(absl::StrCat(text, " ", Canary(s->number(), audience)));
    return &b;
  };
  rec::BriefingDraft::Section* judgements = section(2, "Key judgements", true);
  body(judgements, pb::LA_CORE, "Online spaces and mass-violence fixation.");
  body(judgements, pb::STATUTORY_PARTNERS,
       "Online spaces and mass-violence fixation; health settings see both.");
  body(judgements, pb::SCHOOLS,
       "Online spaces remain the main route to extremist content.");
  rec::BriefingDraft::Section* threat =
      section(4, "Local threat picture", true);
  body(threat, pb::LA_CORE, "ERW online networks targeting 13-17 year-olds.");
  body(threat, pb::STATUTORY_PARTNERS,
       "ERW networks; incel-related referrals rising from colleges.");
  body(threat, pb::ELECTED_MEMBERS, "Threat is mainly online.");
  rec::BriefingDraft::Section* stats =
      section(7, "Referral statistics (fictional)", false);
  for (pb::Audience a : {pb::LA_CORE, pb::STATUTORY_PARTNERS, pb::SCHOOLS,
                         pb::ELECTED_MEMBERS}) {
    rec::BriefingDraft::Body* b = body(stats, a, "Referrals in 2025/26.");
    for (auto [label, count] : {std::pair<const char*, int>{"total", 148},
                                {"education", 61},
                                {"aged 10 or under", 3}}) {
      rec::BriefingDraft::Statistic& cell = *b->add_statistics();
      cell.set_label(label);
      cell.set_count(count);
    }
  }
  rec::BriefingDraft::Section* actions = section(11, "Recommendations", true);
  body(actions, pb::LA_CORE, "Extend awareness training to youth service.");
  body(actions, pb::STATUTORY_PARTNERS,
       "Quarterly emerging-risk briefing to every Prevent lead.");
  body(actions, pb::SCHOOLS, "Refresh online-safety filtering in schools.");
  for (pb::Audience a : {pb::LA_CORE, pb::STATUTORY_PARTNERS, pb::SCHOOLS,
                         pb::ELECTED_MEMBERS}) {
    rec::BriefingDraft::Variant& v = *d.add_variants();
    v.set_audience(a);
    v.set_approved(true);
    v.mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(now + absl::Hours(24 * 365)));
  }
  return d;
}

// The policy's audiences as the demo defines them (max marking
// OFFICIAL-SENSITIVE, elected members online only).
inline google::protobuf::RepeatedPtrField<pb::BriefingAudience>
SampleAudiences() {
  google::protobuf::RepeatedPtrField<pb::BriefingAudience> out;
  for (pb::Audience a : {pb::LA_CORE, pb::STATUTORY_PARTNERS, pb::SCHOOLS,
                         pb::ELECTED_MEMBERS, pb::PUBLIC}) {
    pb::BriefingAudience& def = *out.Add();
    def.set_audience(a);
    def.set_handling_conditions(
        absl::StrCat("Need-to-know only (", pb::Audience_Name(a), ")."));
    def.mutable_max_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
    def.mutable_max_marking()->set_sensitive(a != pb::PUBLIC);
    def.set_offline_allowed(a != pb::ELECTED_MEMBERS);
  }
  return out;
}

}  // namespace hub::briefings::testing

#endif  // HUB_BRIEFINGS_BRIEFING_SAMPLES_H_
