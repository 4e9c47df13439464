// The flags that say why a referral command is run and under what id:
// --purpose P, --justification TEXT and, for changes, --request-id ID. They
// become the call's RequestContext.
#ifndef HUB_CLIENT_COMMANDS_CONTEXT_OPTIONS_H_
#define HUB_CLIENT_COMMANDS_CONTEXT_OPTIONS_H_

#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/hub_client.h"
#include "proto/hub.pb.h"

namespace hub::client {

class ContextOptions {
 public:
  // Adds --purpose and --justification to `command`, which must outlive
  // this; with `with_request_id` (a mutating command) also --request-id.
  void Register(CLI::App* command, bool with_request_id);

  // Without --purpose, asks for `purpose` instead of the caller's role's
  // usual purpose (e.g. CTLP_BRIEFING for briefings).
  void SetDefaultPurpose(prevent::policy::v1::Purpose purpose) {
    default_purpose_ = purpose;
  }

  // Checks the flags without asking the hub. INVALID_ARGUMENT naming the
  // flag if --purpose is not a Purpose or --request-id is malformed.
  absl::Status Validate() const;

  // The context for the call: --purpose, or if none was given the default
  // purpose set, or else the default for the caller's roles
  // (DefaultReferralPurpose; asks the hub WhoAmI);
  // --justification; and for a mutating command --request-id or a fresh
  // one. Fails as Validate() does, or with the hub's explained status.
  absl::StatusOr<prevent::hub::v1::RequestContext> Resolve(
      HubClient& client) const;

 private:
  bool with_request_id_ = false;
  CLI::Option* request_id_option_ = nullptr;  // null unless with_request_id
  prevent::policy::v1::Purpose default_purpose_ =
      prevent::policy::v1::PURPOSE_UNSPECIFIED;
  std::string purpose_;
  std::string justification_;
  std::string request_id_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_CONTEXT_OPTIONS_H_
