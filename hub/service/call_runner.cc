#include "hub/service/call_runner.h"

#include <chrono>
#include <memory>
#include <utility>

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

struct CallRunner::Started {
  std::chrono::steady_clock::time_point start;
  std::unique_ptr<Call> call;  // null if the caller was not identified
  absl::Status status;
};

namespace {

// The call's one structured log line; never request content. Latency is
// measured on the monotonic clock; it is only logged.
void LogCall(absl::string_view method, const Call* call,
             const absl::Status& status,
             std::chrono::steady_clock::time_point start) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  const policy::Decision* decision = call ? call->decision() : nullptr;
  common::LogLine(
      status.ok() ? common::Severity::kInfo : common::Severity::kWarning, "rpc")
      .Add("method", method)
      .Add("principal", call ? call->peer().principal->id() : "-")
      .Add("partner", call ? call->peer().partner->id() : "-")
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
}

}  // namespace

CallRunner::Started CallRunner::Start(
    grpc::ServerContextBase* context,
    absl::FunctionRef<absl::Status(Call&)> body) const {
  Started started;
  started.start = std::chrono::steady_clock::now();
  absl::StatusOr<AuthenticatedPeer> peer =
      identity_->Authenticate(PeerCertificatePem(*context->auth_context()));
  if (!peer.ok()) {
    started.status = peer.status();
    return started;
  }
  started.call = std::make_unique<Call>(*std::move(peer), clock_->Now());
  started.status = body(*started.call);
  if (started.status.ok() && started.call->decision() == nullptr) {
    // A handler that skipped the policy engine releases nothing.
    started.status =
        absl::InternalError("the call was not decided by the policy");
  }
  return started;
}

grpc::Status CallRunner::Busy() {
  return common::ToGrpcStatus(
      absl::ResourceExhaustedError(common::kHubBusyMessage));
}

bool CallRunner::Admit(absl::string_view method,
                       grpc::ServerUnaryReactor* reactor) const {
  if (in_flight_.TryAcquire()) return true;
  LogCall(method, nullptr,
          absl::ResourceExhaustedError(common::kHubBusyMessage),
          std::chrono::steady_clock::now());
  reactor->Finish(Busy());
  return false;
}

grpc::ServerUnaryReactor* CallRunner::Run(
    absl::string_view method, grpc::CallbackServerContext* context,
    absl::FunctionRef<absl::Status(Call&)> body) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!Admit(method, reactor)) return reactor;
  Started started = Start(context, body);
  if (started.call != nullptr && started.call->holds_locks() &&
      started.status.ok()) {
    // Waiting for a record lock, held until its holder's commit, would
    // hold up one of gRPC's few callback threads: such a body belongs on
    // the workers (RunOnWorker; decision 0009).
    started.status = absl::InternalError(
        "a call that locks a record must run on the hub's workers");
  }
  Complete(method, context, reactor, std::move(started));
  return reactor;
}

grpc::ServerUnaryReactor* CallRunner::RunOnWorker(
    absl::string_view method, grpc::CallbackServerContext* context,
    absl::AnyInvocable<absl::Status(Call&)> body) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!Admit(method, reactor)) return reactor;
  workers_.Run(
      [this, method, context, reactor, body = std::move(body)]() mutable {
        Complete(method, context, reactor,
                 Start(context, [&body](Call& call) { return body(call); }));
      });
  return reactor;
}

void CallRunner::Complete(absl::string_view method,
                          grpc::CallbackServerContext* context,
                          grpc::ServerUnaryReactor* reactor,
                          Started started) const {
  if (started.call == nullptr) {
    in_flight_.Release();
    LogCall(method, nullptr, started.status, started.start);
    reactor->Finish(common::ToGrpcStatus(started.status));
    return;
  }
  // Durable before anything leaves: the reactor finishes only once the
  // event is committed, and if it cannot be written the response is
  // dropped and the call fails (fail closed). The call (its write and its
  // record locks) lives until then.
  const Call& call = *started.call;
  const absl::Status status = started.status;
  auditor_->RecordCallAsync(
      method, call.peer(), call.now(), call.decision(), call.audit_facts(),
      status, PeerIp(context->peer()), status.ok() ? call.write() : nullptr,
      [this, method, reactor,
       started = std::move(started)](absl::Status audited) mutable {
        if (!audited.ok()) started.status = audited;
        LogCall(method, started.call.get(), started.status, started.start);
        const grpc::Status finished = common::ToGrpcStatus(started.status);
        started.call.reset();  // releases its record locks
        in_flight_.Release();
        reactor->Finish(finished);
      });
}

bool CallRunner::Post(absl::AnyInvocable<void() &&> task) const {
  if (!in_flight_.TryAcquire()) return false;
  workers_.Run([this, task = std::move(task)]() mutable {
    std::move(task)();
    in_flight_.Release();
  });
  return true;
}

grpc::Status CallRunner::RunAndWait(
    absl::string_view method, grpc::ServerContextBase* context,
    absl::FunctionRef<absl::Status(Call&)> body) const {
  Started started = Start(context, body);
  if (started.call != nullptr) {
    // Durable before anything leaves (see above).
    const Call& call = *started.call;
    absl::Status audited = auditor_->RecordCall(
        method, call.peer(), call.now(), call.decision(), call.audit_facts(),
        started.status, PeerIp(context->peer()),
        started.status.ok() ? call.write() : nullptr);
    if (!audited.ok()) started.status = audited;
  }
  LogCall(method, started.call.get(), started.status, started.start);
  return common::ToGrpcStatus(started.status);
}

}  // namespace hub::service
