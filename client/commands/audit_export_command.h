// hubctl audit export (--subject REF | --partner ID | --denials) [--since T]
//   [--until T] [--limit N] --out FILE
// Writes the events an audit query returns, the hub's signed checkpoint and
// each event's inclusion proof to FILE (JSON), for `hubctl audit verify
// --bundle FILE` to check offline, e.g. by the ICO (AQ10).
#ifndef HUB_CLIENT_COMMANDS_AUDIT_EXPORT_COMMAND_H_
#define HUB_CLIENT_COMMANDS_AUDIT_EXPORT_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/audit_selector.h"
#include "client/commands/command_env.h"

namespace hub::client {

class AuditExportCommand {
 public:
  // Registers `export` under `audit`, which must outlive this.
  explicit AuditExportCommand(CLI::App& audit);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  AuditSelector selector_;
  std::string out_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_AUDIT_EXPORT_COMMAND_H_
