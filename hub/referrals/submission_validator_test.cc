#include "hub/referrals/submission_validator.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/records.pb.h"

namespace hub::referrals {
namespace {

namespace rv1 = ::prevent::records::v1;

using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

absl::Time At(int y, int m, int d, int hh = 12, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss),
                         absl::UTCTimeZone());
}

// "Today" for every validation below.
const absl::Time kNow = At(2025, 6, 15);

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

// A complete submission that passes: every test changes one thing.
rv1::ReferralSubmission ValidSubmission() {
  rv1::ReferralSubmission s;
  rv1::Subject* subject = s.mutable_subject();
  rv1::SubjectIdentity* identity = subject->mutable_identity();
  identity->set_forenames("Alex James");
  identity->set_surname("Example");
  identity->add_aliases("AJ");
  identity->add_aliases("Alex Sample");
  identity->set_dob("2009-03-14");
  identity->set_dob_precision(rv1::SubjectIdentity::EXACT);
  identity->set_gender(rv1::SubjectIdentity::NOT_KNOWN);
  subject->set_nationality("British");
  subject->set_first_language("English");
  subject->set_ethnicity("Not stated");
  subject->set_religion("Not stated");
  rv1::Address* home = subject->add_addresses();
  home->set_lines("1 Example Street\nExampletown");
  home->set_postcode("EX1 1AA");
  home->set_area_code("WXC");
  home->set_from("2015-06-01");
  home->set_type(rv1::Address::HOME);
  subject->add_phones("07700 900123");
  subject->add_emails("alex@example.org");
  subject->add_online_handles("@alex_example");
  rv1::EducationOrEmployment* school =
      subject->mutable_education_or_employment();
  school->set_type(rv1::EducationOrEmployment::SCHOOL);
  school->set_institution_name("Example Academy");
  school->set_year_group(11);
  rv1::LocalIdentifier* nhs = subject->add_local_identifiers();
  nhs->set_scheme(rv1::LocalIdentifier::NHS_NUMBER);
  nhs->set_value("999 526 0182");
  subject->add_safeguarding_flags(rv1::Subject::CHILD_IN_NEED);

  rv1::RelatedPerson* parent = s.add_related_persons();
  parent->set_relationship(rv1::RelatedPerson::PARENT);
  parent->set_has_parental_responsibility(true);
  parent->set_name("Sam Example");
  parent->set_contact("07700 900456");
  parent->set_notes("Lives at the same address.");

  rv1::Referral* referral = s.mutable_referral();
  rv1::ReferrerDetails* referrer = referral->mutable_referrer();
  referrer->set_name("Jo Teacher");
  referrer->set_job_title("Designated Safeguarding Lead");
  referrer->set_organisation_partner_id("example-academy");
  referrer->set_relationship_to_subject("Teacher");
  referrer->set_phone("01632 960001");
  referrer->set_email("dsl@example.org");
  referral->set_discussed_with_safeguarding_lead(true);
  referral->set_subject_aware(rv1::Referral::NO);
  referral->set_parent_carer_aware(rv1::Referral::YES);
  referral->set_concern_summary(
      "Has shared violent material in class.\nClassmates are worried.");
  rv1::ConcernIndicator* indicator = referral->add_indicators();
  indicator->set_category(rv1::ConcernIndicator::EXTREMIST_MATERIAL_ONLINE);
  indicator->set_detail("Showed a video on a phone at break.");
  indicator->set_first_observed("2025-05-02");
  indicator->set_source_reliability(rv1::ConcernIndicator::FIRST_HAND);
  referral->set_type_of_concern(rv1::Referral::UNCLEAR);
  referral->set_online_activity("Active on a video platform.");
  referral->set_access_to_weapons(rv1::Referral::NOT_KNOWN);
  rv1::ComplexNeed* need = referral->add_complex_needs();
  need->set_type(rv1::ComplexNeed::ISOLATION);
  need->set_known_or_suspected(rv1::ComplexNeed::SUSPECTED);
  need->set_detail("Few friends in school.");
  return s;
}

// Only what is required.
rv1::ReferralSubmission MinimalSubmission() {
  rv1::ReferralSubmission s;
  rv1::SubjectIdentity* identity = s.mutable_subject()->mutable_identity();
  identity->set_forenames("Alex");
  identity->set_surname("Example");
  identity->set_dob("2009-03-14");
  rv1::Address* home = s.mutable_subject()->add_addresses();
  home->set_postcode("EX1 1AA");
  home->set_area_code("WXC");
  home->set_type(rv1::Address::HOME);
  rv1::Referral* referral = s.mutable_referral();
  referral->mutable_referrer()->set_name("Jo Teacher");
  referral->mutable_referrer()->set_job_title("Teacher");
  referral->set_subject_aware(rv1::Referral::NO);
  referral->set_parent_carer_aware(rv1::Referral::YES);
  referral->set_concern_summary("Has shared violent material in class.");
  return s;
}

absl::Status Validate(const rv1::ReferralSubmission& s) {
  return ValidateSubmission(s, kNow);
}

// An InvalidArgument error about the field at `path`.
::testing::Matcher<absl::Status> InvalidAt(const std::string& path) {
  return StatusIs(absl::StatusCode::kInvalidArgument,
                  StartsWith(absl::StrCat(path, ": ")));
}

// One change to a valid submission and the field it should be reported at.
struct Case {
  std::string path;
  std::function<void(rv1::ReferralSubmission&)> mutate;
};

void ExpectEach(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    rv1::ReferralSubmission s = ValidSubmission();
    c.mutate(s);
    EXPECT_THAT(Validate(s), InvalidAt(c.path));
  }
}

rv1::SubjectIdentity& Identity(rv1::ReferralSubmission& s) {
  return *s.mutable_subject()->mutable_identity();
}

rv1::Address& Home(rv1::ReferralSubmission& s) {
  return *s.mutable_subject()->mutable_addresses(0);
}

rv1::Referral& Referral(rv1::ReferralSubmission& s) {
  return *s.mutable_referral();
}

// --- Complete submissions ---------------------------------------------------

TEST(ValidateSubmissionTest, AcceptsACompleteSubmission) {
  EXPECT_THAT(Validate(ValidSubmission()), IsOk());
}

TEST(ValidateSubmissionTest, AcceptsOnlyTheRequiredFields) {
  EXPECT_THAT(Validate(MinimalSubmission()), IsOk());
}

TEST(ValidateSubmissionTest, AnEmptySubmissionNeedsTheSubjectsName) {
  EXPECT_THAT(Validate(rv1::ReferralSubmission()),
              InvalidAt("submission.subject.identity.forenames"));
}

// --- Immediate risk ---------------------------------------------------------

TEST(ValidateSubmissionTest, ImmediateRiskSaysCall999) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).set_immediate_risk(true);
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.referral.immediate_risk: there is an "
                          "immediate risk to life or of harm: call 999 now; a "
                          "Prevent referral is not the route for an "
                          "emergency")));
}

TEST(ValidateSubmissionTest, ImmediateRiskIsCheckedBeforeAnythingElse) {
  rv1::ReferralSubmission s;  // nothing else is set
  s.mutable_subject()->set_subject_id("S-1");
  s.mutable_referral()->set_immediate_risk(true);
  EXPECT_THAT(Validate(s), InvalidAt("submission.referral.immediate_risk"));
}

// --- Fields the hub assigns -------------------------------------------------

TEST(ValidateSubmissionTest, RefusesFieldsTheHubAssigns) {
  const std::vector<Case> cases = {
      {"submission.subject.subject_id",
       [](auto& s) { s.mutable_subject()->set_subject_id("S-1"); }},
      {"submission.related_persons[0].related_person_id",
       [](auto& s) {
         s.mutable_related_persons(0)->set_related_person_id("P");
       }},
      {"submission.referral.referral_id",
       [](auto& s) { Referral(s).set_referral_id("R-1"); }},
      {"submission.referral.referral_ref",
       [](auto& s) { Referral(s).set_referral_ref("PRV-WXC-2025-000142"); }},
      {"submission.referral.state",
       [](auto& s) { Referral(s).set_state(prevent::policy::v1::SUBMITTED); }},
      {"submission.referral.status_bucket",
       [](auto& s) { Referral(s).set_status_bucket(rv1::Referral::RECEIVED); }},
      {"submission.referral.received_at",
       [](auto& s) { Referral(s).mutable_received_at(); }},
      {"submission.referral.state_changed_at",
       [](auto& s) { Referral(s).mutable_state_changed_at()->set_seconds(1); }},
      {"submission.referral.area_code",
       [](auto& s) { Referral(s).set_area_code("WXC"); }},
      {"submission.referral.prior_referral_ids",
       [](auto& s) { Referral(s).add_prior_referral_ids("R-0"); }},
      {"submission.referral.prior_referrals_24m",
       [](auto& s) { Referral(s).set_prior_referrals_24m(2); }},
      {"submission.referral.feedback",
       [](auto& s) { Referral(s).mutable_feedback(); }},
      {"submission.referral.mash_notified",
       [](auto& s) { Referral(s).set_mash_notified(true); }},
      {"submission.referral.repeat_referral_assurance",
       [](auto& s) { Referral(s).set_repeat_referral_assurance(true); }},
      {"submission.referral.last_transition_reason",
       [](auto& s) { Referral(s).set_last_transition_reason("because"); }},
  };
  for (const Case& c : cases) {
    rv1::ReferralSubmission s = ValidSubmission();
    c.mutate(s);
    EXPECT_THAT(Validate(s),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         Eq(c.path + ": assigned by the hub; leave it out")));
  }
}

TEST(ValidateSubmissionTest, HubAssignedFieldsAreCheckedBeforeRequiredOnes) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).clear_surname();
  Referral(s).set_referral_ref("PRV-WXC-2025-000142");
  EXPECT_THAT(Validate(s), InvalidAt("submission.referral.referral_ref"));
}

// --- Required fields --------------------------------------------------------

TEST(ValidateSubmissionTest, SurnameIsRequired) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).clear_surname();
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.subject.identity.surname: required; give "
                          "the subject's family name")));
}

TEST(ValidateSubmissionTest, RequiredFieldsMustBeSet) {
  ExpectEach({
      {"submission.subject.identity.forenames",
       [](auto& s) { Identity(s).clear_forenames(); }},
      {"submission.subject.identity.forenames",
       [](auto& s) { Identity(s).set_forenames(" \t "); }},
      {"submission.subject.identity.surname",
       [](auto& s) { Identity(s).set_surname("  "); }},
      {"submission.subject.identity.dob",
       [](auto& s) { Identity(s).clear_dob(); }},
      {"submission.referral.referrer.name",
       [](auto& s) { Referral(s).mutable_referrer()->clear_name(); }},
      {"submission.referral.referrer.job_title",
       [](auto& s) { Referral(s).mutable_referrer()->clear_job_title(); }},
      {"submission.referral.referrer.name",
       [](auto& s) { Referral(s).clear_referrer(); }},
      {"submission.referral.concern_summary",
       [](auto& s) { Referral(s).clear_concern_summary(); }},
      {"submission.referral.subject_aware",
       [](auto& s) { Referral(s).clear_subject_aware(); }},
      {"submission.referral.parent_carer_aware",
       [](auto& s) { Referral(s).clear_parent_carer_aware(); }},
      {"submission.related_persons[0].name",
       [](auto& s) { s.mutable_related_persons(0)->clear_name(); }},
      {"submission.subject.local_identifiers[0].value",
       [](auto& s) {
         s.mutable_subject()->mutable_local_identifiers(0)->clear_value();
       }},
  });
}

TEST(ValidateSubmissionTest, RequiredMessagesSayWhatToDo) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).clear_subject_aware();
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("required; say whether the subject knows")));
}

TEST(ValidateSubmissionTest, WithheldParentCarerAwarenessNeedsAReason) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).set_parent_carer_aware(rv1::Referral::WITHHELD_RISK);
  EXPECT_THAT(Validate(s),
              InvalidAt("submission.referral.parent_carer_aware_reason"));
  Referral(s).set_parent_carer_aware_reason(
      "Father is the source of the "
      "material.");
  EXPECT_THAT(Validate(s), IsOk());
}

// --- Names and text ---------------------------------------------------------

TEST(ValidateSubmissionTest, NamesAreAtMost100Characters) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_surname(std::string(100, 'a'));
  EXPECT_THAT(Validate(s), IsOk());
  Identity(s).set_surname(std::string(101, 'a'));
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.subject.identity.surname: too long (101 "
                          "characters); shorten it to at most 100 "
                          "characters")));
}

TEST(ValidateSubmissionTest, LengthsCountCodePointsNotBytes) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_forenames(Repeat("\u00e9", 100));  // 200 bytes
  EXPECT_THAT(Validate(s), IsOk());
  Identity(s).set_forenames(Repeat("\u00e9", 101));
  EXPECT_THAT(Validate(s), InvalidAt("submission.subject.identity.forenames"));
}

TEST(ValidateSubmissionTest, ConcernSummaryIsAtMost2000CodePoints) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).set_concern_summary(Repeat("\u20ac", 2000));  // 6000 bytes
  EXPECT_THAT(Validate(s), IsOk());
  Referral(s).set_concern_summary(Repeat("\U0001F600", 2000));  // 8000 bytes
  EXPECT_THAT(Validate(s), IsOk());
  Referral(s).set_concern_summary(Repeat("\u20ac", 2001));
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("submission.referral.concern_summary: too "
                                  "long (2001 characters)")));
}

TEST(ValidateSubmissionTest, RefusesInvalidUtf8) {
  for (const char* bad : {"Al\xC3", "\xC0\xAF", "\xED\xA0\x80",
                          "\xF4\x90\x80\x80", "\x80", "\xFF"}) {
    rv1::ReferralSubmission s = ValidSubmission();
    Identity(s).set_surname(bad);
    EXPECT_THAT(Validate(s),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith("submission.subject.identity.surname: not "
                                    "valid UTF-8")));
  }
}

TEST(ValidateSubmissionTest, RefusesControlCharacters) {
  ExpectEach({
      {"submission.subject.identity.forenames",
       [](auto& s) { Identity(s).set_forenames("Alex\nJames"); }},
      {"submission.subject.identity.surname",
       [](auto& s) { Identity(s).set_surname(std::string("Ex\0ample", 8)); }},
      {"submission.subject.identity.surname",
       [](auto& s) {
         Identity(s).set_surname(
             "Ex\x7F"
             "ample");
       }},
      {"submission.subject.identity.surname",
       [](auto& s) {
         Identity(s).set_surname(
             "Ex\xC2\x85"
             "ample");
       }},  // NEL
      {"submission.subject.identity.surname",
       [](auto& s) { Identity(s).set_surname("Ex\tample"); }},
      {"submission.referral.concern_summary",
       [](auto& s) { Referral(s).set_concern_summary("Bell\a"); }},
  });
}

TEST(ValidateSubmissionTest, FreeTextMayHaveLineBreaksAndTabs) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).set_concern_summary("First.\r\n\tSecond.\nThird.");
  s.mutable_related_persons(0)->set_notes("One.\nTwo.");
  EXPECT_THAT(Validate(s), IsOk());
}

// --- Dates ------------------------------------------------------------------

TEST(ValidateSubmissionTest, DobMustBeADate) {
  for (const char* bad : {"14/03/2009", "2009-3-14", "2009-03-14T00:00:00Z",
                          "+209-03-14", "2009 03 14", "20090314", "2009-03-1a",
                          "２００９-03-14", " 2009-03-14"}) {
    rv1::ReferralSubmission s = ValidSubmission();
    Identity(s).set_dob(bad);
    EXPECT_THAT(Validate(s),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         Eq("submission.subject.identity.dob: not a date; "
                            "write it as YYYY-MM-DD")))
        << bad;
  }
}

TEST(ValidateSubmissionTest, DobMustBeARealDay) {
  for (const char* bad :
       {"2025-02-30", "2023-02-29", "2010-13-01", "2010-00-10", "2010-04-31",
        "2010-01-00", "2010-01-32"}) {
    rv1::ReferralSubmission s = ValidSubmission();
    Identity(s).set_dob(bad);
    EXPECT_THAT(Validate(s),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         StartsWith("submission.subject.identity.dob: not a "
                                    "real date")))
        << bad;
  }
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_dob("2024-02-29");
  EXPECT_THAT(Validate(s), IsOk());
}

TEST(ValidateSubmissionTest, DobIsFrom1900UntilToday) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_dob("1900-01-01");
  EXPECT_THAT(Validate(s), IsOk());
  Identity(s).set_dob("2025-06-15");
  EXPECT_THAT(Validate(s), IsOk());
  Identity(s).set_dob("1899-12-31");
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("submission.subject.identity.dob: before "
                                  "1900-01-01")));
  Identity(s).set_dob("2025-06-16");
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("submission.subject.identity.dob: in the "
                                  "future")));
}

TEST(ValidateSubmissionTest, TodayIsTheUtcDayOfNow) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_dob("2025-06-16");
  EXPECT_THAT(ValidateSubmission(s, At(2025, 6, 15, 23, 59, 59)),
              InvalidAt("submission.subject.identity.dob"));
  EXPECT_THAT(ValidateSubmission(s, At(2025, 6, 16, 0, 0, 0)), IsOk());
}

TEST(ValidateSubmissionTest, IndicatorFirstObservedIsAPastDateIfSet) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).mutable_indicators(0)->clear_first_observed();
  EXPECT_THAT(Validate(s), IsOk());
  Referral(s).mutable_indicators(0)->set_first_observed("2025-06-15");
  EXPECT_THAT(Validate(s), IsOk());
  ExpectEach({
      {"submission.referral.indicators[0].first_observed",
       [](auto& s) {
         Referral(s).mutable_indicators(0)->set_first_observed("2025-06-16");
       }},
      {"submission.referral.indicators[0].first_observed",
       [](auto& s) {
         Referral(s).mutable_indicators(0)->set_first_observed("2025-02-30");
       }},
      {"submission.referral.indicators[0].first_observed",
       [](auto& s) {
         Referral(s).mutable_indicators(0)->set_first_observed("last week");
       }},
  });
}

TEST(ValidateSubmissionTest, AddressDatesAreRealAndInOrder) {
  rv1::ReferralSubmission s = ValidSubmission();
  Home(s).set_to("2015-06-01");
  EXPECT_THAT(Validate(s), IsOk());
  ExpectEach({
      {"submission.subject.addresses[0].from",
       [](auto& s) { Home(s).set_from("2025-02-30"); }},
      {"submission.subject.addresses[0].to",
       [](auto& s) { Home(s).set_to("01/02/2020"); }},
      {"submission.subject.addresses[0].to",
       [](auto& s) { Home(s).set_to("2015-05-31"); }},
  });
}

// --- Addresses --------------------------------------------------------------

TEST(ValidateSubmissionTest, NeedsAnAddressWithAreaCodeAndPostcode) {
  ExpectEach({
      {"submission.subject.addresses",
       [](auto& s) { s.mutable_subject()->clear_addresses(); }},
      {"submission.subject.addresses",
       [](auto& s) { Home(s).clear_area_code(); }},
      {"submission.subject.addresses",
       [](auto& s) { Home(s).clear_postcode(); }},
      {"submission.subject.addresses",
       [](auto& s) { Home(s).set_postcode(" "); }},
  });
}

TEST(ValidateSubmissionTest, AnyOneAddressMayCarryTheAreaCode) {
  rv1::ReferralSubmission s = ValidSubmission();
  rv1::Address* previous = s.mutable_subject()->add_addresses();
  previous->set_lines("2 Old Road");
  previous->set_type(rv1::Address::PREVIOUS);
  EXPECT_THAT(Validate(s), IsOk());
  s.mutable_subject()->mutable_addresses()->SwapElements(0, 1);
  EXPECT_THAT(Validate(s), IsOk());
}

TEST(ValidateSubmissionTest, AreaCodesAreTwoToEightCapitalsOrDigits) {
  rv1::ReferralSubmission s = ValidSubmission();
  Home(s).set_area_code("E0");
  EXPECT_THAT(Validate(s), IsOk());
  Home(s).set_area_code("E0900030");
  EXPECT_THAT(Validate(s), IsOk());
  for (const char* bad : {"W", "E09000301", "wxc", "WX-C", "WX C", " WXC"}) {
    Home(s).set_area_code(bad);
    EXPECT_THAT(Validate(s),
                InvalidAt("submission.subject.addresses[0].area_code"))
        << bad;
  }
}

TEST(ValidateSubmissionTest, AddressTypeIsRequired) {
  rv1::ReferralSubmission s = ValidSubmission();
  Home(s).clear_type();
  EXPECT_THAT(Validate(s), InvalidAt("submission.subject.addresses[0].type"));
}

// --- Sizes ------------------------------------------------------------------

TEST(ValidateSubmissionTest, RepeatedFieldsHaveLimits) {
  ExpectEach({
      {"submission.subject.identity.aliases",
       [](auto& s) {
         for (int i = 0; i < 9; ++i) Identity(s).add_aliases("A");
       }},
      {"submission.subject.addresses",
       [](auto& s) {
         for (int i = 0; i < 10; ++i) s.mutable_subject()->add_addresses();
       }},
      {"submission.subject.phones",
       [](auto& s) {
         for (int i = 0; i < 10; ++i) s.mutable_subject()->add_phones("1");
       }},
      {"submission.subject.emails",
       [](auto& s) {
         for (int i = 0; i < 10; ++i) s.mutable_subject()->add_emails("e");
       }},
      {"submission.subject.online_handles",
       [](auto& s) {
         for (int i = 0; i < 10; ++i) {
           s.mutable_subject()->add_online_handles("h");
         }
       }},
      {"submission.related_persons",
       [](auto& s) {
         for (int i = 0; i < 20; ++i) {
           *s.add_related_persons() = s.related_persons(0);
         }
       }},
      {"submission.referral.indicators",
       [](auto& s) {
         for (int i = 0; i < 20; ++i) {
           *Referral(s).add_indicators() = Referral(s).indicators(0);
         }
       }},
      {"submission.referral.complex_needs",
       [](auto& s) {
         for (int i = 0; i < 20; ++i) {
           *Referral(s).add_complex_needs() = Referral(s).complex_needs(0);
         }
       }},
  });
}

TEST(ValidateSubmissionTest, TooManyNamesTheCountAndTheLimit) {
  rv1::ReferralSubmission s = ValidSubmission();
  for (int i = 0; i < 10; ++i) s.mutable_subject()->add_phones("1");
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.subject.phones: too many (11); give at "
                          "most 10")));
}

TEST(ValidateSubmissionTest, TextFieldsHaveLimits) {
  ExpectEach({
      {"submission.subject.identity.aliases[1]",
       [](auto& s) { Identity(s).set_aliases(1, std::string(101, 'a')); }},
      {"submission.subject.identity.aliases[1]",
       [](auto& s) { Identity(s).set_aliases(1, ""); }},
      {"submission.subject.nationality",
       [](auto& s) {
         s.mutable_subject()->set_nationality(std::string(201, 'a'));
       }},
      {"submission.subject.addresses[0].lines",
       [](auto& s) { Home(s).set_lines(std::string(301, 'a')); }},
      {"submission.subject.addresses[0].postcode",
       [](auto& s) { Home(s).set_postcode(std::string(201, 'A')); }},
      {"submission.subject.phones[0]",
       [](auto& s) {
         s.mutable_subject()->set_phones(0, std::string(201, '1'));
       }},
      {"submission.subject.emails[0]",
       [](auto& s) {
         s.mutable_subject()->set_emails(0, std::string(201, 'e'));
       }},
      {"submission.subject.online_handles[0]",
       [](auto& s) {
         s.mutable_subject()->set_online_handles(0, std::string(201, 'h'));
       }},
      {"submission.subject.education_or_employment.institution_name",
       [](auto& s) {
         s.mutable_subject()
             ->mutable_education_or_employment()
             ->set_institution_name(std::string(201, 'a'));
       }},
      {"submission.related_persons[0].name",
       [](auto& s) {
         s.mutable_related_persons(0)->set_name(std::string(101, 'a'));
       }},
      {"submission.related_persons[0].contact",
       [](auto& s) {
         s.mutable_related_persons(0)->set_contact(std::string(201, 'a'));
       }},
      {"submission.related_persons[0].notes",
       [](auto& s) {
         s.mutable_related_persons(0)->set_notes(std::string(1001, 'a'));
       }},
      {"submission.referral.referrer.job_title",
       [](auto& s) {
         Referral(s).mutable_referrer()->set_job_title(std::string(101, 'a'));
       }},
      {"submission.referral.referrer.email",
       [](auto& s) {
         Referral(s).mutable_referrer()->set_email(std::string(201, 'a'));
       }},
      {"submission.referral.parent_carer_aware_reason",
       [](auto& s) {
         Referral(s).set_parent_carer_aware_reason(std::string(501, 'a'));
       }},
      {"submission.referral.complex_needs[0].detail",
       [](auto& s) {
         Referral(s).mutable_complex_needs(0)->set_detail(
             std::string(1001, 'a'));
       }},
      {"submission.referral.online_activity",
       [](auto& s) {
         Referral(s).set_online_activity(std::string(2001, 'a'));
       }},
      {"submission.referral.contacts_of_concern",
       [](auto& s) {
         Referral(s).set_contacts_of_concern(std::string(2001, 'a'));
       }},
      {"submission.referral.threats_or_intent_to_harm",
       [](auto& s) {
         Referral(s).set_threats_or_intent_to_harm(std::string(2001, 'a'));
       }},
  });
}

TEST(ValidateSubmissionTest, LimitsAreInclusive) {
  rv1::ReferralSubmission s = ValidSubmission();
  for (int i = 0; i < 8; ++i) Identity(s).add_aliases(std::string(100, 'a'));
  for (int i = 0; i < 9; ++i) s.mutable_subject()->add_phones("1");
  Home(s).set_lines(std::string(300, 'a'));
  s.mutable_related_persons(0)->set_notes(std::string(1000, 'a'));
  for (int i = 0; i < 19; ++i) {
    *s.add_related_persons() = s.related_persons(0);
    *Referral(s).add_indicators() = Referral(s).indicators(0);
    *Referral(s).add_complex_needs() = Referral(s).complex_needs(0);
  }
  Referral(s).set_parent_carer_aware_reason(std::string(500, 'a'));
  Referral(s).set_threats_or_intent_to_harm(std::string(2000, 'a'));
  EXPECT_THAT(Validate(s), IsOk());
}

TEST(ValidateSubmissionTest, RepeatedElementErrorsNameTheIndex) {
  rv1::ReferralSubmission s = ValidSubmission();
  for (int i = 0; i < 2; ++i) {
    *Referral(s).add_indicators() = Referral(s).indicators(0);
  }
  Referral(s).mutable_indicators(2)->set_detail(std::string(1001, 'a'));
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.referral.indicators[2].detail: too long "
                          "(1001 characters); shorten it to at most 1000 "
                          "characters")));
}

// --- Enums ------------------------------------------------------------------

TEST(ValidateSubmissionTest, UnknownEnumNumbersNameTheFieldAndType) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).set_subject_aware(static_cast<rv1::Referral::Awareness>(99));
  EXPECT_THAT(
      Validate(s),
      StatusIs(absl::StatusCode::kInvalidArgument,
               Eq("submission.referral.subject_aware: unknown value 99; "
                  "use one of the values defined in "
                  "prevent.records.v1.Referral.Awareness")));
}

TEST(ValidateSubmissionTest, RefusesUnknownEnumNumbersEverywhere) {
  ExpectEach({
      {"submission.subject.identity.dob_precision",
       [](auto& s) {
         Identity(s).set_dob_precision(
             static_cast<rv1::SubjectIdentity::DobPrecision>(4));
       }},
      {"submission.subject.identity.gender",
       [](auto& s) {
         Identity(s).set_gender(static_cast<rv1::SubjectIdentity::Gender>(-1));
       }},
      {"submission.subject.addresses[0].type",
       [](auto& s) { Home(s).set_type(static_cast<rv1::Address::Type>(99)); }},
      {"submission.subject.education_or_employment.type",
       [](auto& s) {
         s.mutable_subject()->mutable_education_or_employment()->set_type(
             static_cast<rv1::EducationOrEmployment::Type>(99));
       }},
      {"submission.subject.local_identifiers[0].scheme",
       [](auto& s) {
         s.mutable_subject()->mutable_local_identifiers(0)->set_scheme(
             static_cast<rv1::LocalIdentifier::Scheme>(99));
       }},
      {"submission.subject.safeguarding_flags[1]",
       [](auto& s) {
         s.mutable_subject()->add_safeguarding_flags(
             static_cast<rv1::Subject::SafeguardingFlag>(99));
       }},
      {"submission.related_persons[0].relationship",
       [](auto& s) {
         s.mutable_related_persons(0)->set_relationship(
             static_cast<rv1::RelatedPerson::Relationship>(99));
       }},
      {"submission.referral.subject_aware",
       [](auto& s) {
         Referral(s).set_subject_aware(
             static_cast<rv1::Referral::Awareness>(99));
       }},
      {"submission.referral.parent_carer_aware",
       [](auto& s) {
         Referral(s).set_parent_carer_aware(
             static_cast<rv1::Referral::Awareness>(6));
       }},
      {"submission.referral.indicators[0].category",
       [](auto& s) {
         Referral(s).mutable_indicators(0)->set_category(
             static_cast<rv1::ConcernIndicator::Category>(99));
       }},
      {"submission.referral.indicators[0].source_reliability",
       [](auto& s) {
         Referral(s).mutable_indicators(0)->set_source_reliability(
             static_cast<rv1::ConcernIndicator::Reliability>(99));
       }},
      {"submission.referral.type_of_concern",
       [](auto& s) {
         Referral(s).set_type_of_concern(
             static_cast<rv1::Referral::TypeOfConcern>(99));
       }},
      {"submission.referral.access_to_weapons",
       [](auto& s) {
         Referral(s).set_access_to_weapons(
             static_cast<rv1::Referral::Awareness>(99));
       }},
      {"submission.referral.complex_needs[0].type",
       [](auto& s) {
         Referral(s).mutable_complex_needs(0)->set_type(
             static_cast<rv1::ComplexNeed::Type>(99));
       }},
      {"submission.referral.complex_needs[0].known_or_suspected",
       [](auto& s) {
         Referral(s).mutable_complex_needs(0)->set_known_or_suspected(
             static_cast<rv1::ComplexNeed::Certainty>(99));
       }},
  });
}

TEST(ValidateSubmissionTest, CategoriesInRepeatedMessagesMustBeChosen) {
  ExpectEach({
      {"submission.referral.indicators[0].category",
       [](auto& s) { Referral(s).mutable_indicators(0)->clear_category(); }},
      {"submission.referral.complex_needs[0].type",
       [](auto& s) { Referral(s).mutable_complex_needs(0)->clear_type(); }},
      {"submission.related_persons[0].relationship",
       [](auto& s) { s.mutable_related_persons(0)->clear_relationship(); }},
      {"submission.subject.local_identifiers[0].scheme",
       [](auto& s) {
         s.mutable_subject()->mutable_local_identifiers(0)->clear_scheme();
       }},
      {"submission.subject.safeguarding_flags[0]",
       [](auto& s) {
         s.mutable_subject()->set_safeguarding_flags(
             0, rv1::Subject::SAFEGUARDING_FLAG_UNSPECIFIED);
       }},
  });
}

TEST(ValidateSubmissionTest, OptionalEnumsMayBeUnspecified) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).clear_dob_precision();
  Identity(s).clear_gender();
  Referral(s).clear_type_of_concern();
  Referral(s).clear_access_to_weapons();
  Referral(s).mutable_indicators(0)->clear_source_reliability();
  Referral(s).mutable_complex_needs(0)->clear_known_or_suspected();
  s.mutable_subject()->mutable_education_or_employment()->clear_type();
  EXPECT_THAT(Validate(s), IsOk());
}

// --- Local identifiers ------------------------------------------------------

TEST(ValidateSubmissionTest, NhsNumbersMustHaveTheRightCheckDigit) {
  rv1::ReferralSubmission s = ValidSubmission();
  s.mutable_subject()->mutable_local_identifiers(0)->set_value("999 526 0183");
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.subject.local_identifiers[0].value: not "
                          "a valid NHS number (the check digit does not "
                          "match); check it against the patient record")));
}

TEST(ValidateSubmissionTest, NhsNumbersMustHaveTenDigits) {
  rv1::ReferralSubmission s = ValidSubmission();
  s.mutable_subject()->mutable_local_identifiers(0)->set_value("999 526 018");
  EXPECT_THAT(Validate(s),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       Eq("submission.subject.local_identifiers[0].value: not "
                          "a valid NHS number (it has 10 digits, e.g. 999 526 "
                          "0182); check it against the patient record")));
  s.mutable_subject()->mutable_local_identifiers(0)->set_value("999 526 O182");
  EXPECT_THAT(Validate(s), StatusIs(absl::StatusCode::kInvalidArgument,
                                    HasSubstr("(it has 10 digits")));
}

TEST(ValidateSubmissionTest, OtherSchemesAreNotCheckedAsNhsNumbers) {
  rv1::ReferralSubmission s = ValidSubmission();
  rv1::LocalIdentifier* upn = s.mutable_subject()->add_local_identifiers();
  upn->set_scheme(rv1::LocalIdentifier::SCHOOL_UPN);
  upn->set_value("A123456789012");
  rv1::LocalIdentifier* case_id = s.mutable_subject()->add_local_identifiers();
  case_id->set_scheme(rv1::LocalIdentifier::LA_CASE_ID);
  case_id->set_value("999 526 0183");
  EXPECT_THAT(Validate(s), IsOk());
}

TEST(ValidateSubmissionTest, LocalIdentifierValuesAreAtMost50Characters) {
  rv1::ReferralSubmission s = ValidSubmission();
  rv1::LocalIdentifier* id = s.mutable_subject()->add_local_identifiers();
  id->set_scheme(rv1::LocalIdentifier::LA_CASE_ID);
  id->set_value(std::string(50, '1'));
  EXPECT_THAT(Validate(s), IsOk());
  id->set_value(std::string(51, '1'));
  EXPECT_THAT(Validate(s),
              InvalidAt("submission.subject.local_identifiers[1].value"));
}

// --- Order ------------------------------------------------------------------

TEST(ValidateSubmissionTest, TheFirstErrorInFieldOrderWins) {
  rv1::ReferralSubmission s = ValidSubmission();
  Referral(s).clear_concern_summary();
  s.mutable_related_persons(0)->clear_name();
  Identity(s).clear_surname();
  EXPECT_THAT(Validate(s), InvalidAt("submission.subject.identity.surname"));
  Identity(s).set_surname("Example");
  EXPECT_THAT(Validate(s), InvalidAt("submission.related_persons[0].name"));
  s.mutable_related_persons(0)->set_name("Sam Example");
  EXPECT_THAT(Validate(s), InvalidAt("submission.referral.concern_summary"));
}

TEST(ValidateSubmissionTest, TheLowestIndexWins) {
  rv1::ReferralSubmission s = ValidSubmission();
  for (int i = 0; i < 3; ++i) {
    *Referral(s).add_indicators() = Referral(s).indicators(0);
  }
  Referral(s).mutable_indicators(3)->clear_category();
  Referral(s).mutable_indicators(1)->set_first_observed("2099-01-01");
  EXPECT_THAT(Validate(s),
              InvalidAt("submission.referral.indicators[1].first_observed"));
}

TEST(ValidateSubmissionTest, MessagesDoNotQuoteTheSubmittedValues) {
  rv1::ReferralSubmission s = ValidSubmission();
  Identity(s).set_dob("2009-02-30");
  EXPECT_THAT(Validate(s), StatusIs(absl::StatusCode::kInvalidArgument,
                                    Not(HasSubstr("2009-02-30"))));
}

// --- AgeOn ------------------------------------------------------------------

TEST(AgeOnTest, CountsCompletedYears) {
  EXPECT_EQ(AgeOn("2009-03-14", kNow), 16);
  EXPECT_EQ(AgeOn("1950-12-31", kNow), 74);
}

TEST(AgeOnTest, TheBirthdayCountsFromTheStartOfTheDay) {
  EXPECT_EQ(AgeOn("2007-06-15", At(2025, 6, 14, 23, 59, 59)), 17);
  EXPECT_EQ(AgeOn("2007-06-15", At(2025, 6, 15, 0, 0, 0)), 18);
  EXPECT_EQ(AgeOn("2007-06-15", At(2025, 6, 15, 23, 59, 59)), 18);
  EXPECT_EQ(AgeOn("2007-06-16", At(2025, 6, 15)), 17);
  EXPECT_EQ(AgeOn("2007-07-01", At(2025, 6, 30)), 17);
}

TEST(AgeOnTest, UsesTheUtcDay) {
  // 23:30 UTC on the 14th is 00:30 BST on the 15th; the UTC day counts.
  EXPECT_EQ(AgeOn("2007-06-15", At(2025, 6, 14, 23, 30, 0)), 17);
}

TEST(AgeOnTest, LeapDayBirthdaysFallOnTheFirstOfMarch) {
  EXPECT_EQ(AgeOn("2008-02-29", At(2026, 2, 28)), 17);
  EXPECT_EQ(AgeOn("2008-02-29", At(2026, 3, 1)), 18);
  EXPECT_EQ(AgeOn("2008-02-29", At(2028, 2, 28)), 19);
  EXPECT_EQ(AgeOn("2008-02-29", At(2028, 2, 29)), 20);
}

TEST(AgeOnTest, ZeroOnTheDayOfBirth) {
  EXPECT_EQ(AgeOn("2025-06-15", kNow), 0);
}

TEST(AgeOnTest, MinusOneForNoAge) {
  EXPECT_EQ(AgeOn("", kNow), -1);
  EXPECT_EQ(AgeOn("15/06/2007", kNow), -1);
  EXPECT_EQ(AgeOn("2007-02-30", kNow), -1);
  EXPECT_EQ(AgeOn("2025-06-16", kNow), -1);
  EXPECT_EQ(AgeOn("2027-01-01", kNow), -1);
}

}  // namespace
}  // namespace hub::referrals
