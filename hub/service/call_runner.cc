#include "hub/service/call_runner.h"

#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "hub/service/peer_auth_processor.h"

namespace hub::service {

namespace pb = ::prevent::policy::v1;

absl::Status NotFound(policy::RecordClass record, absl::string_view id) {
  std::string kind = absl::AsciiStrToLower(pb::RecordClass_Name(record));
  if (record == pb::ACCESS || record == pb::IDENTITY) kind = "principal";
  return absl::NotFoundError(absl::StrCat(
      "no ", kind, " '", id,
      "' that you may see; check the id, or ask your coordinator whether "
      "the partnership's agreements cover it"));
}

policy::Decision DecideFor(const AuthenticatedPeer& peer, policy::Action action,
                           const policy::Resource& resource,
                           policy::Purpose purpose, bool has_justification,
                           absl::Time now) {
  policy::Request request;
  request.principal = peer.principal;
  request.partner = peer.partner;
  request.action = action;
  request.resource = resource;
  request.purpose = purpose;
  request.context.has_justification = has_justification;
  request.context.now = now;
  return policy::Decide(*peer.policy, request);
}

absl::Status Call::Authorize(policy::Action action,
                             const policy::Resource& resource,
                             const prevent::hub::v1::RequestContext& context,
                             Visibility visibility) {
  decision_ = DecideFor(peer_, action, resource, context.purpose(),
                        !context.justification().empty(), now_);
  audit_.action = action;
  audit_.record = resource.record;
  audit_.object_id = std::string(resource.id);
  audit_.source_partner_id = std::string(resource.source_partner_id);
  audit_.tier = resource.tier;
  audit_.sensitive = resource.sensitive;
  audit_.purpose = context.purpose();
  audit_.justification = context.justification();
  if (decision_->allowed) return absl::OkStatus();
  if (visibility == Visibility::kHidden) {
    return NotFound(resource.record, resource.id);
  }
  return absl::PermissionDeniedError(
      absl::StrCat("the partnership's policy does not allow you to ",
                   absl::AsciiStrToLower(pb::Action_Name(action)), " this ",
                   absl::AsciiStrToLower(pb::RecordClass_Name(resource.record)),
                   " record for purpose ", pb::Purpose_Name(context.purpose()),
                   "; `hubctl policy explain` shows why"));
}

grpc::Status CallRunner::Run(
    absl::string_view method, grpc::ServerContext* context,
    absl::FunctionRef<absl::Status(Call&)> body) const {
  // Latency is measured on the monotonic clock; it is only logged.
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<AuthenticatedPeer> peer =
      identity_->Authenticate(PeerCertificatePem(*context->auth_context()));
  absl::Status status = peer.status();
  std::optional<Call> call;
  if (peer.ok()) {
    call.emplace(*peer, clock_->Now());
    status = body(*call);
    if (status.ok() && call->decision() == nullptr) {
      // A handler that skipped the policy engine releases nothing.
      status = absl::InternalError("the call was not decided by the policy");
    }
    // Durable before anything leaves: if the event cannot be written, the
    // response is dropped and the call fails (fail closed).
    absl::Status audited = auditor_->RecordCall(
        method, *peer, call->now(), call->decision(), call->audit_facts(),
        status, PeerIp(context->peer()), status.ok() ? call->write() : nullptr);
    if (!audited.ok()) status = audited;
  }
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  const policy::Decision* decision = call ? call->decision() : nullptr;
  common::LogLine(
      status.ok() ? common::Severity::kInfo : common::Severity::kWarning, "rpc")
      .Add("method", method)
      .Add("principal", peer.ok() ? peer->principal->id() : "-")
      .Add("partner", peer.ok() ? peer->partner->id() : "-")
      .Add("decision", decision == nullptr ? "-"
                       : decision->allowed ? "ALLOW"
                                           : "DENY")
      .Add("reason",
           decision == nullptr ? "-" : pb::ReasonCode_Name(decision->reason))
      .Add("rule", decision == nullptr || decision->rule == nullptr ? "-"
                   : decision->agreement_id().empty()
                       ? std::string(decision->rule_id())
                       : absl::StrCat(decision->agreement_id(), "/",
                                      decision->rule_id()))
      .Add("status", absl::StatusCodeToString(status.code()))
      .Add("latency_us", static_cast<int64_t>(micros));
  return common::ToGrpcStatus(status);
}

}  // namespace hub::service
