// hubctl sync [--json] [--batch-size N]: sends the writes queued while the
// hub was out of reach, then brings the offline cache up to date with what
// you may hold, deleting what you may no longer hold and attesting each
// briefing purge (docs/offline.md). Shows progress on a terminal.
#ifndef HUB_CLIENT_COMMANDS_SYNC_COMMAND_H_
#define HUB_CLIENT_COMMANDS_SYNC_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"

namespace hub::client {

class SyncCommand {
 public:
  // Registers the subcommand and its flags on `app`, which must outlive this.
  explicit SyncCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  bool json_ = false;
  int batch_size_ = 0;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_SYNC_COMMAND_H_
