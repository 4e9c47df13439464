// Loading hubd's configuration file (prevent.config.v1.HubConfig, text format).
#ifndef HUB_HUB_CONFIG_H_
#define HUB_HUB_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/config.pb.h"

namespace hub {

// Reads the config at `path`, resolves its relative paths against the
// config's directory and checks every required field is set. On failure
// returns INVALID_ARGUMENT ("path:line:col: ..." for syntax, "path: field is
// required ..." for a missing field) or NOT_FOUND for a missing file.
absl::StatusOr<prevent::config::v1::HubConfig> LoadHubConfig(
    const std::string& path);

}  // namespace hub

#endif  // HUB_HUB_CONFIG_H_
