// The passphrase that unlocks hubctl's offline cache (SPEC P24).
#ifndef HUB_CLIENT_OFFLINE_PASSPHRASE_H_
#define HUB_CLIENT_OFFLINE_PASSPHRASE_H_

#include <string>

#include "absl/status/statusor.h"

namespace hub::client {

// HUBCTL_PASSPHRASE if it is set, else the passphrase typed on the terminal
// (not echoed). FAILED_PRECONDITION if neither is available or it is empty.
absl::StatusOr<std::string> ReadPassphrase();

}  // namespace hub::client

#endif  // HUB_CLIENT_OFFLINE_PASSPHRASE_H_
