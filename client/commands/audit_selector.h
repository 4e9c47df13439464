// The flags that choose what an audit query asks (hubctl audit query and
// audit export): --subject REF (AQ1) | --partner ID (AQ2) | --denials (AQ3),
// --since T, --until T (YYYY-MM-DD or RFC 3339, UTC), --limit N.
#ifndef HUB_CLIENT_COMMANDS_AUDIT_SELECTOR_H_
#define HUB_CLIENT_COMMANDS_AUDIT_SELECTOR_H_

#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/audit_trust.h"
#include "client/commands/command_env.h"
#include "client/hub_client.h"
#include "proto/hub.pb.h"

namespace hub::client {

// A query asked of the hub: what this profile holds of the log, the
// connection it used, and the hub's answer.
struct AuditQueryRun {
  AuditTrust trust;
  std::unique_ptr<HubClient> client;
  prevent::hub::v1::AuditQueryResponse answer;
};

class AuditSelector {
 public:
  // Adds the flags to `command`, which must outlive this.
  void Register(CLI::App* command);

  // The request the flags describe; INVALID_ARGUMENT naming the flag if one
  // is wrong or none of --subject, --partner, --denials is given.
  absl::StatusOr<prevent::hub::v1::AuditQueryRequest> Build() const;

  // Builds the request, loads the profile and its audit trust, and asks the
  // hub.
  absl::StatusOr<AuditQueryRun> Run(const CommandEnv& env) const;

 private:
  std::string subject_;
  std::string partner_;
  bool denials_ = false;
  std::string since_;
  std::string until_;
  int limit_ = 0;
  std::string justification_;
};

// Parses "YYYY-MM-DD" (midnight UTC) or RFC 3339 ("2026-11-21T10:00:00Z").
// `end_of_day` makes a bare date mean its last millisecond (for --until).
absl::StatusOr<absl::Time> ParseAuditTime(absl::string_view text,
                                          bool end_of_day);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_AUDIT_SELECTOR_H_
