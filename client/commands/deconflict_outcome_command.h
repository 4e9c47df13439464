// hubctl deconflict outcome --referral REF --query ID --police-result R
// --routing-outcome O [--request-id ID] [--json]: the CT gateway records the
// outcome of its checks against one it ran on the referral. The police
// result stays with the police; the routing outcome is shared with the
// council and the MASH.
#ifndef HUB_CLIENT_COMMANDS_DECONFLICT_OUTCOME_COMMAND_H_
#define HUB_CLIENT_COMMANDS_DECONFLICT_OUTCOME_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"

namespace hub::client {

class DeconflictOutcomeCommand {
 public:
  // Registers `outcome` under `deconflict`, which must outlive this.
  explicit DeconflictOutcomeCommand(CLI::App& deconflict);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string referral_;
  std::string query_id_;
  std::string police_result_;
  std::string routing_outcome_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_DECONFLICT_OUTCOME_COMMAND_H_
