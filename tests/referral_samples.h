// Fictional referral submissions for the cross-component tests (SPEC §5.3).
#ifndef HUB_TESTS_REFERRAL_SAMPLES_H_
#define HUB_TESTS_REFERRAL_SAMPLES_H_

#include <string>

#include "proto/records.pb.h"

namespace hub::testing {

namespace rec = ::prevent::records::v1;

// `n` written in the letters a-z (0 is "a", 26 is "ba"), for names that
// differ: surnames hold no digits.
inline std::string Letters(int n) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return out;
}

// A complete, valid submission about an adult: Ryan Marsh (SPEC §5.3,
// PRV-WXC-2025-000123), as his community mental health nurse refers him.
inline rec::ReferralSubmission AdultSubmission() {
  rec::ReferralSubmission s;
  rec::Subject& subject = *s.mutable_subject();
  subject.mutable_identity()->set_forenames("Ryan");
  subject.mutable_identity()->set_surname("Marsh");
  subject.mutable_identity()->add_aliases("R. Marsh");
  subject.mutable_identity()->set_dob("2003-01-27");
  subject.mutable_identity()->set_gender(rec::SubjectIdentity::MALE);
  subject.set_ethnicity("DEMO-ETHNICITY-CANARY");
  rec::Address& home = *subject.add_addresses();
  home.set_lines("Flat 9, Cobalt House, Wexcombe");
  home.set_postcode("ZZ1 2XB");
  home.set_area_code("WXC");
  home.set_type(rec::Address::HOME);
  subject.add_phones("07700 900377");
  rec::LocalIdentifier& nhs = *subject.add_local_identifiers();
  nhs.set_scheme(rec::LocalIdentifier::NHS_NUMBER);
  nhs.set_value("999 159 0838");
  rec::RelatedPerson& mother = *s.add_related_persons();
  mother.set_relationship(rec::RelatedPerson::PARENT);
  mother.set_name("Moira Marsh");
  rec::Referral& r = *s.mutable_referral();
  r.mutable_referrer()->set_name("Beth Sorensen");
  r.mutable_referrer()->set_job_title("Community Mental Health Nurse");
  r.set_discussed_with_safeguarding_lead(true);
  r.set_subject_aware(rec::Referral::NO);
  r.set_parent_carer_aware(rec::Referral::NOT_APPLICABLE);
  r.set_concern_summary(
      "During a home visit the patient showed videos praising a proscribed "
      "group and asked how to travel to a conflict zone.");
  r.set_type_of_concern(rec::Referral::ISLAMIST);
  rec::ConcernIndicator& travel = *r.add_indicators();
  travel.set_category(rec::ConcernIndicator::TRAVEL_CONCERN);
  travel.set_source_reliability(rec::ConcernIndicator::FIRST_HAND);
  r.set_threats_or_intent_to_harm("DEMO-THREATS-CANARY");
  rec::ComplexNeed& need = *r.add_complex_needs();
  need.set_type(rec::ComplexNeed::MENTAL_HEALTH);
  need.set_known_or_suspected(rec::ComplexNeed::KNOWN);
  r.set_access_to_weapons(rec::Referral::NOT_KNOWN);
  return s;
}

// A child: Callum Reeve, 15 (SPEC §5.3, PRV-WXC-2025-000101).
inline rec::ReferralSubmission ChildSubmission() {
  rec::ReferralSubmission s = AdultSubmission();
  rec::Subject& subject = *s.mutable_subject();
  subject.mutable_identity()->set_forenames("Callum");
  subject.mutable_identity()->set_surname("Reeve");
  subject.mutable_identity()->clear_aliases();
  subject.mutable_identity()->set_dob("2010-03-14");
  subject.mutable_addresses(0)->set_lines("14 Larkspur Walk, Wexcombe");
  subject.mutable_addresses(0)->set_postcode("ZZ1 4DM");
  subject.mutable_local_identifiers(0)->set_value("999 526 0182");
  s.mutable_related_persons(0)->set_name("Joanne Reeve");
  s.mutable_related_persons(0)->set_has_parental_responsibility(true);
  s.mutable_referral()->set_parent_carer_aware(rec::Referral::YES);
  s.mutable_referral()->mutable_referrer()->set_name("Ruth Caldwell");
  s.mutable_referral()->mutable_referrer()->set_job_title(
      "Designated Safeguarding Lead");
  return s;
}

// Another adult, unrelated to Ryan Marsh: Dylan Hart, whom a probation
// officer's concern reached the NHS trust about.
inline rec::ReferralSubmission OtherAdultSubmission() {
  rec::ReferralSubmission s = AdultSubmission();
  rec::Subject& subject = *s.mutable_subject();
  subject.mutable_identity()->set_forenames("Dylan");
  subject.mutable_identity()->set_surname("Hart");
  subject.mutable_identity()->clear_aliases();
  subject.mutable_identity()->set_dob("1999-08-05");
  subject.mutable_addresses(0)->set_lines("3 Tanner's Yard, Wexcombe");
  subject.mutable_addresses(0)->set_postcode("ZZ1 7QA");
  subject.clear_phones();
  subject.mutable_local_identifiers(0)->set_value("999 765 4323");
  s.mutable_related_persons(0)->set_relationship(rec::RelatedPerson::SIBLING);
  s.mutable_related_persons(0)->set_name("Kerry Hart");
  return s;
}

}  // namespace hub::testing

#endif  // HUB_TESTS_REFERRAL_SAMPLES_H_
