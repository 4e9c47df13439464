// hubctl policy explain --as PRINCIPAL --action A --resource R --purpose P
//   [--source PARTNER] [--owner PRINCIPAL] [--addressed-to PARTNER]
//   [--area AREA] [--state STATE] [--audience AUDIENCE] [--marking M]
//   [--fact F]... [--json]
// Asks the hub what the partnership's policy decides for that principal and
// why: the decision, the agreement and rule cited (or the reason for a deny)
// and the fields released. R is a record class (CASE, BRIEFING, IDENTITY,
// ACCESS, SERVICE) described by the attribute flags; --as defaults to you.
#ifndef HUB_CLIENT_COMMANDS_POLICY_EXPLAIN_COMMAND_H_
#define HUB_CLIENT_COMMANDS_POLICY_EXPLAIN_COMMAND_H_

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/commands/command_env.h"
#include "proto/hub.pb.h"

namespace hub::client {

class PolicyExplainCommand {
 public:
  // Registers `policy explain` and its flags on `app`, which must outlive
  // this.
  explicit PolicyExplainCommand(CLI::App& app);

  bool selected() const { return explain_->parsed(); }

  // Builds the request from the flags; INVALID_ARGUMENT naming the flag and
  // the accepted values if one is wrong.
  absl::StatusOr<prevent::hub::v1::ExplainRequest> BuildRequest() const;

  // Asks the hub and prints the answer to env.out.
  absl::Status Run(const CommandEnv& env) const;

 private:
  CLI::App* policy_;
  CLI::App* explain_;
  std::string as_;
  std::string action_;
  std::string resource_;
  std::string purpose_;
  std::string id_;
  std::string source_;
  std::string owner_;
  std::string addressed_to_;
  std::string area_;
  std::string state_;
  std::string audience_;
  std::string marking_;
  std::vector<std::string> facts_;
  bool json_ = false;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_POLICY_EXPLAIN_COMMAND_H_
