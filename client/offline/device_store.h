// What hubctl keeps on the user's device for one profile (SPEC P24): the
// encrypted cache (profile.cache_path) and, beside it, the outbox of writes
// made while the hub was out of reach (cache_path + ".outbox/"), both sealed
// by the cache's data key.
#ifndef HUB_CLIENT_OFFLINE_DEVICE_STORE_H_
#define HUB_CLIENT_OFFLINE_DEVICE_STORE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "client/cache/cache.h"
#include "client/outbox/outbox.h"
#include "common/clock.h"
#include "proto/config.pb.h"

namespace hub::client {

struct DeviceStore {
  std::unique_ptr<Cache> cache;
  std::optional<Outbox> outbox;  // sealed by cache->key(); destroyed first
};

// Opens the profile's cache and outbox, unlocked by `passphrase`.
// FAILED_PRECONDITION if the profile names no cache_path; UNAUTHENTICATED
// if the passphrase is wrong. `scrypt_n` lowers the key derivation's cost
// for tests only.
absl::StatusOr<DeviceStore> OpenDeviceStore(
    const prevent::config::v1::ClientProfile& profile,
    absl::string_view passphrase, const common::Clock* clock,
    uint64_t scrypt_n = DataKey::kScryptN);

// OpenDeviceStore with the passphrase from HUBCTL_PASSPHRASE or the
// terminal (ReadPassphrase).
absl::StatusOr<DeviceStore> UnlockDeviceStore(
    const prevent::config::v1::ClientProfile& profile,
    const common::Clock* clock);

}  // namespace hub::client

#endif  // HUB_CLIENT_OFFLINE_DEVICE_STORE_H_
