// CallAuditor turns a finished call into its audit event (SPEC §3.13) and
// commits it to the AuditLog before the response may leave. It records who
// acted (principal, partner, roles, certificate fingerprint, address), on
// what (record class, id, referral, the subject only as a keyed pseudonym),
// why (purpose, justification), under which clause (agreement, rule, policy
// version), which field names were released (never values), and the
// outcome. Thread-safe.
#ifndef HUB_SERVICE_CALL_AUDITOR_H_
#define HUB_SERVICE_CALL_AUDITOR_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/audit/audit_log.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/service/peer_identity.h"
#include "policy/decide.h"
#include "proto/audit.pb.h"

namespace hub::service {

// What a call's event says beyond who called and what was decided: set by
// Call::Authorize and by the handler.
struct CallFacts {
  policy::Action action = prevent::policy::v1::ACTION_UNSPECIFIED;
  policy::RecordClass record = prevent::policy::v1::RECORD_CLASS_UNSPECIFIED;
  std::string object_id;
  std::string source_partner_id;
  prevent::policy::v1::SecurityMarking::Tier tier =
      prevent::policy::v1::SecurityMarking::TIER_UNSPECIFIED;
  bool sensitive = false;
  policy::Purpose purpose = prevent::policy::v1::PURPOSE_UNSPECIFIED;
  std::string justification;
  std::optional<prevent::audit::v1::Operation> operation;
  std::string subject_id;  // pseudonymised before it is recorded
  std::string referral_id;
  std::vector<std::pair<std::string, std::string>>
      recipients;  // partner, principal
  // The field paths released, when narrower than the rule's (e.g. a list).
  std::vector<std::string> fields;
};

class CallAuditor {
 public:
  // `log` and `pseudonymizer` must outlive the auditor.
  CallAuditor(audit::AuditLog* log, const audit::Pseudonymizer* pseudonymizer)
      : log_(log), pseudonymizer_(pseudonymizer) {}

  // Commits the event of a call by an identified caller that ended with
  // `status`, and with it the call's `write` if not null (one transaction).
  // OK once durable; UNAVAILABLE if it cannot be written.
  absl::Status RecordCall(absl::string_view method,
                          const AuthenticatedPeer& peer, absl::Time now,
                          const policy::Decision* decision,
                          const CallFacts& facts, const absl::Status& status,
                          absl::string_view peer_address,
                          const store::RecordWrite* write = nullptr) const;
  // RecordCall without waiting: `done` receives its status once the event
  // is durable or has failed, on the log's writer thread, and must not
  // block. `write` must stay valid until then.
  void RecordCallAsync(absl::string_view method, const AuthenticatedPeer& peer,
                       absl::Time now, const policy::Decision* decision,
                       const CallFacts& facts, const absl::Status& status,
                       absl::string_view peer_address,
                       const store::RecordWrite* write,
                       absl::AnyInvocable<void(absl::Status) &&> done) const;

  // Commits the event of a call refused before it reached a handler: the
  // certificate named no usable principal (`peer` null; LOGIN, DENY), or the
  // policy refused the service to `peer` (`decision`; POLICY_DENY).
  absl::Status RecordRefusal(absl::string_view method,
                             absl::string_view cert_sha256,
                             const AuthenticatedPeer* peer,
                             const policy::Decision* decision, absl::Time now,
                             const absl::Status& status) const;

  audit::AuditLog& log() const { return *log_; }
  const audit::Pseudonymizer& pseudonymizer() const { return *pseudonymizer_; }

 private:
  prevent::audit::v1::AuditEvent EventForCall(
      absl::string_view method, const AuthenticatedPeer& peer, absl::Time now,
      const policy::Decision* decision, const CallFacts& facts,
      const absl::Status& status, absl::string_view peer_address) const;
  absl::Status Commit(const prevent::audit::v1::AuditEvent& event,
                      const store::RecordWrite* write = nullptr) const;

  audit::AuditLog* const log_;
  const audit::Pseudonymizer* const pseudonymizer_;
};

// "ipv4:127.0.0.1:5000" -> "127.0.0.1"; "ipv6:[::1]:5000" -> "::1".
std::string PeerIp(absl::string_view grpc_peer);

}  // namespace hub::service

#endif  // HUB_SERVICE_CALL_AUDITOR_H_
