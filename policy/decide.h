// Decide() is the policy engine: given who is asking, what they want to do
// with which record, why, and in what circumstances, it returns allow or deny,
// the reason, the agreement and rule it rests on, the fields it releases and
// when the release expires. Deny by default: only a rule that matches on
// every count allows. Pure and thread-safe: no I/O, no clock, no allocation
// beyond the Decision itself.
#ifndef HUB_POLICY_DECIDE_H_
#define HUB_POLICY_DECIDE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/policy.h"

namespace hub::policy {

// The record a request is about, as far as the engine needs to know it.
struct Resource {
  RecordClass record = prevent::policy::v1::RECORD_CLASS_UNSPECIFIED;
  absl::string_view id;
  // The partner whose data it is (for a new record: the sender's partner).
  absl::string_view source_partner_id;
  // The principal who created it, or whose identity or access it is.
  absl::string_view owner_principal_id;
  // The partner it is addressed to (information requests), if any.
  absl::string_view addressed_partner_id;
  absl::string_view area;  // area code, e.g. "WXC"; empty if none
  ReferralState state = prevent::policy::v1::REFERRAL_STATE_UNSPECIFIED;
  prevent::policy::v1::Audience audience =
      prevent::policy::v1::AUDIENCE_UNSPECIFIED;
  // For AUDIT_LOG: the audit query asked.
  prevent::policy::v1::AuditQuery audit_query =
      prevent::policy::v1::AUDIT_QUERY_UNSPECIFIED;
  prevent::policy::v1::SecurityMarking::Tier tier =
      prevent::policy::v1::SecurityMarking::OFFICIAL;
  bool sensitive = false;
  // Facts about the record that requirements test.
  bool subject_under_18_or_child_in_household = false;
  bool consent_decision_recorded = false;
  bool consent_given = false;
  bool public_interest_justification = false;
  bool caldicott_approval = false;
};

// Facts about the request and the caller's relation to the record.
struct Context {
  bool has_justification = false;
  bool panel_member = false;   // attends a panel listing this case
  bool case_assigned = false;  // assigned to this case
  absl::Time now;
};

struct Request {
  const Principal* principal = nullptr;
  const Partner* partner = nullptr;  // the principal's partner
  Action action = prevent::policy::v1::ACTION_UNSPECIFIED;
  Resource resource;
  Purpose purpose = prevent::policy::v1::PURPOSE_UNSPECIFIED;
  Context context;
};

struct Decision {
  bool allowed = false;
  prevent::policy::v1::ReasonCode reason = prevent::policy::v1::NO_RULE;
  // On allow, the rule that allows. On deny, the rule that came closest (so
  // an explanation can say what was missing), or null if none applied.
  const CompiledRule* rule = nullptr;
  // On REQUIREMENT_NOT_MET, the first requirement that was not met.
  Requirement missing = prevent::policy::v1::REQUIREMENT_UNSPECIFIED;
  // On allow, when the release ends (the rule's expires_after_hours or the
  // agreement's expiry, whichever is first); nullopt if never.
  std::optional<absl::Time> expires_at;

  // The fields released; allows nothing unless allowed.
  const Projection& fields() const;
  // The cited agreement and rule ids ("" if none).
  absl::string_view agreement_id() const;
  absl::string_view rule_id() const;
};

Decision Decide(const Policy& policy, const Request& request);

// One sentence a person can act on, e.g. "rule F30 of agreement
// A-ISA-WXC-2025 requires PANEL_MEMBERSHIP".
std::string Explain(const Decision& decision);

}  // namespace hub::policy

#endif  // HUB_POLICY_DECIDE_H_
