#include "policy/decide.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hub::policy {
namespace {

namespace pb = ::prevent::policy::v1;

// Above TOP SECRET: what an unmarked record ranks as, so it is never released.
constexpr int kUnknownMarkingRank = 5;

// Everything about the request that does not depend on the rule, worked out
// once.
struct Facts {
  const Request& request;
  uint64_t roles = 0;
  bool sending = false;
  // The partner the data comes from: the caller's when sending, else the
  // record's source. Null if the record names no known partner.
  const Partner* source = nullptr;
  int marking_rank = 1;
};

// The outcome of checking one rule: the stage reached, so the closest miss
// can be reported. Stages run in the order below.
struct Check {
  int stage = 0;
  pb::ReasonCode reason = pb::ALLOWED;
  Requirement missing = pb::REQUIREMENT_UNSPECIFIED;
};

bool SourceMatches(const FlowRule& flow, const Partner* source) {
  if (source == nullptr) return false;
  switch (flow.source_case()) {
    case FlowRule::kSourcePartnerType:
      return source->type() == flow.source_partner_type();
    case FlowRule::kSourcePartnerId:
      return source->id() == flow.source_partner_id();
    case FlowRule::kAnySource:
      return flow.any_source();
    default:
      return false;
  }
}

bool InScope(const CompiledRule& rule, const Request& request) {
  const Resource& r = request.resource;
  switch (rule.scope) {
    case pb::SELF:
    case pb::OWN_RECORD:
      return !r.owner_principal_id.empty() &&
             r.owner_principal_id == request.principal->id();
    case pb::OWN_PARTNER:
      return r.source_partner_id == request.partner->id();
    case pb::ADDRESSED:
      return !r.addressed_partner_id.empty() &&
             r.addressed_partner_id == request.partner->id();
    case pb::AREA:
      return !r.area.empty() &&
             std::find(request.principal->areas().begin(),
                       request.principal->areas().end(),
                       r.area) != request.principal->areas().end();
    case pb::PARTNERSHIP:
      return true;
    default:
      return false;
  }
}

bool Met(Requirement requirement, const Request& request) {
  const Resource& r = request.resource;
  const Context& c = request.context;
  switch (requirement) {
    case pb::JUSTIFICATION_TEXT:
      return c.has_justification;
    case pb::CONSENT_DECISION_RECORDED:
      return r.consent_decision_recorded;
    case pb::PUBLIC_INTEREST_JUSTIFICATION:
      return r.public_interest_justification;
    case pb::CALDICOTT_APPROVAL:
      return r.caldicott_approval;
    case pb::PUBLIC_INTEREST_JUSTIFICATION_IF_NO_CONSENT:
      return r.consent_given || r.public_interest_justification;
    case pb::CALDICOTT_APPROVAL_IF_NO_CONSENT:
      return r.consent_given || r.caldicott_approval;
    case pb::PANEL_MEMBERSHIP:
      return c.panel_member;
    case pb::CASE_ASSIGNMENT:
      return c.case_assigned;
    case pb::SUBJECT_UNDER_18_OR_CHILD_IN_HOUSEHOLD:
      return r.subject_under_18_or_child_in_household;
    default:
      return false;
  }
}

Check Evaluate(const CompiledRule& rule, const Facts& facts) {
  const Request& request = facts.request;
  const Resource& resource = request.resource;
  Check check;
  auto fail = [&check](int stage, pb::ReasonCode reason) {
    check.stage = stage;
    check.reason = reason;
    return check;
  };

  // 1. Role: a recipient role, or when sending, a permitted source role.
  const uint64_t roles =
      facts.sending ? rule.source_roles : rule.recipient_roles;
  if (!(facts.sending && roles == 0) && (facts.roles & roles) == 0) {
    return fail(1, pb::ROLE_NOT_IN_RULE);
  }
  if (rule.flow == nullptr) {  // a standing rule: nothing crosses partners
    // A standing rule only ever covers the caller themself; when it does not
    // apply, any flow rule that got further explains the refusal better.
    if (!InScope(rule, request)) return fail(0, pb::OUT_OF_SCOPE);
    return check;
  }
  const FlowRule& flow = *rule.flow;
  const CompiledAgreement& agreement = *rule.agreement;

  // 2. Parties: the caller's partner and the data's source both signed.
  if (!agreement.parties.contains(request.partner->id()) ||
      facts.source == nullptr ||
      !agreement.parties.contains(facts.source->id())) {
    return fail(2, pb::NOT_A_PARTY);
  }
  // 3. Source.
  if (!SourceMatches(flow, facts.source)) {
    return fail(3, pb::SOURCE_NOT_IN_RULE);
  }
  // 4. Purpose (P01).
  if (request.purpose != rule.purpose) return fail(4, pb::PURPOSE_NOT_IN_RULE);
  // 5. The agreement is in force (P02).
  if (agreement.agreement->status() != Agreement::ACTIVE) {
    return fail(5, pb::AGREEMENT_NOT_ACTIVE);
  }
  const absl::Time now = request.context.now;
  if (now < agreement.effective_from) {
    return fail(5, pb::AGREEMENT_NOT_YET_EFFECTIVE);
  }
  if (now >= agreement.expires_after) return fail(5, pb::AGREEMENT_EXPIRED);
  if (now >= agreement.review_after) return fail(5, pb::AGREEMENT_PAST_REVIEW);
  // 6. Audience (briefings).
  if (rule.record == pb::BRIEFING && resource.audience != flow.audience()) {
    return fail(6, pb::WRONG_AUDIENCE);
  }
  // 6. ... or the audit query.
  if (rule.record == pb::AUDIT_LOG &&
      (resource.audit_query <= 0 || resource.audit_query >= 32 ||
       (rule.audit_queries & (1u << resource.audit_query)) == 0)) {
    return fail(6, pb::AUDIT_QUERY_NOT_IN_RULE);
  }
  // 7. Need-to-know scope (P07); a sender needs none.
  if (!facts.sending && !InScope(rule, request)) {
    return fail(7, pb::OUT_OF_SCOPE);
  }
  // 8. Workflow state (P01).
  if (rule.states != 0 &&
      (resource.state < 0 || resource.state >= 64 ||
       (rule.states & (uint64_t{1} << resource.state)) == 0)) {
    return fail(8, pb::WRONG_WORKFLOW_STATE);
  }
  // 9. Requirements.
  for (Requirement requirement : rule.requires) {
    if (!Met(requirement, request)) {
      check.missing = requirement;
      return fail(9, pb::REQUIREMENT_NOT_MET);
    }
  }
  // 10. Marking (P05).
  if (facts.marking_rank > rule.max_marking_rank ||
      facts.marking_rank > agreement.ceiling_rank) {
    return fail(10, pb::MARKING_ABOVE_LIMIT);
  }
  // 11. The source's lawful basis (P03, P04).
  auto basis = agreement.legal_bases.find(facts.source->id());
  if (basis == agreement.legal_bases.end() ||
      (rule.needs_special_category_basis &&
       basis->second->art9_condition() == LegalBasis::ART9_UNSPECIFIED &&
       basis->second->part3_sensitive_conditions().empty())) {
    return fail(11, pb::NO_LEGAL_BASIS);
  }
  return check;
}

const Projection& NothingAllowed() {
  static const Projection* const nothing = new Projection();
  return *nothing;
}

}  // namespace

const Projection& Decision::fields() const {
  return allowed && rule != nullptr ? rule->fields : NothingAllowed();
}

absl::string_view Decision::agreement_id() const {
  if (rule == nullptr || rule->agreement == nullptr) return "";
  return rule->agreement->agreement->id();
}

absl::string_view Decision::rule_id() const {
  return rule == nullptr ? absl::string_view() : rule->id;
}

Decision Decide(const Policy& policy, const Request& request) {
  Decision decision;
  if (request.principal == nullptr ||
      request.principal->status() != Principal::ACTIVE) {
    decision.reason = pb::PRINCIPAL_NOT_ACTIVE;
    return decision;
  }
  if (request.partner == nullptr ||
      request.partner->status() != Partner::ACTIVE) {
    decision.reason = pb::PARTNER_NOT_ACTIVE;
    return decision;
  }

  Facts facts{request};
  for (int role : request.principal->roles()) {
    if (role >= 0 && role < 64) facts.roles |= uint64_t{1} << role;
  }
  facts.sending = request.action == pb::SEND;
  facts.source = facts.sending
                     ? request.partner
                     : policy.FindPartner(request.resource.source_partner_id);
  // A record whose marking is unknown is treated as above every limit.
  facts.marking_rank =
      request.resource.tier == pb::SecurityMarking::TIER_UNSPECIFIED
          ? kUnknownMarkingRank
          : MarkingRank(request.resource.tier, request.resource.sensitive);

  int best_stage = -1;
  for (const CompiledRule* rule :
       policy.Candidates(request.resource.record, request.action)) {
    Check check = Evaluate(*rule, facts);
    if (check.reason == pb::ALLOWED) {
      decision.allowed = true;
      decision.reason = pb::ALLOWED;
      decision.rule = rule;
      decision.missing = pb::REQUIREMENT_UNSPECIFIED;
      std::optional<absl::Time> expiry;
      if (rule->agreement != nullptr &&
          rule->agreement->expires_after != absl::InfiniteFuture()) {
        expiry = rule->agreement->expires_after;
      }
      if (rule->expires_after_hours > 0) {
        absl::Time end =
            request.context.now + absl::Hours(rule->expires_after_hours);
        if (!expiry || end < *expiry) expiry = end;
      }
      decision.expires_at = expiry;
      return decision;
    }
    if (check.stage > best_stage) {
      best_stage = check.stage;
      decision.reason = check.reason;
      decision.rule = rule;
      decision.missing = check.missing;
    }
  }
  return decision;
}

std::string Explain(const Decision& decision) {
  std::string rule;
  if (decision.rule != nullptr) {
    rule = decision.rule->agreement == nullptr
               ? absl::StrCat("standing rule ", decision.rule->id)
               : absl::StrCat("rule ", decision.rule->id, " of agreement ",
                              decision.agreement_id());
  }
  switch (decision.reason) {
    case pb::ALLOWED:
      return absl::StrCat("allowed by ", rule);
    case pb::NO_RULE:
      return "no rule of the policy covers this action on this kind of record";
    case pb::PRINCIPAL_NOT_ACTIVE:
      return "the principal is not ACTIVE in the policy";
    case pb::PARTNER_NOT_ACTIVE:
      return "the principal's partner is not ACTIVE in the policy";
    case pb::ROLE_NOT_IN_RULE:
      return absl::StrCat("no rule grants this to the principal's roles (",
                          rule, " is for other roles)");
    case pb::NOT_A_PARTY:
      return absl::StrCat(rule,
                          " needs both the principal's partner and the "
                          "record's source to be parties to the agreement");
    case pb::SOURCE_NOT_IN_RULE:
      return absl::StrCat(rule, " does not cover records from this source");
    case pb::PURPOSE_NOT_IN_RULE:
      return absl::StrCat(rule, " is for purpose ",
                          pb::Purpose_Name(decision.rule->purpose),
                          "; no rule allows this for the purpose given");
    case pb::AGREEMENT_NOT_ACTIVE:
      return absl::StrCat(rule, ", but the agreement is not ACTIVE");
    case pb::AGREEMENT_NOT_YET_EFFECTIVE:
      return absl::StrCat(rule, ", but the agreement is not yet in effect");
    case pb::AGREEMENT_EXPIRED:
      return absl::StrCat(rule, ", but the agreement has expired");
    case pb::AGREEMENT_PAST_REVIEW:
      return absl::StrCat(rule,
                          ", but the agreement is past its review date; the "
                          "coordinator must record its review");
    case pb::WRONG_AUDIENCE:
      return absl::StrCat(rule, " releases another audience's rendition");
    case pb::AUDIT_QUERY_NOT_IN_RULE:
      return absl::StrCat(rule, " does not grant this audit query");
    case pb::OUT_OF_SCOPE:
      return absl::StrCat(rule,
                          " covers only records within the principal's "
                          "scope (own record, partner or area)");
    case pb::WRONG_WORKFLOW_STATE:
      return absl::StrCat(rule,
                          " does not apply in the record's workflow state");
    case pb::REQUIREMENT_NOT_MET:
      return absl::StrCat(rule, " requires ",
                          pb::Requirement_Name(decision.missing));
    case pb::MARKING_ABOVE_LIMIT:
      return absl::StrCat("the record's marking is above what ", rule,
                          " releases");
    case pb::NO_LEGAL_BASIS:
      return absl::StrCat(rule,
                          ", but the agreement records no (or no special-"
                          "category) legal basis for the source partner");
    default:
      return "denied";
  }
}

}  // namespace hub::policy
