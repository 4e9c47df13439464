// An online backup of the hub's database: a consistent copy taken while the
// hub serves (SQLite's backup API reads one snapshot of the WAL database; the
// hub's writers are not held up), checked and made durable before it is
// given its name, so a file named FILE is always a whole backup.
#ifndef HUB_STORE_BACKUP_H_
#define HUB_STORE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hub::store {

struct BackupReport {
  int64_t pages = 0;
  int64_t bytes = 0;
};

// Copies the database at `database` to `out`: the copy is written beside
// `out` under a temporary name, passes SQLite's integrity check, is synced,
// and is then renamed to `out` (and its directory synced). Refuses
// (ALREADY_EXISTS) to replace an existing `out`; UNAVAILABLE naming the file
// if the database cannot be read or the copy written; DATA_LOSS if the copy
// fails the integrity check. Nothing is left under `out` on failure.
absl::StatusOr<BackupReport> BackupDatabase(const std::string& database,
                                            const std::string& out);

}  // namespace hub::store

#endif  // HUB_STORE_BACKUP_H_
