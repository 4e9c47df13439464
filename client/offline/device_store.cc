#include "client/offline/device_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/offline/passphrase.h"
#include "common/status_macros.h"

namespace hub::client {

absl::StatusOr<DeviceStore> OpenDeviceStore(
    const prevent::config::v1::ClientProfile& profile,
    absl::string_view passphrase, const common::Clock* clock,
    uint64_t scrypt_n) {
  if (profile.cache_path().empty()) {
    return absl::FailedPreconditionError(
        "your profile names no cache_path, so hubctl keeps nothing offline; "
        "add cache_path (e.g. \"cache.db\") to profile.textproto");
  }
  const absl::Duration ttl = profile.offline_ttl_hours() > 0
                                 ? absl::Hours(profile.offline_ttl_hours())
                                 : Cache::kDefaultOfflineTtl;
  DeviceStore store;
  ASSIGN_OR_RETURN(store.cache, Cache::Open(profile.cache_path(), passphrase,
                                            clock, ttl, scrypt_n));
  ASSIGN_OR_RETURN(Outbox outbox,
                   Outbox::Open(absl::StrCat(profile.cache_path(), ".outbox"),
                                &store.cache->key()));
  store.outbox.emplace(std::move(outbox));
  return store;
}

absl::StatusOr<DeviceStore> UnlockDeviceStore(
    const prevent::config::v1::ClientProfile& profile,
    const common::Clock* clock) {
  if (profile.cache_path().empty()) {
    return OpenDeviceStore(profile, "", clock);  // says what to add
  }
  ASSIGN_OR_RETURN(std::string passphrase, ReadPassphrase());
  return OpenDeviceStore(profile, passphrase, clock);
}

}  // namespace hub::client
