#include "hub/referrals/submission_validator.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/repeated_field.h"
#include "hub/referrals/nhs_number.h"
#include "proto/records.pb.h"

namespace hub::referrals {
namespace {

namespace rv1 = ::prevent::records::v1;

// Limits, in Unicode code points for text.
constexpr size_t kMaxNameChars = 100;
constexpr size_t kMaxIdentifierChars = 50;
constexpr size_t kMaxShortTextChars = 200;
constexpr size_t kMaxAddressLinesChars = 300;
constexpr size_t kMaxReasonChars = 500;
constexpr size_t kMaxDetailChars = 1000;
constexpr size_t kMaxLongTextChars = 2000;
constexpr int kMaxListEntries = 10;
constexpr int kMaxRelatedPersons = 20;
constexpr int kMaxIndicators = 20;
constexpr int kMaxComplexNeeds = 20;

constexpr absl::CivilDay kEarliestDate(1900, 1, 1);

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
}

std::string Field(absl::string_view parent, absl::string_view name) {
  return absl::StrCat(parent, ".", name);
}

std::string Element(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

bool IsBlank(absl::string_view value) {
  return absl::StripAsciiWhitespace(value).empty();
}

// --- Text -------------------------------------------------------------------

// Whether line breaks and tabs are allowed: names, codes and contact details
// are one line; descriptions may run to several.
enum class Lines { kOne, kMany };

bool IsControl(int32_t cp, Lines lines) {
  if (lines == Lines::kMany && (cp == '\t' || cp == '\n' || cp == '\r')) {
    return false;
  }
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Checks optional text: valid UTF-8, no control characters (bar line breaks
// and tabs where `lines` allows them), at most `max_chars` code points.
absl::Status CheckText(absl::string_view path, absl::string_view value,
                       size_t max_chars, Lines lines) {
  size_t chars = 0;
  bool has_control = false;
  for (size_t pos = 0; pos < value.size(); ++chars) {
    const int32_t cp = common::NextCodePoint(value, &pos);
    if (cp < 0) return Invalid(path, "not valid UTF-8; send the text as UTF-8");
    has_control = has_control || IsControl(cp, lines);
  }
  if (has_control) {
    return Invalid(path, lines == Lines::kOne
                             ? "contains a line break or other control "
                               "character; keep it to one line of plain text"
                             : "contains a control character; remove it");
  }
  if (chars > max_chars) {
    return Invalid(path, absl::StrCat("too long (", chars,
                                      " characters); shorten it to at most ",
                                      max_chars, " characters"));
  }
  return absl::OkStatus();
}

// As CheckText, and the text must hold more than whitespace; `hint` says
// what to give.
absl::Status CheckRequiredText(absl::string_view path, absl::string_view value,
                               size_t max_chars, Lines lines,
                               absl::string_view hint) {
  if (IsBlank(value)) return Invalid(path, absl::StrCat("required; ", hint));
  return CheckText(path, value, max_chars, lines);
}

// A list of one-line strings: at most `max_count`, none blank.
absl::Status CheckTextList(
    absl::string_view path,
    const google::protobuf::RepeatedPtrField<std::string>& values,
    int max_count, size_t max_chars) {
  if (values.size() > max_count) {
    return Invalid(path, absl::StrCat("too many (", values.size(),
                                      "); give at most ", max_count));
  }
  for (int i = 0; i < values.size(); ++i) {
    const std::string element = Element(path, i);
    if (IsBlank(values[i])) return Invalid(element, "empty; leave it out");
    RETURN_IF_ERROR(CheckText(element, values[i], max_chars, Lines::kOne));
  }
  return absl::OkStatus();
}

absl::Status CheckCount(absl::string_view path, int count, int max_count) {
  if (count <= max_count) return absl::OkStatus();
  return Invalid(
      path, absl::StrCat("too many (", count, "); give at most ", max_count));
}

// --- Dates ------------------------------------------------------------------

enum class DateForm { kOk, kMalformed, kNoSuchDay };

// Parses exactly "YYYY-MM-DD" into `*day`.
DateForm ParseDate(absl::string_view value, absl::CivilDay* day) {
  if (value.size() != 10 || value[4] != '-' || value[7] != '-') {
    return DateForm::kMalformed;
  }
  int parts[3] = {0, 0, 0};
  int part = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    if (i == 4 || i == 7) {
      ++part;
      continue;
    }
    if (!absl::ascii_isdigit(static_cast<unsigned char>(value[i]))) {
      return DateForm::kMalformed;
    }
    parts[part] = parts[part] * 10 + (value[i] - '0');
  }
  // CivilDay normalises out-of-range fields (2025-02-30 becomes 2025-03-02),
  // so a day that does not exist comes back different.
  const absl::CivilDay parsed(parts[0], parts[1], parts[2]);
  if (parsed.year() != parts[0] || parsed.month() != parts[1] ||
      parsed.day() != parts[2]) {
    return DateForm::kNoSuchDay;
  }
  *day = parsed;
  return DateForm::kOk;
}

// Checks that `value` is a real "YYYY-MM-DD" date from 1900-01-01 to `latest`
// (absl::CivilDay::max() for no upper bound) and stores it in `*day`.
absl::Status CheckDate(absl::string_view field, absl::string_view value,
                       absl::CivilDay latest, absl::CivilDay* day) {
  switch (ParseDate(value, day)) {
    case DateForm::kOk:
      break;
    case DateForm::kMalformed:
      return Invalid(field, "not a date; write it as YYYY-MM-DD");
    case DateForm::kNoSuchDay:
      return Invalid(field,
                     "not a real date (no such day in that month); check the "
                     "day and month");
  }
  if (*day < kEarliestDate) {
    return Invalid(field, "before 1900-01-01; check the year");
  }
  if (*day > latest) {
    return Invalid(field, "in the future; give a date no later than today");
  }
  return absl::OkStatus();
}

// --- Enums ------------------------------------------------------------------

// Proto3 keeps enum numbers it does not know, so a sender can put any int32
// in an enum field.
absl::Status CheckEnum(absl::string_view path, int value, bool (*is_valid)(int),
                       const google::protobuf::EnumDescriptor* type) {
  if (is_valid(value)) return absl::OkStatus();
  return Invalid(path, absl::StrCat("unknown value ", value,
                                    "; use one of the values defined in ",
                                    type->full_name()));
}

// As CheckEnum, and the value must not be the zero (*_UNSPECIFIED) value.
absl::Status CheckRequiredEnum(absl::string_view path, int value,
                               bool (*is_valid)(int),
                               const google::protobuf::EnumDescriptor* type,
                               absl::string_view hint) {
  RETURN_IF_ERROR(CheckEnum(path, value, is_valid, type));
  if (value == 0) return Invalid(path, absl::StrCat("required; ", hint));
  return absl::OkStatus();
}

// --- Fields the hub assigns -------------------------------------------------

absl::Status Assigned(absl::string_view path) {
  return Invalid(path, "assigned by the hub; leave it out");
}

absl::Status CheckNoHubAssignedFields(const rv1::ReferralSubmission& s) {
  if (!s.subject().subject_id().empty()) {
    return Assigned("submission.subject.subject_id");
  }
  for (int i = 0; i < s.related_persons_size(); ++i) {
    if (!s.related_persons(i).related_person_id().empty()) {
      return Assigned(
          Field(Element("submission.related_persons", i), "related_person_id"));
    }
  }
  const rv1::Referral& r = s.referral();
  if (!r.referral_id().empty()) {
    return Assigned("submission.referral.referral_id");
  }
  if (!r.referral_ref().empty()) {
    return Assigned("submission.referral.referral_ref");
  }
  if (r.state() != 0) return Assigned("submission.referral.state");
  if (r.status_bucket() != 0) {
    return Assigned("submission.referral.status_bucket");
  }
  if (r.has_received_at()) return Assigned("submission.referral.received_at");
  if (r.has_state_changed_at()) {
    return Assigned("submission.referral.state_changed_at");
  }
  if (!r.area_code().empty()) return Assigned("submission.referral.area_code");
  if (r.prior_referral_ids_size() > 0) {
    return Assigned("submission.referral.prior_referral_ids");
  }
  if (r.prior_referrals_24m() != 0) {
    return Assigned("submission.referral.prior_referrals_24m");
  }
  if (r.has_feedback()) return Assigned("submission.referral.feedback");
  if (r.mash_notified()) return Assigned("submission.referral.mash_notified");
  if (r.repeat_referral_assurance()) {
    return Assigned("submission.referral.repeat_referral_assurance");
  }
  if (!r.last_transition_reason().empty()) {
    return Assigned("submission.referral.last_transition_reason");
  }
  return absl::OkStatus();
}

// --- Subject ----------------------------------------------------------------

absl::Status CheckIdentity(const rv1::SubjectIdentity& id,
                           absl::CivilDay today) {
  constexpr absl::string_view kPath = "submission.subject.identity";
  RETURN_IF_ERROR(CheckRequiredText(
      Field(kPath, "forenames"), id.forenames(), kMaxNameChars, Lines::kOne,
      "give the subject's first and any middle names"));
  RETURN_IF_ERROR(CheckRequiredText(Field(kPath, "surname"), id.surname(),
                                    kMaxNameChars, Lines::kOne,
                                    "give the subject's family name"));
  RETURN_IF_ERROR(CheckTextList(Field(kPath, "aliases"), id.aliases(),
                                kMaxListEntries, kMaxNameChars));
  const std::string dob = Field(kPath, "dob");
  if (id.dob().empty()) {
    return Invalid(dob,
                   "required; give the subject's date of birth as YYYY-MM-DD "
                   "(if it is not known exactly, estimate it and set "
                   "dob_precision)");
  }
  absl::CivilDay day;
  RETURN_IF_ERROR(CheckDate(dob, id.dob(), today, &day));
  RETURN_IF_ERROR(CheckEnum(Field(kPath, "dob_precision"), id.dob_precision(),
                            rv1::SubjectIdentity_DobPrecision_IsValid,
                            rv1::SubjectIdentity_DobPrecision_descriptor()));
  return CheckEnum(Field(kPath, "gender"), id.gender(),
                   rv1::SubjectIdentity_Gender_IsValid,
                   rv1::SubjectIdentity_Gender_descriptor());
}

// An area code routes the referral to a local authority: 2 to 8 capital
// letters or digits.
bool IsAreaCode(absl::string_view value) {
  if (value.size() < 2 || value.size() > 8) return false;
  for (char c : value) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

absl::Status CheckAddresses(
    const google::protobuf::RepeatedPtrField<rv1::Address>& addresses) {
  constexpr absl::string_view kPath = "submission.subject.addresses";
  RETURN_IF_ERROR(CheckCount(kPath, addresses.size(), kMaxListEntries));
  bool routable = false;
  for (int i = 0; i < addresses.size(); ++i) {
    const rv1::Address& a = addresses[i];
    const std::string path = Element(kPath, i);
    RETURN_IF_ERROR(CheckText(Field(path, "lines"), a.lines(),
                              kMaxAddressLinesChars, Lines::kMany));
    RETURN_IF_ERROR(CheckText(Field(path, "postcode"), a.postcode(),
                              kMaxShortTextChars, Lines::kOne));
    if (!a.area_code().empty() && !IsAreaCode(a.area_code())) {
      return Invalid(Field(path, "area_code"),
                     "not an area code; use the local authority's code, 2 to "
                     "8 capital letters or digits");
    }
    absl::CivilDay from = absl::CivilDay::min();
    if (!a.from().empty()) {
      RETURN_IF_ERROR(CheckDate(Field(path, "from"), a.from(),
                                absl::CivilDay::max(), &from));
    }
    if (!a.to().empty()) {
      absl::CivilDay to;
      RETURN_IF_ERROR(
          CheckDate(Field(path, "to"), a.to(), absl::CivilDay::max(), &to));
      if (to < from) {
        return Invalid(Field(path, "to"),
                       "before 'from'; check the dates the subject lived "
                       "there");
      }
    }
    RETURN_IF_ERROR(CheckRequiredEnum(
        Field(path, "type"), a.type(), rv1::Address_Type_IsValid,
        rv1::Address_Type_descriptor(),
        "choose the type of address (HOME, PREVIOUS, CARE_PLACEMENT or "
        "OTHER)"));
    routable = routable || (!a.area_code().empty() && !IsBlank(a.postcode()));
  }
  if (!routable) {
    return Invalid(kPath,
                   "required; give at least one address with its postcode and "
                   "area_code (the area code routes the referral to the local "
                   "authority)");
  }
  return absl::OkStatus();
}

// Ten digits once spaces and hyphens are dropped, whatever the check digit.
bool HasNhsNumberShape(absl::string_view value) {
  int digits = 0;
  for (char c : value) {
    if (c == ' ' || c == '-') continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    ++digits;
  }
  return digits == 10;
}

absl::Status CheckLocalIdentifiers(
    const google::protobuf::RepeatedPtrField<rv1::LocalIdentifier>& ids) {
  constexpr absl::string_view kPath = "submission.subject.local_identifiers";
  RETURN_IF_ERROR(CheckCount(kPath, ids.size(), kMaxListEntries));
  for (int i = 0; i < ids.size(); ++i) {
    const rv1::LocalIdentifier& id = ids[i];
    const std::string path = Element(kPath, i);
    RETURN_IF_ERROR(CheckRequiredEnum(
        Field(path, "scheme"), id.scheme(), rv1::LocalIdentifier_Scheme_IsValid,
        rv1::LocalIdentifier_Scheme_descriptor(),
        "choose the identifier's scheme (e.g. NHS_NUMBER)"));
    const std::string value = Field(path, "value");
    RETURN_IF_ERROR(CheckRequiredText(value, id.value(), kMaxIdentifierChars,
                                      Lines::kOne, "give the identifier"));
    if (id.scheme() == rv1::LocalIdentifier::NHS_NUMBER) {
      if (!HasNhsNumberShape(id.value())) {
        return Invalid(value,
                       "not a valid NHS number (it has 10 digits, e.g. "
                       "999 526 0182); check it against the patient record");
      }
      if (!IsValidNhsNumber(id.value())) {
        return Invalid(value,
                       "not a valid NHS number (the check digit does not "
                       "match); check it against the patient record");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSubject(const rv1::Subject& subject, absl::CivilDay today) {
  constexpr absl::string_view kPath = "submission.subject";
  RETURN_IF_ERROR(CheckIdentity(subject.identity(), today));
  RETURN_IF_ERROR(CheckText(Field(kPath, "nationality"), subject.nationality(),
                            kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckText(Field(kPath, "first_language"),
                            subject.first_language(), kMaxShortTextChars,
                            Lines::kOne));
  RETURN_IF_ERROR(CheckText(Field(kPath, "ethnicity"), subject.ethnicity(),
                            kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckText(Field(kPath, "religion"), subject.religion(),
                            kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckAddresses(subject.addresses()));
  RETURN_IF_ERROR(CheckTextList(Field(kPath, "phones"), subject.phones(),
                                kMaxListEntries, kMaxShortTextChars));
  RETURN_IF_ERROR(CheckTextList(Field(kPath, "emails"), subject.emails(),
                                kMaxListEntries, kMaxShortTextChars));
  RETURN_IF_ERROR(CheckTextList(Field(kPath, "online_handles"),
                                subject.online_handles(), kMaxListEntries,
                                kMaxShortTextChars));
  const std::string education = Field(kPath, "education_or_employment");
  RETURN_IF_ERROR(CheckEnum(Field(education, "type"),
                            subject.education_or_employment().type(),
                            rv1::EducationOrEmployment_Type_IsValid,
                            rv1::EducationOrEmployment_Type_descriptor()));
  RETURN_IF_ERROR(
      CheckText(Field(education, "institution_name"),
                subject.education_or_employment().institution_name(),
                kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckLocalIdentifiers(subject.local_identifiers()));
  const std::string flags = Field(kPath, "safeguarding_flags");
  RETURN_IF_ERROR(
      CheckCount(flags, subject.safeguarding_flags_size(), kMaxListEntries));
  for (int i = 0; i < subject.safeguarding_flags_size(); ++i) {
    RETURN_IF_ERROR(
        CheckRequiredEnum(Element(flags, i), subject.safeguarding_flags(i),
                          rv1::Subject_SafeguardingFlag_IsValid,
                          rv1::Subject_SafeguardingFlag_descriptor(),
                          "choose a flag or leave the entry out"));
  }
  return absl::OkStatus();
}

// --- Related persons --------------------------------------------------------

absl::Status CheckRelatedPersons(
    const google::protobuf::RepeatedPtrField<rv1::RelatedPerson>& persons) {
  constexpr absl::string_view kPath = "submission.related_persons";
  RETURN_IF_ERROR(CheckCount(kPath, persons.size(), kMaxRelatedPersons));
  for (int i = 0; i < persons.size(); ++i) {
    const rv1::RelatedPerson& p = persons[i];
    const std::string path = Element(kPath, i);
    RETURN_IF_ERROR(
        CheckRequiredEnum(Field(path, "relationship"), p.relationship(),
                          rv1::RelatedPerson_Relationship_IsValid,
                          rv1::RelatedPerson_Relationship_descriptor(),
                          "choose how the person is related to the subject"));
    RETURN_IF_ERROR(CheckRequiredText(Field(path, "name"), p.name(),
                                      kMaxNameChars, Lines::kOne,
                                      "give the person's name"));
    RETURN_IF_ERROR(CheckText(Field(path, "contact"), p.contact(),
                              kMaxShortTextChars, Lines::kOne));
    RETURN_IF_ERROR(CheckText(Field(path, "notes"), p.notes(), kMaxDetailChars,
                              Lines::kMany));
  }
  return absl::OkStatus();
}

// --- Referral ---------------------------------------------------------------

absl::Status CheckReferrer(const rv1::ReferrerDetails& referrer) {
  constexpr absl::string_view kPath = "submission.referral.referrer";
  RETURN_IF_ERROR(CheckText(Field(kPath, "principal_id"),
                            referrer.principal_id(), kMaxShortTextChars,
                            Lines::kOne));
  RETURN_IF_ERROR(CheckRequiredText(Field(kPath, "name"), referrer.name(),
                                    kMaxNameChars, Lines::kOne,
                                    "give your name"));
  RETURN_IF_ERROR(CheckRequiredText(Field(kPath, "job_title"),
                                    referrer.job_title(), kMaxNameChars,
                                    Lines::kOne, "give your job title"));
  RETURN_IF_ERROR(CheckText(Field(kPath, "organisation_partner_id"),
                            referrer.organisation_partner_id(),
                            kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckText(Field(kPath, "relationship_to_subject"),
                            referrer.relationship_to_subject(),
                            kMaxShortTextChars, Lines::kOne));
  RETURN_IF_ERROR(CheckText(Field(kPath, "phone"), referrer.phone(),
                            kMaxShortTextChars, Lines::kOne));
  return CheckText(Field(kPath, "email"), referrer.email(), kMaxShortTextChars,
                   Lines::kOne);
}

absl::Status CheckIndicators(
    const google::protobuf::RepeatedPtrField<rv1::ConcernIndicator>& indicators,
    absl::CivilDay today) {
  constexpr absl::string_view kPath = "submission.referral.indicators";
  RETURN_IF_ERROR(CheckCount(kPath, indicators.size(), kMaxIndicators));
  for (int i = 0; i < indicators.size(); ++i) {
    const rv1::ConcernIndicator& ind = indicators[i];
    const std::string path = Element(kPath, i);
    RETURN_IF_ERROR(CheckRequiredEnum(
        Field(path, "category"), ind.category(),
        rv1::ConcernIndicator_Category_IsValid,
        rv1::ConcernIndicator_Category_descriptor(),
        "choose the category of the indicator (OTHER if none fits)"));
    RETURN_IF_ERROR(CheckText(Field(path, "detail"), ind.detail(),
                              kMaxDetailChars, Lines::kMany));
    if (!ind.first_observed().empty()) {
      absl::CivilDay day;
      RETURN_IF_ERROR(CheckDate(Field(path, "first_observed"),
                                ind.first_observed(), today, &day));
    }
    RETURN_IF_ERROR(CheckText(Field(path, "observed_by_partner_id"),
                              ind.observed_by_partner_id(), kMaxShortTextChars,
                              Lines::kOne));
    RETURN_IF_ERROR(CheckEnum(Field(path, "source_reliability"),
                              ind.source_reliability(),
                              rv1::ConcernIndicator_Reliability_IsValid,
                              rv1::ConcernIndicator_Reliability_descriptor()));
  }
  return absl::OkStatus();
}

absl::Status CheckComplexNeeds(
    const google::protobuf::RepeatedPtrField<rv1::ComplexNeed>& needs) {
  constexpr absl::string_view kPath = "submission.referral.complex_needs";
  RETURN_IF_ERROR(CheckCount(kPath, needs.size(), kMaxComplexNeeds));
  for (int i = 0; i < needs.size(); ++i) {
    const rv1::ComplexNeed& need = needs[i];
    const std::string path = Element(kPath, i);
    RETURN_IF_ERROR(CheckRequiredEnum(
        Field(path, "type"), need.type(), rv1::ComplexNeed_Type_IsValid,
        rv1::ComplexNeed_Type_descriptor(),
        "choose the type of need (OTHER if none fits)"));
    RETURN_IF_ERROR(CheckEnum(Field(path, "known_or_suspected"),
                              need.known_or_suspected(),
                              rv1::ComplexNeed_Certainty_IsValid,
                              rv1::ComplexNeed_Certainty_descriptor()));
    RETURN_IF_ERROR(CheckText(Field(path, "detail"), need.detail(),
                              kMaxDetailChars, Lines::kMany));
    RETURN_IF_ERROR(CheckText(Field(path, "source_partner_id"),
                              need.source_partner_id(), kMaxShortTextChars,
                              Lines::kOne));
  }
  return absl::OkStatus();
}

absl::Status CheckReferral(const rv1::Referral& r, absl::CivilDay today) {
  constexpr absl::string_view kPath = "submission.referral";
  RETURN_IF_ERROR(CheckReferrer(r.referrer()));
  RETURN_IF_ERROR(CheckRequiredEnum(
      Field(kPath, "subject_aware"), r.subject_aware(),
      rv1::Referral_Awareness_IsValid, rv1::Referral_Awareness_descriptor(),
      "say whether the subject knows about this referral"));
  RETURN_IF_ERROR(CheckRequiredEnum(
      Field(kPath, "parent_carer_aware"), r.parent_carer_aware(),
      rv1::Referral_Awareness_IsValid, rv1::Referral_Awareness_descriptor(),
      "say whether a parent or carer knows about this referral "
      "(NOT_APPLICABLE if there is none to tell)"));
  const std::string reason = Field(kPath, "parent_carer_aware_reason");
  if (r.parent_carer_aware() == rv1::Referral::WITHHELD_RISK) {
    RETURN_IF_ERROR(CheckRequiredText(
        reason, r.parent_carer_aware_reason(), kMaxReasonChars, Lines::kMany,
        "parent_carer_aware is WITHHELD_RISK, so say why telling a parent "
        "or carer would put someone at risk"));
  } else {
    RETURN_IF_ERROR(CheckText(reason, r.parent_carer_aware_reason(),
                              kMaxReasonChars, Lines::kMany));
  }
  RETURN_IF_ERROR(CheckRequiredText(
      Field(kPath, "concern_summary"), r.concern_summary(), kMaxLongTextChars,
      Lines::kMany, "describe the concern in at most 2000 characters"));
  RETURN_IF_ERROR(CheckIndicators(r.indicators(), today));
  RETURN_IF_ERROR(CheckEnum(Field(kPath, "type_of_concern"),
                            r.type_of_concern(),
                            rv1::Referral_TypeOfConcern_IsValid,
                            rv1::Referral_TypeOfConcern_descriptor()));
  RETURN_IF_ERROR(CheckText(Field(kPath, "online_activity"),
                            r.online_activity(), kMaxLongTextChars,
                            Lines::kMany));
  RETURN_IF_ERROR(CheckText(Field(kPath, "contacts_of_concern"),
                            r.contacts_of_concern(), kMaxLongTextChars,
                            Lines::kMany));
  RETURN_IF_ERROR(CheckText(Field(kPath, "threats_or_intent_to_harm"),
                            r.threats_or_intent_to_harm(), kMaxLongTextChars,
                            Lines::kMany));
  RETURN_IF_ERROR(CheckEnum(
      Field(kPath, "access_to_weapons"), r.access_to_weapons(),
      rv1::Referral_Awareness_IsValid, rv1::Referral_Awareness_descriptor()));
  return CheckComplexNeeds(r.complex_needs());
}

}  // namespace

absl::Status ValidateSubmission(const rv1::ReferralSubmission& s,
                                absl::Time now) {
  // An emergency must not wait for triage: say so before anything else.
  if (s.referral().immediate_risk()) {
    return Invalid("submission.referral.immediate_risk",
                   "there is an immediate risk to life or of harm: call 999 "
                   "now; a Prevent referral is not the route for an "
                   "emergency");
  }
  RETURN_IF_ERROR(CheckNoHubAssignedFields(s));
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  RETURN_IF_ERROR(CheckSubject(s.subject(), today));
  RETURN_IF_ERROR(CheckRelatedPersons(s.related_persons()));
  return CheckReferral(s.referral(), today);
}

int AgeOn(absl::string_view dob, absl::Time when) {
  absl::CivilDay birth;
  if (ParseDate(dob, &birth) != DateForm::kOk) return -1;
  const absl::CivilDay day = absl::ToCivilDay(when, absl::UTCTimeZone());
  if (day < birth) return -1;
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() ||
      (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

}  // namespace hub::referrals
