#include "client/commands/policy_explain_command.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/audit_trust.h"
#include "client/commands/enum_flag.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;

// --fact names and what they set on the request.
struct Fact {
  const char* name;
  void (*set)(prevent::hub::v1::ExplainRequest&);
};
constexpr Fact kFacts[] = {
    {"justification",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.set_has_justification(true);
     }},
    {"panel-member",
     [](prevent::hub::v1::ExplainRequest& r) { r.set_panel_member(true); }},
    {"case-assigned",
     [](prevent::hub::v1::ExplainRequest& r) { r.set_case_assigned(true); }},
    {"under-18",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.mutable_resource()->set_subject_under_18_or_child_in_household(true);
     }},
    {"consent-recorded",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.mutable_resource()->set_consent_decision_recorded(true);
     }},
    {"consent-given",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.mutable_resource()->set_consent_given(true);
     }},
    {"public-interest",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.mutable_resource()->set_public_interest_justification(true);
     }},
    {"caldicott-approved",
     [](prevent::hub::v1::ExplainRequest& r) {
       r.mutable_resource()->set_caldicott_approval(true);
     }},
};

// The accepted --fact names, for help and errors.
std::string FactNames() {
  std::vector<std::string> names;
  for (const Fact& fact : kFacts) names.push_back(fact.name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

PolicyExplainCommand::PolicyExplainCommand(CLI::App& app)
    : policy_(
          app.add_subcommand("policy", "ask about the partnership's policy")),
      explain_(policy_->add_subcommand(
          "explain",
          "explain what the policy decides for a request, and why")) {
  policy_->require_subcommand(1);
  explain_->add_option("--as", as_,
                       "whose access (principal id); default: yours");
  explain_->add_option("--action", action_, "SEND, READ, LIST, UPDATE or QUERY")
      ->required();
  explain_
      ->add_option("--resource", resource_,
                   "record class: CASE, BRIEFING, IDENTITY, ACCESS or "
                   "SERVICE")
      ->required();
  explain_
      ->add_option("--purpose", purpose_,
                   "the purpose (SPEC §3.4), e.g. PREVENT_SCREENING")
      ->required();
  explain_->add_option("--id", id_, "the record's id, for the answer only");
  explain_->add_option("--source", source_, "the partner whose data it is");
  explain_->add_option("--owner", owner_,
                       "the principal who created it (e.g. the referrer)");
  explain_->add_option("--addressed-to", addressed_to_,
                       "the partner it is addressed to");
  explain_->add_option("--area", area_, "its area code, e.g. WXC");
  explain_->add_option("--state", state_, "its workflow state, e.g. SUBMITTED");
  explain_->add_option("--audience", audience_,
                       "a briefing rendition's audience, e.g. SCHOOLS");
  explain_->add_option("--marking", marking_,
                       "OFFICIAL (default), OFFICIAL-SENSITIVE, SECRET or "
                       "TOP_SECRET");
  explain_->add_option(
      "--fact", facts_,
      absl::StrCat("a fact that holds (repeatable): ", FactNames()));
  explain_->add_flag("--json", json_, "print the answer as JSON");
}

absl::StatusOr<prevent::hub::v1::ExplainRequest>
PolicyExplainCommand::BuildRequest() const {
  prevent::hub::v1::ExplainRequest request;
  // Explaining is assurance work; the hub decides whether this caller may.
  request.mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
  request.set_principal_id(as_);
  ASSIGN_OR_RETURN(int action,
                   ParseEnumFlag(pb::Action_descriptor(), "--action", action_));
  request.set_action(static_cast<pb::Action>(action));
  ASSIGN_OR_RETURN(int purpose, ParseEnumFlag(pb::Purpose_descriptor(),
                                              "--purpose", purpose_));
  request.set_purpose(static_cast<pb::Purpose>(purpose));

  prevent::hub::v1::ResourceDescription& r = *request.mutable_resource();
  ASSIGN_OR_RETURN(int record, ParseEnumFlag(pb::RecordClass_descriptor(),
                                             "--resource", resource_));
  r.set_record(static_cast<pb::RecordClass>(record));
  r.set_id(id_);
  r.set_source_partner_id(source_);
  r.set_owner_principal_id(owner_);
  r.set_addressed_partner_id(addressed_to_);
  r.set_area(area_);
  if (!state_.empty()) {
    ASSIGN_OR_RETURN(int state, ParseEnumFlag(pb::ReferralState_descriptor(),
                                              "--state", state_));
    r.set_state(static_cast<pb::ReferralState>(state));
  }
  if (!audience_.empty()) {
    ASSIGN_OR_RETURN(int audience, ParseEnumFlag(pb::Audience_descriptor(),
                                                 "--audience", audience_));
    r.set_audience(static_cast<pb::Audience>(audience));
  }
  if (!marking_.empty()) {
    const std::string m = absl::AsciiStrToUpper(marking_);
    if (m == "OFFICIAL-SENSITIVE" || m == "OFFICIAL_SENSITIVE") {
      r.mutable_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
      r.mutable_marking()->set_sensitive(true);
    } else {
      ASSIGN_OR_RETURN(int tier,
                       ParseEnumFlag(pb::SecurityMarking::Tier_descriptor(),
                                     "--marking", marking_));
      r.mutable_marking()->set_tier(
          static_cast<pb::SecurityMarking::Tier>(tier));
    }
  }
  for (const std::string& name : facts_) {
    const Fact* found = nullptr;
    for (const Fact& fact : kFacts) {
      if (name == fact.name) found = &fact;
    }
    if (found == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--fact: unknown fact '", name, "'; use one of ", FactNames()));
    }
    found->set(request);
  }
  return request;
}

absl::Status PolicyExplainCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::hub::v1::ExplainRequest request, BuildRequest());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(prevent::hub::v1::ExplainResponse answer,
                   client->ExplainPolicy(request));
  RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));
  const prevent::records::v1::Access& access = answer.access();
  std::ostream& out = *env.out;
  if (json_) return PrintJson(access, out);

  out << "principal    " << access.principal_id() << "\n"
      << "decision     " << (access.allowed() ? "ALLOW" : "DENY") << " ("
      << pb::ReasonCode_Name(access.reason()) << ")\n"
      << "why          " << access.explanation() << "\n";
  if (!access.agreement_id().empty()) {
    out << "agreement    " << access.agreement_id() << " ("
        << access.agreement_reference() << " v" << access.agreement_version()
        << ")\n";
  }
  if (!access.rule_id().empty()) {
    out << "rule         " << access.rule_id() << ": "
        << access.rule_description() << "\n";
  }
  if (access.allowed()) {
    out << "fields       " << absl::StrJoin(access.allowed_fields(), ", ")
        << "\n";
    if (!access.withheld().empty()) {
      out << "withheld     " << absl::StrJoin(access.withheld(), ", ") << "\n";
    }
    out << "expires      "
        << (access.has_expires_at() ? common::FormatUtc(absl::FromUnixSeconds(
                                          access.expires_at().seconds()))
                                    : "never")
        << "\n"
        << "offline      " << (access.offline_allowed() ? "allowed" : "no")
        << "\n";
  }
  out << "policy       " << access.policy_version() << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
