// hubctl's offline cache (SPEC P24; issue 8): what its user may hold while
// the hub is out of reach, in one SQLite file. Every value is sealed by the
// DataKey (AES-256-GCM, bound to its row), and the key is stored only
// wrapped under the user's passphrase, so the file holds no plaintext of
// what it caches. Items carry their expiry; after `offline_ttl` without a
// successful sync, nothing is readable until the next one. A sync's batch
// of changes and its cursor commit in one transaction, so an interrupted
// sync resumes where it stopped. Not thread-safe.
#ifndef HUB_CLIENT_CACHE_CACHE_H_
#define HUB_CLIENT_CACHE_CACHE_H_

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "client/cache/data_key.h"
#include "common/clock.h"

namespace hub::client {

class Cache {
 public:
  // One cached item: its kind (e.g. "briefing") and id name it.
  struct Item {
    std::string kind;
    std::string id;
    std::string value;  // plaintext, in memory only
    absl::Time expires_at = absl::InfiniteFuture();
  };

  // SPEC P24's default: cached items are unreadable 72 hours after the last
  // successful sync.
  static constexpr absl::Duration kDefaultOfflineTtl = absl::Hours(72);

  // Opens the cache at `path`, creating it (with a new data key wrapped
  // under `passphrase`) if there is none. UNAUTHENTICATED if the passphrase
  // is not the one the cache was created with; FAILED_PRECONDITION naming
  // the file if it cannot be opened or is not a cache. `clock` must outlive
  // the cache. `scrypt_n` lowers the key derivation's cost for tests only.
  static absl::StatusOr<std::unique_ptr<Cache>> Open(
      const std::string& path, absl::string_view passphrase,
      const common::Clock* clock,
      absl::Duration offline_ttl = kDefaultOfflineTtl,
      uint64_t scrypt_n = DataKey::kScryptN);

  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // Which batch of a sync Apply is given.
  enum class Batch { kPart, kLast };

  // Applies one batch of a sync: stores `items` (replacing any with the
  // same kind and id) and removes `removed` (kind, id), all or nothing. The
  // items held are the sync's cursor, so it advances with the batch. The
  // last batch also records now as the last successful sync, which restarts
  // the offline TTL.
  absl::Status Apply(
      absl::Span<const Item> items,
      absl::Span<const std::pair<std::string, std::string>> removed,
      Batch batch = Batch::kPart);

  // Every item held, expired or not and however long since the last sync:
  // what the next sync tells the hub this device holds. An item that no
  // longer opens (altered on disk) is deleted, so the sync sends it again.
  absl::StatusOr<std::vector<Item>> Held();

  // The last successful sync; InfinitePast if none.
  absl::Time LastSync();

  // The key that seals the cache, which also seals the outbox beside it.
  const DataKey& key() const { return key_; }

  // The item (kind, id); nullopt if none or expired. FAILED_PRECONDITION
  // once the offline TTL has passed since the last successful sync.
  absl::StatusOr<std::optional<Item>> Get(absl::string_view kind,
                                          absl::string_view id);

  // Every unexpired item of `kind`, by id; FAILED_PRECONDITION as Get.
  absl::StatusOr<std::vector<Item>> List(absl::string_view kind);

  // Removes every expired item; returns them (kind, id) so their purge can
  // be attested.
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
  PurgeExpired();

  // Removes every item and the time of the last sync (revocation, remote
  // wipe).
  absl::Status Wipe();

 private:
  Cache(sqlite3* db, std::string path, DataKey key, const common::Clock* clock,
        absl::Duration offline_ttl);

  // FAILED_PRECONDITION unless a sync succeeded within the offline TTL.
  absl::Status CheckFresh();
  static std::string RowKey(absl::string_view kind, absl::string_view id);

  sqlite3* const db_;
  const std::string path_;
  const DataKey key_;
  const common::Clock* const clock_;
  const absl::Duration offline_ttl_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_CACHE_CACHE_H_
