// hubctl referral transition REF --to STATE --reason TEXT
//   [--routing-outcome O] [--paf-code C] [--pcm-transfer] [--purpose P]
//   [--justification TEXT] [--request-id ID] [--json]: moves a referral to a
// named state, if the transition table lets your role make that move.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_TRANSITION_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_TRANSITION_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"
#include "proto/hub.pb.h"

namespace hub::client {

class ReferralTransitionCommand {
 public:
  // Registers `transition` under `referral`, which must outlive this.
  explicit ReferralTransitionCommand(CLI::App& referral);

  bool selected() const { return command_->parsed(); }

  // Prints "REF is now STATE", or the failure explained, with the request
  // id to retry with when the outcome is unknown.
  absl::Status Run(const CommandEnv& env) const;

 private:
  // The request the flags describe, without its context; INVALID_ARGUMENT
  // naming the flag if a value is not one of its enum's names.
  absl::StatusOr<prevent::hub::v1::TransitionReferralRequest> Build() const;

  CLI::App* command_;
  ContextOptions context_;
  std::string referral_;
  std::string to_;
  std::string reason_;
  std::string routing_outcome_;
  std::string paf_code_;
  bool pcm_transfer_ = false;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_TRANSITION_COMMAND_H_
