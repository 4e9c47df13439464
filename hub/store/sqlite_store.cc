#include "hub/store/sqlite_store.h"

#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hub::store {
namespace {

// Each entry takes the schema from version i to i+1. Never edit a released
// entry: append a new one.
const std::vector<const char*>& Migrations() {
  static const auto* const migrations = new std::vector<const char*>{
      // 1: the hub's identity.
      R"sql(
        CREATE TABLE hub_instance (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          instance_id TEXT NOT NULL,
          created_at_ms INTEGER NOT NULL
        );
      )sql",
  };
  return *migrations;
}

absl::Status SqliteError(sqlite3* db, absl::string_view what,
                         absl::string_view path) {
  return absl::UnavailableError(
      absl::StrCat(what, " (", path, "): ", sqlite3_errmsg(db)));
}

// Runs `sql`, which returns no rows.
absl::Status Exec(sqlite3* db, const char* sql, absl::string_view path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return absl::UnavailableError(absl::StrCat(path, ": ", msg));
  }
  return absl::OkStatus();
}

// Runs a query returning a single text (or integer as text) value.
absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql,
                                      absl::string_view path) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return SqliteError(db, sql, path);
  }
  std::string value;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) value = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqliteError(db, sql, path);
  return value;
}

}  // namespace

int SqliteStore::LatestSchemaVersion() {
  return static_cast<int>(Migrations().size());
}

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : path_(std::move(path)), db_(db) {}

SqliteStore::~SqliteStore() {
  absl::MutexLock lock(&mu_);
  sqlite3_close_v2(db_);
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, const common::Clock* clock) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat("cannot open database ", path, ": ", sqlite3_errstr(rc),
                     "; check the directory exists and hubd may write to it"));
    sqlite3_close_v2(db);
    return s;
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  absl::MutexLock lock(&store->mu_);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);

  ASSIGN_OR_RETURN(std::string mode,
                   QueryText(db, "PRAGMA journal_mode=WAL", path));
  if (mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": SQLite refused WAL mode (journal_mode is '", mode,
                     "'); put the database on a local file system"));
  }
  RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=FULL", path));
  RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys=ON", path));
  RETURN_IF_ERROR(store->Migrate(clock));
  return store;
}

absl::Status SqliteStore::Migrate(const common::Clock* clock) {
  ASSIGN_OR_RETURN(std::string version_text,
                   QueryText(db_, "PRAGMA user_version", path_));
  int version = std::atoi(version_text.c_str());
  if (version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": database schema version ", version,
                     " is newer than this hubd knows (", LatestSchemaVersion(),
                     "); run a newer hubd"));
  }
  // Each step, with its version bump, commits or rolls back as one.
  for (int v = version; v < LatestSchemaVersion(); ++v) {
    RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", path_));
    absl::Status s = Exec(db_, Migrations()[v], path_);
    if (s.ok()) {
      s = Exec(db_, absl::StrCat("PRAGMA user_version=", v + 1).c_str(), path_);
    }
    if (!s.ok()) {
      Exec(db_, "ROLLBACK", path_).IgnoreError();
      return absl::Status(s.code(), absl::StrCat("migrating to schema version ",
                                                 v + 1, ": ", s.message()));
    }
    RETURN_IF_ERROR(Exec(db_, "COMMIT", path_));
  }
  schema_version_ = LatestSchemaVersion();

  ASSIGN_OR_RETURN(
      instance_id_,
      QueryText(db_, "SELECT instance_id FROM hub_instance", path_));
  if (instance_id_.empty()) {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
      return absl::InternalError("no randomness for the hub instance id");
    }
    std::string id = absl::BytesToHexString(
        absl::string_view(reinterpret_cast<char*>(raw), sizeof(raw)));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_,
                           "INSERT INTO hub_instance (singleton, instance_id, "
                           "created_at_ms) VALUES (1, ?, ?)",
                           -1, &stmt, nullptr) != SQLITE_OK) {
      return SqliteError(db_, "preparing instance insert", path_);
    }
    sqlite3_bind_text(stmt, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, absl::ToUnixMillis(clock->Now()));
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
      return SqliteError(db_, "recording instance id", path_);
    instance_id_ = id;
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::CheckIntegrity() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(std::string result,
                   QueryText(db_, "PRAGMA quick_check", path_));
  if (result != "ok") {
    return absl::DataLossError(
        absl::StrCat(path_, ": integrity check failed: ", result));
  }
  return absl::OkStatus();
}

SqliteStore::Settings SqliteStore::settings() {
  absl::MutexLock lock(&mu_);
  Settings s;
  s.journal_mode = QueryText(db_, "PRAGMA journal_mode", path_).value_or("?");
  s.synchronous = std::atoi(
      QueryText(db_, "PRAGMA synchronous", path_).value_or("-1").c_str());
  return s;
}

}  // namespace hub::store
