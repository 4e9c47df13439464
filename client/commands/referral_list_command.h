// hubctl referral list [--state STATE] [--purpose P] [--justification TEXT]
//   [--limit N] [--json]: the referrals the policy lets you see for the
// purpose (your own as referrer; your areas' as coordinator, gateway or
// MASH), by reference and status only. `referral show` gives one in full.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_LIST_COMMAND_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_LIST_COMMAND_H_

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "client/commands/command_env.h"
#include "client/commands/context_options.h"
#include "proto/hub.pb.h"

namespace hub::client {

class ReferralListCommand {
 public:
  // Registers `list` under `referral`, which must outlive this.
  explicit ReferralListCommand(CLI::App& referral);

  bool selected() const { return command_->parsed(); }
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* command_;
  ContextOptions context_;
  std::string state_;
  int limit_ = 0;
  bool json_ = false;
};

// Prints `answer` as a table: REFERENCE, STATE, STATUS, RECEIVED (UTC),
// AREA, FLAGS ("repeat" for the repeat-referral assurance flag), with "-"
// where the projection left a field empty, and a closing line saying
// whether more matched than the limit.
void PrintReferralTable(const prevent::hub::v1::ListReferralsResponse& answer,
                        std::ostream& out);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_LIST_COMMAND_H_
