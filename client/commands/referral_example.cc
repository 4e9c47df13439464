#include "client/commands/referral_example.h"

#include <google/protobuf/util/json_util.h>

namespace hub::client {

namespace rec = ::prevent::records::v1;

rec::ReferralSubmission ExampleSubmission() {
  rec::ReferralSubmission submission;

  rec::Subject& subject = *submission.mutable_subject();
  rec::SubjectIdentity& identity = *subject.mutable_identity();
  identity.set_forenames("Ryan");
  identity.set_surname("Marsh");
  identity.add_aliases("R. Marsh");
  identity.set_dob("2003-01-27");
  identity.set_dob_precision(rec::SubjectIdentity::EXACT);
  identity.set_gender(rec::SubjectIdentity::MALE);
  rec::Address& home = *subject.add_addresses();
  home.set_lines("Flat 9, Cobalt House, Wexcombe");
  home.set_postcode("ZZ1 2XB");
  home.set_area_code("WXC");
  home.set_type(rec::Address::HOME);
  rec::LocalIdentifier& nhs = *subject.add_local_identifiers();
  nhs.set_scheme(rec::LocalIdentifier::NHS_NUMBER);
  nhs.set_value("999 159 0838");
  subject.add_phones("07700 900377");

  rec::Referral& referral = *submission.mutable_referral();
  rec::ReferrerDetails& referrer = *referral.mutable_referrer();
  referrer.set_name("Beth Sorensen");
  referrer.set_job_title("Community Mental Health Nurse");
  referrer.set_organisation_partner_id("P-NHS1");
  referral.set_discussed_with_safeguarding_lead(true);
  referral.set_subject_aware(rec::Referral::NO);
  referral.set_parent_carer_aware(rec::Referral::NOT_APPLICABLE);
  referral.set_immediate_risk(false);
  referral.set_concern_summary(
      "During a home visit the patient showed videos praising a proscribed "
      "Islamist group and asked how to travel to a conflict zone; recent "
      "psychotic episode, engaged with the community mental health team "
      "(CMHT).");
  rec::ConcernIndicator& travel = *referral.add_indicators();
  travel.set_category(rec::ConcernIndicator::TRAVEL_CONCERN);
  travel.set_detail("Asked how to travel to a conflict zone.");
  travel.set_source_reliability(rec::ConcernIndicator::FIRST_HAND);
  rec::ConcernIndicator& material = *referral.add_indicators();
  material.set_category(rec::ConcernIndicator::EXTREMIST_MATERIAL_ONLINE);
  material.set_detail(
      "Showed videos praising a proscribed Islamist group during a home "
      "visit.");
  material.set_source_reliability(rec::ConcernIndicator::FIRST_HAND);
  referral.set_type_of_concern(rec::Referral::ISLAMIST);
  referral.set_access_to_weapons(rec::Referral::NOT_KNOWN);
  rec::ComplexNeed& mental_health = *referral.add_complex_needs();
  mental_health.set_type(rec::ComplexNeed::MENTAL_HEALTH);
  mental_health.set_known_or_suspected(rec::ComplexNeed::KNOWN);
  return submission;
}

absl::StatusOr<std::string> ExampleSubmissionJson() {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(ExampleSubmission(), &json,
                                                   options)
           .ok()) {
    return absl::InternalError("cannot print the example referral as JSON");
  }
  return json;
}

}  // namespace hub::client
