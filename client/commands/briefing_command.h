// hubctl briefing publish|withdraw|list|read|ack|purge|status: CTLP
// briefings (BriefingService), each subcommand in its own file. Commands ask
// for purpose CTLP_BRIEFING unless --purpose says otherwise (status: for
// AUDIT_AND_ASSURANCE).
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/briefing_copy_command.h"
#include "client/commands/briefing_list_command.h"
#include "client/commands/briefing_publish_command.h"
#include "client/commands/briefing_read_command.h"
#include "client/commands/briefing_status_command.h"
#include "client/commands/briefing_withdraw_command.h"
#include "client/commands/command_env.h"

namespace hub::client {

class BriefingCommand {
 public:
  // Registers `briefing` and its subcommands on `app`, which must outlive
  // this.
  explicit BriefingCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  // Runs the chosen subcommand.
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;  // first: the subcommands below register under it
  BriefingPublishCommand publish_;
  BriefingWithdrawCommand withdraw_;
  BriefingListCommand list_;
  BriefingReadCommand read_;
  BriefingCopyCommand ack_;
  BriefingCopyCommand purge_;
  BriefingStatusCommand status_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_COMMAND_H_
