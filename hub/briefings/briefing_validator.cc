#include "hub/briefings/briefing_validator.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

constexpr int kMaxSections = 30;
constexpr int kMaxSectionNumber = 99;
constexpr int64_t kMaxTitleChars = 200;
constexpr int64_t kMaxBodyChars = 20000;
constexpr int kMaxCells = 100;
constexpr int64_t kMaxLabelChars = 100;
constexpr int kMaxAreas = 20;
// SPEC §2.5: annual variants expire at most 12 months after publishing;
// a little more lets a briefing run to the end of its period.
constexpr absl::Duration kMaxLifetime = absl::Hours(24 * 400);

absl::Status Invalid(absl::string_view field, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("draft.", field, ": ", what));
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int64_t max_chars, bool optional = false) {
  const int64_t chars = common::Utf8Length(text);
  if (chars < 0) return Invalid(field, "not valid UTF-8; send plain text");
  if (chars == 0 && !optional) return Invalid(field, "required");
  if (chars > max_chars) {
    return Invalid(field,
                   absl::StrCat(chars, " characters; at most ", max_chars));
  }
  return absl::OkStatus();
}

const pb::BriefingAudience* Defined(
    const google::protobuf::RepeatedPtrField<pb::BriefingAudience>& audiences,
    pb::Audience audience) {
  for (const pb::BriefingAudience& a : audiences) {
    if (a.audience() == audience) return &a;
  }
  return nullptr;
}

absl::Status CheckMarking(absl::string_view field,
                          const rec::BriefingDraft::Section& section) {
  switch (section.marking().tier()) {
    case pb::SecurityMarking::OFFICIAL:
      return absl::OkStatus();
    case pb::SecurityMarking::TIER_UNSPECIFIED:
      return Invalid(field,
                     "give the section's marking: tier OFFICIAL, with "
                     "sensitive: true for OFFICIAL-SENSITIVE");
    default:
      return Invalid(
          field,
          absl::StrCat(pb::SecurityMarking::Tier_Name(section.marking().tier()),
                       " is above the hub's ceiling (OFFICIAL-SENSITIVE); "
                       "keep it in the master CTLP and publish a sanitised "
                       "section (P05)"));
  }
}

}  // namespace

absl::Status ValidateBriefing(
    const rec::BriefingDraft& draft,
    const google::protobuf::RepeatedPtrField<pb::BriefingAudience>& audiences,
    absl::Time now) {
  if (absl::Status s = CheckText("title", draft.title(), kMaxTitleChars);
      !s.ok()) {
    return s;
  }
  if (draft.series() == rec::BriefingDraft::SERIES_UNSPECIFIED ||
      !rec::BriefingDraft::Series_IsValid(draft.series())) {
    return Invalid("series",
                   "use CTLP_ANNUAL, EMERGING_RISK_QUARTERLY or "
                   "INCIDENT_BRIEFING");
  }
  if (draft.area_codes().empty() || draft.area_codes_size() > kMaxAreas) {
    return Invalid("area_codes", absl::StrCat("name 1 to ", kMaxAreas,
                                              " areas the briefing covers"));
  }
  for (int i = 0; i < draft.area_codes_size(); ++i) {
    if (absl::Status s = CheckText(absl::StrCat("area_codes[", i, "]"),
                                   draft.area_codes(i), 16);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s =
          CheckText("period", draft.period(), 20, /*optional=*/true);
      !s.ok()) {
    return s;
  }
  if (draft.sections().empty() || draft.sections_size() > kMaxSections) {
    return Invalid("sections",
                   absl::StrCat("give 1 to ", kMaxSections, " sections"));
  }

  std::set<int> numbers;
  std::set<int> given;  // audiences with at least one body
  for (int i = 0; i < draft.sections_size(); ++i) {
    const rec::BriefingDraft::Section& section = draft.sections(i);
    const std::string at = absl::StrCat("sections[", i, "]");
    if (section.number() < 1 || section.number() > kMaxSectionNumber ||
        !numbers.insert(section.number()).second) {
      return Invalid(
          absl::StrCat(at, ".number"),
          absl::StrCat("number each section once, 1 to ", kMaxSectionNumber));
    }
    if (absl::Status s = CheckText(absl::StrCat(at, ".title"), section.title(),
                                   kMaxTitleChars);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckMarking(absl::StrCat(at, ".marking"), section);
        !s.ok()) {
      return s;
    }
    if (section.intel_service_derived()) {
      return Invalid(absl::StrCat(at, ".intel_service_derived"),
                     "material derived from the intelligence services may not "
                     "be shared through the hub (CTSA 2015 s.38(4)(b); P06); "
                     "remove the section");
    }
    std::set<int> audiences_here;
    for (int b = 0; b < section.bodies_size(); ++b) {
      const rec::BriefingDraft::Body& body = section.bodies(b);
      const std::string bat = absl::StrCat(at, ".bodies[", b, "]");
      if (body.audience() == pb::AUDIENCE_UNSPECIFIED ||
          !pb::Audience_IsValid(body.audience())) {
        return Invalid(absl::StrCat(bat, ".audience"),
                       "use LA_CORE, STATUTORY_PARTNERS, SCHOOLS, "
                       "ELECTED_MEMBERS or PUBLIC");
      }
      const pb::BriefingAudience* defined = Defined(audiences, body.audience());
      if (defined == nullptr) {
        return Invalid(absl::StrCat(bat, ".audience"),
                       absl::StrCat(pb::Audience_Name(body.audience()),
                                    " is not a briefing audience of this "
                                    "partnership's policy"));
      }
      if (!audiences_here.insert(body.audience()).second) {
        return Invalid(absl::StrCat(bat, ".audience"),
                       "one body per audience in a section");
      }
      if (section.marking().sensitive() &&
          !defined->max_marking().sensitive()) {
        return Invalid(
            absl::StrCat(bat, ".audience"),
            absl::StrCat("an OFFICIAL-SENSITIVE section cannot go to ",
                         pb::Audience_Name(body.audience()),
                         ", whose briefings are at most OFFICIAL; give it an "
                         "OFFICIAL section of its own"));
      }
      if (absl::Status s = CheckText(absl::StrCat(bat, ".text"), body.text(),
                                     kMaxBodyChars, /*optional=*/true);
          !s.ok()) {
        return s;
      }
      if (body.text().empty() && body.statistics().empty()) {
        return Invalid(bat,
                       "give the audience text or statistics, or leave the "
                       "body out to withhold the section");
      }
      if (body.statistics_size() > kMaxCells) {
        return Invalid(absl::StrCat(bat, ".statistics"),
                       absl::StrCat("at most ", kMaxCells, " cells"));
      }
      for (int c = 0; c < body.statistics_size(); ++c) {
        const std::string cat = absl::StrCat(bat, ".statistics[", c, "]");
        if (absl::Status s =
                CheckText(absl::StrCat(cat, ".label"),
                          body.statistics(c).label(), kMaxLabelChars);
            !s.ok()) {
          return s;
        }
        if (body.statistics(c).count() < 0) {
          return Invalid(absl::StrCat(cat, ".count"), "cannot be negative");
        }
      }
      given.insert(body.audience());
    }
  }

  std::set<int> varied;
  for (int v = 0; v < draft.variants_size(); ++v) {
    const rec::BriefingDraft::Variant& variant = draft.variants(v);
    const std::string at = absl::StrCat("variants[", v, "]");
    if (!given.count(variant.audience())) {
      return Invalid(absl::StrCat(at, ".audience"),
                     "no section has a body for this audience; remove the "
                     "variant or add its bodies");
    }
    if (!varied.insert(variant.audience()).second) {
      return Invalid(absl::StrCat(at, ".audience"), "one variant per audience");
    }
    if (!variant.approved()) {
      return Invalid(absl::StrCat(at, ".approved"),
                     absl::StrCat("the CTLP owner approves each variant; the ",
                                  pb::Audience_Name(variant.audience()),
                                  " variant is not approved"));
    }
    const absl::Time expires =
        absl::FromUnixSeconds(variant.expires_at().seconds());
    if (!variant.has_expires_at() || expires <= now ||
        expires > now + kMaxLifetime) {
      return Invalid(absl::StrCat(at, ".expires_at"),
                     "give an expiry after now and at most 400 days ahead");
    }
  }
  for (int audience : given) {
    if (!varied.count(audience)) {
      return Invalid(
          "variants",
          absl::StrCat("the ",
                       pb::Audience_Name(static_cast<pb::Audience>(audience)),
                       " audience has bodies but no approved "
                       "variant"));
    }
  }
  return absl::OkStatus();
}

}  // namespace hub::briefings
