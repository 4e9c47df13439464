// hubctl audit verify [--bundle FILE]
// Without --bundle: fetches the hub's latest signed checkpoint and proves
// that every checkpoint this client holds is a prefix of it and every event
// it fetched is included in it. With --bundle: checks an export offline
// (signature, then each event's inclusion proof). Exit 4 with a message
// saying what failed if anything does not verify.
#ifndef HUB_CLIENT_COMMANDS_AUDIT_VERIFY_COMMAND_H_
#define HUB_CLIENT_COMMANDS_AUDIT_VERIFY_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "common/ed25519.h"
#include "proto/hub.pb.h"

namespace hub::client {

class AuditVerifyCommand {
 public:
  // Registers `verify` under `audit`, which must outlive this.
  explicit AuditVerifyCommand(CLI::App& audit);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  std::string bundle_;
};

// Checks `bundle` against the hub's audit key: the checkpoint's signature and
// every record's inclusion proof. Returns the number of events verified, or
// DATA_LOSS naming the first that fails.
absl::StatusOr<int> VerifyBundle(const prevent::hub::v1::AuditBundle& bundle,
                                 const common::Ed25519PublicKey& key);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_AUDIT_VERIFY_COMMAND_H_
