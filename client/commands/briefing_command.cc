#include "client/commands/briefing_command.h"

namespace hub::client {

BriefingCommand::BriefingCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "briefing",
          "CTLP briefings: publish (CTLP owner), read your rendition, "
          "acknowledge, attest the purge, delivery status")),
      publish_(*command_),
      withdraw_(*command_),
      list_(*command_),
      read_(*command_),
      ack_(*command_, BriefingCopyCommand::kAcknowledge),
      purge_(*command_, BriefingCopyCommand::kAttestPurge),
      status_(*command_) {
  command_->require_subcommand(1);
}

absl::Status BriefingCommand::Run(const CommandEnv& env) const {
  if (publish_.selected()) return publish_.Run(env);
  if (withdraw_.selected()) return withdraw_.Run(env);
  if (list_.selected()) return list_.Run(env);
  if (read_.selected()) return read_.Run(env);
  if (ack_.selected()) return ack_.Run(env);
  if (purge_.selected()) return purge_.Run(env);
  if (status_.selected()) return status_.Run(env);
  return absl::InvalidArgumentError("no briefing command given");
}

}  // namespace hub::client
