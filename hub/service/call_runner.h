// CallRunner runs the body of every RPC handler the same way: identify the
// caller (PeerIdentity), run the body, which must ask the policy engine
// (Call::Authorize) before it does any work, commit the call's audit event
// (allowed or denied) before anything is released, convert its absl::Status
// for gRPC and write the call's one structured log line (method, principal,
// decision, rule, status, latency; never request content). A body that
// returns without a policy decision fails with INTERNAL, so no RPC can be
// served undecided; a call whose audit event cannot be written fails with
// UNAVAILABLE, so nothing is released unaudited. Thread-safe.
#ifndef HUB_SERVICE_CALL_RUNNER_H_
#define HUB_SERVICE_CALL_RUNNER_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "hub/service/call_auditor.h"
#include "hub/service/in_flight_limit.h"
#include "hub/service/peer_identity.h"
#include "hub/service/record_locks.h"
#include "hub/service/worker_pool.h"
#include "hub/store/record_store.h"
#include "policy/decide.h"
#include "proto/audit.pb.h"
#include "proto/hub.pb.h"

namespace hub::service {

// Whether the caller may learn that the resource exists. A hidden resource
// that the policy denies is reported exactly as a missing one (NOT_FOUND).
enum class Visibility { kKnownToCaller, kHidden };

// The status for a record that does not exist, or that the caller may not
// know exists: the same words either way.
absl::Status NotFound(policy::RecordClass record, absl::string_view id);

// Asks the engine, against the policy snapshot `peer` was identified with,
// whether `peer` may do `action` on `resource` for `purpose` at `now`. The
// one way hub/service builds a policy::Request for a caller.
policy::Decision DecideFor(const AuthenticatedPeer& peer, policy::Action action,
                           const policy::Resource& resource,
                           policy::Purpose purpose, bool has_justification,
                           absl::Time now);

// One call in progress: who is calling, the policy's decision once made, and
// what the call's audit event will say.
class Call {
 public:
  Call(AuthenticatedPeer peer, absl::Time now)
      : peer_(std::move(peer)), now_(now) {}

  const AuthenticatedPeer& peer() const { return peer_; }
  absl::Time now() const { return now_; }

  // Asks the engine whether the caller may do `action` on `resource` for the
  // purpose (and with the justification) in `context`. OK with the decision
  // kept for fields(), the audit event and the log line; otherwise
  // PERMISSION_DENIED, or for a kHidden resource NotFound().
  absl::Status Authorize(policy::Action action,
                         const policy::Resource& resource,
                         const prevent::hub::v1::RequestContext& context,
                         Visibility visibility);

  // The last decision; null before Authorize() is called.
  const policy::Decision* decision() const {
    return decision_ ? &*decision_ : nullptr;
  }
  // Turns the allowing decision into a denial for `reason`: a limit the hub
  // enforces beyond the rule (e.g. QUERY_LIMIT_EXCEEDED). The call is
  // audited as POLICY_DENY with that reason.
  // REQUIRES: Authorize() has been called.
  void Refuse(prevent::policy::v1::ReasonCode reason) {
    decision_->allowed = false;
    decision_->reason = reason;
  }
  // Refuses an allowed call for a limit the hub sets beyond the rule (the
  // role that makes a step, the purpose a call serves): audited as
  // POLICY_DENY for `reason`, answered PERMISSION_DENIED with `message`.
  // REQUIRES: Authorize() has been called.
  absl::Status Deny(prevent::policy::v1::ReasonCode reason,
                    absl::string_view message) {
    Refuse(reason);
    return absl::PermissionDeniedError(message);
  }
  // Marks an allowed call for review in the audit log (e.g.
  // BULK_QUERY_FLAGGED): the event's decision carries `reason`.
  // REQUIRES: Authorize() has been called.
  void Flag(prevent::policy::v1::ReasonCode reason) {
    decision_->reason = reason;
  }

  // What the last allowing decision releases.
  // REQUIRES: Authorize() has been called.
  const policy::Projection& fields() const { return decision_->fields(); }

  // Facts for the audit event that only the handler knows. By default the
  // operation follows the action: SEND is COLLECT, UPDATE is ALTER, and a
  // read is DISCLOSE to the caller when the record's source is another
  // partner, else CONSULT.
  void SetOperation(prevent::audit::v1::Operation operation) {
    audit_.operation = operation;
  }
  void SetSubject(absl::string_view subject_id) {
    audit_.subject_id = std::string(subject_id);
  }
  void SetReferral(absl::string_view referral_id) {
    audit_.referral_id = std::string(referral_id);
  }
  void SetFields(std::vector<std::string> fields) {
    audit_.fields = std::move(fields);
  }
  void AddRecipient(absl::string_view partner_id,
                    absl::string_view principal_id) {
    audit_.recipients.emplace_back(partner_id, principal_id);
  }

  // The call's data change, committed in the same transaction as its audit
  // event if the handler returns OK (TESTING I4), and dropped otherwise.
  void SetWrite(store::RecordWrite write) { write_ = std::move(write); }
  const store::RecordWrite* write() const {
    return write_ ? &*write_ : nullptr;
  }

  // Keeps `lock` held until the call's event (and write) is committed, so
  // a read-check-write sequence on one record is not interleaved.
  void Hold(RecordLock lock) { held_.push_back(std::move(lock)); }

  const CallFacts& audit_facts() const { return audit_; }
  bool holds_locks() const { return !held_.empty(); }

 private:
  const AuthenticatedPeer peer_;
  const absl::Time now_;
  std::optional<policy::Decision> decision_;
  CallFacts audit_;
  std::optional<store::RecordWrite> write_;
  std::vector<RecordLock> held_;
};

class CallRunner {
 public:
  // Calls held at once between their arrival and their audit commit by
  // default; ~1 KiB each, and at the hub's commit rate a fraction of a
  // second's work.
  static constexpr int kDefaultMaxInFlight = 1024;
  // Threads that run the handlers that may wait (RunOnWorker, Post). They
  // wait only for record locks and checkpoints, never for their own commit
  // (except a stream's), so a few dozen keep two cores busy.
  static constexpr int kDefaultWorkers = 32;

  // `identity`, `auditor` and `clock` must outlive the runner.
  CallRunner(const PeerIdentity* identity, const CallAuditor* auditor,
             const common::Clock* clock,
             int max_in_flight = kDefaultMaxInFlight,
             int workers = kDefaultWorkers)
      : identity_(identity),
        auditor_(auditor),
        clock_(clock),
        in_flight_(max_in_flight),
        workers_(workers) {}

  // Identifies the caller of `context` and, if that succeeds, runs `body`
  // on the calling thread. Returns a reactor that finishes the call with
  // the body's status, or the identification failure, once the call's
  // audit event is durable: no thread waits for the commit. `method` must
  // outlive the call (a literal). With max_in_flight calls already held,
  // refuses the call at once with RESOURCE_EXHAUSTED (kHubBusyMessage),
  // neither running nor auditing it. `body` runs on one of gRPC's few
  // callback threads, so it must not wait for another call: a body that
  // takes a record lock fails with INTERNAL (use RunOnWorker).
  grpc::ServerUnaryReactor* Run(
      absl::string_view method, grpc::CallbackServerContext* context,
      absl::FunctionRef<absl::Status(Call&)> body) const;

  // The same for a body that may wait for another call's commit (it takes
  // a record lock, held until its holder's commit, or asks for a checkpoint
  // to be signed): `body` runs later on one of the runner's worker threads,
  // so it must own or point to what it uses (the request and response live
  // until the call is finished), never refer to the handler's locals.
  grpc::ServerUnaryReactor* RunOnWorker(
      absl::string_view method, grpc::CallbackServerContext* context,
      absl::AnyInvocable<absl::Status(Call&)> body) const;

  // For a stream's reactor: runs `task` on a worker thread and returns
  // true; or, with max_in_flight calls already held, returns false and
  // runs nothing (finish the stream with Busy()).
  bool Post(absl::AnyInvocable<void() &&> task) const;

  // For a stream, on a worker thread (inside a task given to Post): as
  // Run, but waits for the audit commit and returns the status.
  grpc::Status RunAndWait(absl::string_view method,
                          grpc::ServerContextBase* context,
                          absl::FunctionRef<absl::Status(Call&)> body) const;

  // The status of a call refused because the hub holds its limit of calls.
  static grpc::Status Busy();

 private:
  struct Started;
  // Identifies the caller and runs `body`; `call` is empty if the caller
  // was not identified.
  Started Start(grpc::ServerContextBase* context,
                absl::FunctionRef<absl::Status(Call&)> body) const;
  // Takes an in-flight slot for a unary call; or refuses it, finishing
  // `reactor` with Busy(), and returns false.
  bool Admit(absl::string_view method, grpc::ServerUnaryReactor* reactor) const;
  // Audits `started` and finishes `reactor` once its event is durable;
  // releases the in-flight slot the call holds.
  void Complete(absl::string_view method, grpc::CallbackServerContext* context,
                grpc::ServerUnaryReactor* reactor, Started started) const;

  const PeerIdentity* const identity_;
  const CallAuditor* const auditor_;
  const common::Clock* const clock_;
  mutable InFlightLimit in_flight_;
  // Last member: destroyed first, so its threads finish their tasks while
  // everything above is still alive.
  mutable WorkerPool workers_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_CALL_RUNNER_H_
