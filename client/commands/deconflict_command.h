// hubctl deconflict --referral REF --surname S --forenames F --dob D
// [--postcode P] [--nhs-number N] [--alias A ...] --justification TEXT
// [--json]: for the CT gateway, the hub's prior-record check of the person,
// as a table of candidates with the reasons they matched; for everyone else
// (the council, the MASH), the referral's deconfliction status and routing
// outcome. `hubctl deconflict outcome` records the gateway's outcome.
#ifndef HUB_CLIENT_COMMANDS_DECONFLICT_COMMAND_H_
#define HUB_CLIENT_COMMANDS_DECONFLICT_COMMAND_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"
#include "client/commands/deconflict_outcome_command.h"

namespace hub::client {

class DeconflictCommand {
 public:
  // Registers `deconflict` and `deconflict outcome` on `app`, which must
  // outlive this.
  explicit DeconflictCommand(CLI::App& app);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;  // first: `outcome` registers under it
  DeconflictOutcomeCommand outcome_;
  ContextOptions context_;
  std::string referral_;
  std::string surname_;
  std::string forenames_;
  std::string dob_;
  std::string postcode_;
  std::string nhs_number_;
  std::vector<std::string> aliases_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_DECONFLICT_COMMAND_H_
