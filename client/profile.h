// A user's hubctl profile: DIR/profile.textproto
// (prevent.config.v1.ClientProfile).
#ifndef HUB_CLIENT_PROFILE_H_
#define HUB_CLIENT_PROFILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/config.pb.h"

namespace hub::client {

// Reads DIR/profile.textproto, resolves relative paths against DIR and checks
// hub_address, cert_file, key_file and ca_file are set. On failure returns
// FAILED_PRECONDITION naming the file and what to fix (a missing profile is a
// local problem, not a hub's "not found").
absl::StatusOr<prevent::config::v1::ClientProfile> LoadProfile(
    const std::string& dir);

}  // namespace hub::client

#endif  // HUB_CLIENT_PROFILE_H_
