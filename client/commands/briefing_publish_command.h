// hubctl briefing publish FILE [--supersedes ID] [--request-id ID] [--json]:
// the CTLP owner publishes a briefing draft (prevent.records.v1.BriefingDraft
// as text format or JSON), optionally in place of an earlier one. The hub
// names each recipient; this prints how many of each audience were queued.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_PUBLISH_COMMAND_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_PUBLISH_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class BriefingPublishCommand {
 public:
  // Registers `publish` under `briefing`, which must outlive this.
  explicit BriefingPublishCommand(CLI::App& briefing);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string file_;
  std::string supersedes_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_PUBLISH_COMMAND_H_
