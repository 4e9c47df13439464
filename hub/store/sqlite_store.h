// SqliteStore is the Store on an embedded SQLite database: WAL journal,
// synchronous=FULL (nothing is acknowledged before it is durable), versioned
// migrations applied on open. One connection, serialised by a mutex.
#ifndef HUB_STORE_SQLITE_STORE_H_
#define HUB_STORE_SQLITE_STORE_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "hub/store/store.h"

namespace hub::store {

class SqliteStore final : public Store {
 public:
  // The newest schema version this build knows.
  static int LatestSchemaVersion();

  // Opens (creating if needed) the database at `path` and migrates it to the
  // latest schema. `clock` must outlive the store. Returns UNAVAILABLE if the
  // file cannot be opened or written, FAILED_PRECONDITION if the database is
  // from a newer hubd or cannot use WAL, naming the path either way.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, const common::Clock* clock);

  ~SqliteStore() override;

  const std::string& instance_id() const override { return instance_id_; }
  int schema_version() const override { return schema_version_; }
  absl::Status CheckIntegrity() override;

  // The settings in force on the connection, as SQLite reports them, for the
  // start-up log line (e.g. journal_mode "wal", synchronous 2 = FULL).
  struct Settings {
    std::string journal_mode;
    int synchronous = -1;
  };
  Settings settings();

 private:
  SqliteStore(sqlite3* db, std::string path);

  absl::Status Migrate(const common::Clock* clock)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  sqlite3* const db_ ABSL_GUARDED_BY(mu_);
  std::string instance_id_;
  int schema_version_ = 0;
};

}  // namespace hub::store

#endif  // HUB_STORE_SQLITE_STORE_H_
