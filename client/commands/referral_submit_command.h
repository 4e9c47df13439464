// hubctl referral submit FILE [--request-id ID] [--json]: sends a referral
// (T1) from a JSON or text-format file and prints its reference. Each submit
// carries a request id; repeating it with the same id returns the first
// result, so a submit that failed in transit can be retried safely.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_SUBMIT_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_SUBMIT_COMMAND_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"

namespace hub::client {

class ReferralSubmitCommand {
 public:
  // Registers `submit` under `referral`, which must outlive this.
  explicit ReferralSubmitCommand(CLI::App& referral);

  bool selected() const { return command_->parsed(); }

  // Reads FILE and refuses locally, before any network use, a file that
  // does not parse or that marks an immediate risk (that is a 999 call, not
  // a referral). Then submits it and prints the reference, or the failure
  // explained, with the request id to retry with when the outcome is
  // unknown.
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  CLI::Option* request_id_option_ = nullptr;
  std::string file_;
  std::string request_id_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_SUBMIT_COMMAND_H_
