// hubctl whoami [--json]: who the hub takes you to be (principal, partner,
// roles, areas, and your certificate's identity and expiry).
#ifndef HUB_CLIENT_COMMANDS_WHOAMI_COMMAND_H_
#define HUB_CLIENT_COMMANDS_WHOAMI_COMMAND_H_

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"

namespace hub::client {

class WhoAmICommand {
 public:
  // Registers the subcommand and its flags on `app`, which must outlive this.
  explicit WhoAmICommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }

  // Asks the hub and prints the answer to env.out. Returns the failure,
  // explained, if the hub cannot be reached or refuses.
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_WHOAMI_COMMAND_H_
