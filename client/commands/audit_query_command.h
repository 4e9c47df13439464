// hubctl audit query (--subject REF | --partner ID | --denials) [--since T]
//   [--until T] [--limit N] [--justification TEXT] [--json]
// Runs AQ1, AQ2 or AQ3 (SPEC §2.6) as the policy allows the caller, prints
// the events as a table (or JSON), and remembers each event's leaf hash so
// `hubctl audit verify` can later prove the hub still holds it unchanged.
#ifndef HUB_CLIENT_COMMANDS_AUDIT_QUERY_COMMAND_H_
#define HUB_CLIENT_COMMANDS_AUDIT_QUERY_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/audit_selector.h"
#include "client/commands/command_env.h"

namespace hub::client {

class AuditQueryCommand {
 public:
  // Registers `query` under `audit`, which must outlive this.
  explicit AuditQueryCommand(CLI::App& audit);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  AuditSelector selector_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_AUDIT_QUERY_COMMAND_H_
