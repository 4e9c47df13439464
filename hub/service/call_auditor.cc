#include "hub/service/call_auditor.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "hub/audit/event_id.h"

namespace hub::service {
namespace {

namespace ab = ::prevent::audit::v1;
namespace pb = ::prevent::policy::v1;

bool IsPolicePartner(const policy::Policy& policy, absl::string_view id) {
  if (id.empty()) return false;
  const policy::Partner* partner = policy.FindPartner(id);
  return partner != nullptr &&
         (partner->type() == pb::Partner::CT_POLICE ||
          partner->type() == pb::Partner::LOCAL_POLICE_BCU);
}

void SetActor(const AuthenticatedPeer& peer, ab::Actor* actor) {
  actor->set_principal_id(peer.principal->id());
  actor->set_partner_id(peer.partner->id());
  for (int role : peer.principal->roles()) {
    actor->add_roles(static_cast<pb::Role>(role));
  }
  actor->set_cert_sha256(peer.cert_sha256);
}

void SetDecision(const AuthenticatedPeer* peer,
                 const policy::Decision* decision, ab::AuditEvent* event) {
  ab::AuditDecision& d = *event->mutable_decision();
  if (peer != nullptr) d.set_policy_version(peer->policy->version());
  if (decision == nullptr) return;
  d.set_allowed(decision->allowed);
  d.set_reason(decision->reason);
  event->set_agreement_id(std::string(decision->agreement_id()));
  event->set_rule_id(std::string(decision->rule_id()));
}

// The operation an allowed call performed, unless the handler said.
ab::Operation OperationFor(const AuthenticatedPeer& peer,
                           const CallFacts& facts) {
  if (facts.operation.has_value()) return *facts.operation;
  switch (facts.action) {
    case pb::SEND:
      return ab::COLLECT;
    case pb::UPDATE:
      return ab::ALTER;
    default:
      return !facts.source_partner_id.empty() &&
                     facts.source_partner_id != peer.partner->id()
                 ? ab::DISCLOSE
                 : ab::CONSULT;
  }
}

}  // namespace

std::string PeerIp(absl::string_view grpc_peer) {
  absl::string_view rest = grpc_peer;
  if (!absl::ConsumePrefix(&rest, "ipv4:") &&
      !absl::ConsumePrefix(&rest, "ipv6:")) {
    return "";
  }
  if (absl::ConsumePrefix(&rest, "[")) {
    return std::string(rest.substr(0, rest.find(']')));
  }
  return std::string(rest.substr(0, rest.rfind(':')));
}

absl::Status CallAuditor::RecordCall(
    absl::string_view method, const AuthenticatedPeer& peer, absl::Time now,
    const policy::Decision* decision, const CallFacts& facts,
    const absl::Status& status, absl::string_view peer_address,
    const store::RecordWrite* write) const {
  return Commit(
      EventForCall(method, peer, now, decision, facts, status, peer_address),
      write);
}

void CallAuditor::RecordCallAsync(
    absl::string_view method, const AuthenticatedPeer& peer, absl::Time now,
    const policy::Decision* decision, const CallFacts& facts,
    const absl::Status& status, absl::string_view peer_address,
    const store::RecordWrite* write,
    absl::AnyInvocable<void(absl::Status) &&> done) const {
  log_->AppendAsync(
      EventForCall(method, peer, now, decision, facts, status, peer_address),
      write, [done = std::move(done)](absl::StatusOr<uint64_t> index) mutable {
        std::move(done)(index.status());
      });
}

ab::AuditEvent CallAuditor::EventForCall(
    absl::string_view method, const AuthenticatedPeer& peer, absl::Time now,
    const policy::Decision* decision, const CallFacts& facts,
    const absl::Status& status, absl::string_view peer_address) const {
  ab::AuditEvent event;
  event.set_event_id(audit::NewEventId(now));
  event.set_time_unix_ms(absl::ToUnixMillis(now));
  event.set_method(std::string(method));
  SetActor(peer, event.mutable_actor());
  event.mutable_actor()->set_ip(std::string(peer_address));
  const policy::Policy& policy = *peer.policy;
  event.set_regime(IsPolicePartner(policy, peer.partner->id()) ||
                           IsPolicePartner(policy, facts.source_partner_id)
                       ? pb::LegalBasis::DPA_PART3
                       : pb::LegalBasis::UK_GDPR);

  ab::AuditObject& object = *event.mutable_object();
  object.set_record(facts.record);
  object.set_id(facts.object_id);
  object.set_referral_id(facts.referral_id);
  object.set_subject_pseudonym(pseudonymizer_->Pseudonym(facts.subject_id));
  object.set_source_partner_id(facts.source_partner_id);
  event.set_purpose(facts.purpose);
  event.set_justification(facts.justification);
  if (facts.tier != pb::SecurityMarking::TIER_UNSPECIFIED) {
    event.mutable_marking()->set_tier(facts.tier);
    event.mutable_marking()->set_sensitive(facts.sensitive);
  }
  SetDecision(&peer, decision, &event);

  if (decision == nullptr) {
    event.set_operation(ab::REFUSED);
  } else if (!decision->allowed) {
    event.set_operation(ab::POLICY_DENY);
  } else {
    const ab::Operation operation = OperationFor(peer, facts);
    event.set_operation(operation);
    if (status.ok() && !facts.fields.empty()) {
      for (const std::string& field : facts.fields) event.add_fields(field);
    } else if (status.ok() && decision->rule != nullptr) {
      // The field paths the rule releases: names, never values.
      const auto& fields = decision->rule->flow != nullptr
                               ? decision->rule->flow->allowed_fields()
                               : decision->rule->standing->allowed_fields();
      *event.mutable_fields() = fields;
    }
    for (const auto& [partner, principal] : facts.recipients) {
      ab::Recipient& r = *event.add_recipients();
      r.set_partner_id(partner);
      r.set_principal_id(principal);
    }
    if (operation == ab::DISCLOSE && facts.recipients.empty()) {
      ab::Recipient& r = *event.add_recipients();
      r.set_partner_id(peer.partner->id());
      r.set_principal_id(peer.principal->id());
    }
  }
  event.set_status(absl::StatusCodeToString(status.code()));
  return event;
}

absl::Status CallAuditor::RecordRefusal(absl::string_view method,
                                        absl::string_view cert_sha256,
                                        const AuthenticatedPeer* peer,
                                        const policy::Decision* decision,
                                        absl::Time now,
                                        const absl::Status& status) const {
  ab::AuditEvent event;
  event.set_event_id(audit::NewEventId(now));
  event.set_time_unix_ms(absl::ToUnixMillis(now));
  event.set_method(std::string(method));
  event.set_regime(pb::LegalBasis::UK_GDPR);
  if (peer != nullptr) {
    SetActor(*peer, event.mutable_actor());
    if (IsPolicePartner(*peer->policy, peer->partner->id())) {
      event.set_regime(pb::LegalBasis::DPA_PART3);
    }
  } else {
    event.mutable_actor()->set_cert_sha256(std::string(cert_sha256));
  }
  event.set_operation(decision != nullptr ? ab::POLICY_DENY : ab::LOGIN);
  event.mutable_object()->set_record(
      decision != nullptr ? pb::SERVICE : pb::RECORD_CLASS_UNSPECIFIED);
  SetDecision(peer, decision, &event);
  event.mutable_decision()->set_allowed(false);
  event.set_status(absl::StatusCodeToString(status.code()));
  return Commit(event);
}

absl::Status CallAuditor::Commit(const ab::AuditEvent& event,
                                 const store::RecordWrite* write) const {
  absl::StatusOr<uint64_t> index = log_->Append(event, write);
  return index.status();
}

}  // namespace hub::service
