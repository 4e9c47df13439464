#include "hub/service/policy_service.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
using ::prevent::hub::v1::ExplainRequest;
using ::prevent::hub::v1::ResourceDescription;

// Checks the fields of an ExplainRequest that the engine reads.
absl::Status ValidateExplain(const ExplainRequest& request) {
  if (!pb::Action_IsValid(request.action()) ||
      request.action() == pb::ACTION_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "action: set one of SEND, READ, LIST, UPDATE, QUERY");
  }
  if (!pb::Purpose_IsValid(request.purpose())) {
    return absl::InvalidArgumentError(
        "purpose: unknown purpose; use one from the closed list (SPEC §3.4)");
  }
  const ResourceDescription& r = request.resource();
  if (!pb::RecordClass_IsValid(r.record()) ||
      r.record() == pb::RECORD_CLASS_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "resource.record: set one of IDENTITY, CASE, BRIEFING, ACCESS, "
        "SERVICE, AUDIT_LOG, AUDIT_PROOF");
  }
  if (!pb::ReferralState_IsValid(r.state())) {
    return absl::InvalidArgumentError("resource.state: unknown state");
  }
  if (!pb::Audience_IsValid(r.audience())) {
    return absl::InvalidArgumentError("resource.audience: unknown audience");
  }
  if (!pb::AuditQuery_IsValid(r.audit_query())) {
    return absl::InvalidArgumentError(
        "resource.audit_query: unknown audit query");
  }
  if (!pb::SecurityMarking::Tier_IsValid(r.marking().tier())) {
    return absl::InvalidArgumentError("resource.marking.tier: unknown tier");
  }
  for (const std::string* s :
       {&r.id(), &r.source_partner_id(), &r.owner_principal_id(),
        &r.addressed_partner_id(), &r.area(), &request.principal_id()}) {
    if (s->size() > 128) {
      return absl::InvalidArgumentError(
          "resource: ids and area codes are at most 128 characters");
    }
  }
  return absl::OkStatus();
}

policy::Resource ToResource(const ResourceDescription& r) {
  policy::Resource resource;
  resource.record = r.record();
  resource.id = r.id();
  resource.source_partner_id = r.source_partner_id();
  resource.owner_principal_id = r.owner_principal_id();
  resource.addressed_partner_id = r.addressed_partner_id();
  resource.area = r.area();
  resource.state = r.state();
  resource.audience = r.audience();
  resource.audit_query = r.audit_query();
  resource.tier = r.marking().tier() == pb::SecurityMarking::TIER_UNSPECIFIED
                      ? pb::SecurityMarking::OFFICIAL
                      : r.marking().tier();
  resource.sensitive = r.marking().sensitive();
  resource.subject_under_18_or_child_in_household =
      r.subject_under_18_or_child_in_household();
  resource.consent_decision_recorded = r.consent_decision_recorded();
  resource.consent_given = r.consent_given();
  resource.public_interest_justification = r.public_interest_justification();
  resource.caldicott_approval = r.caldicott_approval();
  return resource;
}

void FillAccess(const policy::Policy& policy, const policy::Decision& decision,
                absl::string_view principal_id,
                prevent::records::v1::Access* access) {
  access->set_principal_id(std::string(principal_id));
  access->set_allowed(decision.allowed);
  access->set_reason(decision.reason);
  access->set_explanation(policy::Explain(decision));
  access->set_missing_requirement(decision.missing);
  access->set_policy_version(policy.version());
  const policy::CompiledRule* rule = decision.rule;
  if (rule == nullptr) return;
  access->set_rule_id(std::string(rule->id));
  if (rule->agreement != nullptr) {
    const policy::Agreement& agreement = *rule->agreement->agreement;
    access->set_agreement_id(agreement.id());
    access->set_agreement_reference(agreement.reference());
    access->set_agreement_version(agreement.version());
  }
  if (rule->flow != nullptr) {
    access->set_rule_description(rule->flow->description());
    if (decision.allowed) {
      *access->mutable_allowed_fields() = rule->flow->allowed_fields();
      access->set_offline_allowed(rule->flow->offline_allowed());
    }
  } else {
    access->set_rule_description(rule->standing->description());
    if (decision.allowed) {
      *access->mutable_allowed_fields() = rule->standing->allowed_fields();
    }
  }
  if (!decision.allowed) return;
  for (const std::string& path : rule->withheld) access->add_withheld(path);
  if (decision.expires_at) {
    access->mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(*decision.expires_at));
  }
}

}  // namespace

grpc::ServerUnaryReactor* PolicyService::Explain(
    grpc::CallbackServerContext* context, const ExplainRequest* request,
    prevent::hub::v1::ExplainResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.PolicyService/Explain", context,
      [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestContext(request->context()));
        RETURN_IF_ERROR(ValidateExplain(*request));
        const policy::Policy& policy = *call.peer().policy;
        const std::string& subject_id = request->principal_id().empty()
                                            ? call.peer().principal->id()
                                            : request->principal_id();
        // Whose access: an unknown principal and one the caller may not
        // explain look the same.
        const policy::Principal* subject = policy.FindPrincipal(subject_id);
        policy::Resource access;
        access.record = pb::ACCESS;
        access.id = subject_id;
        access.owner_principal_id = subject_id;
        if (subject != nullptr)
          access.source_partner_id = subject->partner_id();
        RETURN_IF_ERROR(call.Authorize(pb::READ, access, request->context(),
                                       Visibility::kHidden));
        if (subject == nullptr) return NotFound(pb::ACCESS, subject_id);

        policy::Request explained;
        explained.principal = subject;
        explained.partner = policy.FindPartner(subject->partner_id());
        explained.action = request->action();
        explained.resource = ToResource(request->resource());
        explained.purpose = request->purpose();
        explained.context.has_justification = request->has_justification();
        explained.context.panel_member = request->panel_member();
        explained.context.case_assigned = request->case_assigned();
        explained.context.now = call.now();
        const policy::Decision decision = policy::Decide(policy, explained);
        FillAccess(policy, decision, subject_id, response->mutable_access());
        call.fields().Apply(response->mutable_access());
        return absl::OkStatus();
      });
}

}  // namespace hub::service
