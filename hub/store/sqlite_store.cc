#include "hub/store/sqlite_store.h"

#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_util.h"

namespace hub::store {
namespace {

using internal::Exec;
using internal::QueryText;
using internal::SqliteError;

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
      // 2: the audit log (hub/store/audit_store.h, docs/audit.md).
      R"sql(
        CREATE TABLE audit_events (
          leaf_index INTEGER PRIMARY KEY,
          commitment BLOB NOT NULL,
          salt BLOB,
          event BLOB,
          time_ms INTEGER NOT NULL,
          operation INTEGER NOT NULL,
          allowed INTEGER NOT NULL,
          police INTEGER NOT NULL,
          actor_partner TEXT,
          parties TEXT,
          subject TEXT,
          referral TEXT
        );
        CREATE INDEX audit_events_by_time ON audit_events (time_ms);
        CREATE INDEX audit_events_by_subject ON audit_events (subject)
          WHERE subject IS NOT NULL;
        CREATE INDEX audit_events_by_referral ON audit_events (referral)
          WHERE referral IS NOT NULL;
        CREATE INDEX audit_events_denied ON audit_events (time_ms)
          WHERE allowed = 0;
        CREATE TABLE audit_nodes (
          level INTEGER NOT NULL,
          node_index INTEGER NOT NULL,
          hash BLOB NOT NULL,
          PRIMARY KEY (level, node_index)
        ) WITHOUT ROWID;
        CREATE TABLE audit_checkpoints (
          tree_size INTEGER PRIMARY KEY,
          time_ms INTEGER NOT NULL,
          body TEXT NOT NULL,
          signature BLOB NOT NULL
        );
        CREATE TABLE write_probe (
          singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
          probes INTEGER NOT NULL
        );
      )sql",
      // 3: referrals and the first reply to each idempotent request
      // (hub/store/record_store.h).
      R"sql(
        CREATE TABLE referrals (
          id TEXT PRIMARY KEY,
          ref TEXT NOT NULL UNIQUE,
          area TEXT NOT NULL,
          year INTEGER NOT NULL,
          seq INTEGER NOT NULL,
          source_partner TEXT NOT NULL,
          referrer TEXT NOT NULL,
          subject_id TEXT NOT NULL,
          subject_key TEXT NOT NULL,
          state INTEGER NOT NULL,
          received_ms INTEGER NOT NULL,
          version INTEGER NOT NULL,
          record BLOB NOT NULL,
          UNIQUE (area, year, seq)
        );
        CREATE INDEX referrals_by_area ON referrals (area, received_ms);
        CREATE INDEX referrals_by_referrer ON referrals (referrer, received_ms);
        CREATE INDEX referrals_by_subject_key ON referrals (subject_key);
        CREATE TABLE replies (
          partner TEXT NOT NULL,
          request_id TEXT NOT NULL,
          principal TEXT NOT NULL,
          method TEXT NOT NULL,
          reply BLOB NOT NULL,
          PRIMARY KEY (partner, request_id)
        ) WITHOUT ROWID;
      )sql",
      // 4: information requests to partners, with their answers.
      R"sql(
        CREATE TABLE information_requests (
          id TEXT PRIMARY KEY,
          referral_id TEXT NOT NULL,
          recipient_partner TEXT NOT NULL,
          requester TEXT NOT NULL,
          state INTEGER NOT NULL,
          sent_ms INTEGER NOT NULL,
          due_ms INTEGER NOT NULL,
          version INTEGER NOT NULL,
          record BLOB NOT NULL
        );
        CREATE INDEX information_requests_by_referral
          ON information_requests (referral_id, sent_ms);
        CREATE INDEX information_requests_by_recipient
          ON information_requests (recipient_partner, sent_ms);
      )sql",
      // 5: the deconfliction index (one entry per referral, found by the
      // keyed hashes of its blocking keys), the referrals stored before it
      // that still await indexing, and the checks run.
      R"sql(
        CREATE TABLE match_entries (
          entry_id INTEGER PRIMARY KEY,
          referral_id TEXT NOT NULL UNIQUE,
          subject_id TEXT NOT NULL,
          profile BLOB NOT NULL
        );
        CREATE TABLE match_keys (
          key INTEGER NOT NULL,
          entry_id INTEGER NOT NULL,
          PRIMARY KEY (key, entry_id)
        ) WITHOUT ROWID;
        CREATE TABLE match_backfill (
          referral_id TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        INSERT INTO match_backfill SELECT id FROM referrals;
        CREATE TABLE deconfliction_queries (
          query_id TEXT PRIMARY KEY,
          referral_id TEXT NOT NULL,
          principal TEXT NOT NULL,
          at_ms INTEGER NOT NULL
        );
        CREATE INDEX deconfliction_queries_by_principal
          ON deconfliction_queries (principal, at_ms);
      )sql",
      // 6: CTLP briefings and each recipient's copy.
      R"sql(
        CREATE TABLE briefings (
          id TEXT PRIMARY KEY,
          owner_partner TEXT NOT NULL,
          state INTEGER NOT NULL,
          published_ms INTEGER NOT NULL,
          version INTEGER NOT NULL,
          record BLOB NOT NULL
        );
        CREATE TABLE briefing_deliveries (
          briefing_id TEXT NOT NULL,
          principal TEXT NOT NULL,
          partner TEXT NOT NULL,
          audience INTEGER NOT NULL,
          watermark_id TEXT NOT NULL UNIQUE,
          published_ms INTEGER NOT NULL,
          delivered_ms INTEGER NOT NULL,
          acknowledged_ms INTEGER NOT NULL,
          conditions_sha256 TEXT,
          opened_ms INTEGER NOT NULL,
          purge_attested_ms INTEGER NOT NULL,
          PRIMARY KEY (briefing_id, principal)
        ) WITHOUT ROWID;
        CREATE INDEX briefing_deliveries_by_principal
          ON briefing_deliveries (principal, published_ms);
      )sql",
      // 7: what the policy asks of a referral beyond its columns, so a sync
      // can decide without parsing records (NULL: stored before this).
      R"sql(
        ALTER TABLE referrals ADD COLUMN child_concerned INTEGER;
      )sql",
  };
  return *migrations;
}

}  // namespace

int SqliteStore::LatestSchemaVersion() {
  return static_cast<int>(Migrations().size());
}

SqliteStore::SqliteStore(sqlite3* db, std::string path)
    : path_(std::move(path)), db_(db) {}

SqliteStore::~SqliteStore() {
  {
    absl::MutexLock lock(&read_mu_);
    read_statements_.Clear();
    sqlite3_close_v2(read_db_);
  }
  absl::MutexLock lock(&mu_);
  write_statements_.Clear();
  sqlite3_close_v2(db_);
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, const common::Clock* clock) {
  // SQLITE_OPEN_URI lets a test name a fault-injecting VFS ("file:...?vfs=").
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
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
  // SQLite falls back to reading a file it cannot write; the hub must write
  // (its audit log above all), so it refuses to start instead.
  if (sqlite3_db_readonly(db, "main") == 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        path,
        " can only be opened read-only (a read-only file system, or no write "
        "permission); hubd writes every call to its audit log, so give it a "
        "database it can write"));
  }
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

  // Reads go through a second connection, so they never wait for a commit's
  // fsync on the first (WAL readers see the last committed state).
  sqlite3* read_db = nullptr;
  rc = sqlite3_open_v2(
      path.c_str(), &read_db,
      SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(absl::StrCat(
        "cannot open database ", path, " for reading: ", sqlite3_errstr(rc)));
    sqlite3_close_v2(read_db);
    return s;
  }
  absl::MutexLock read_lock(&store->read_mu_);
  store->read_db_ = read_db;
  sqlite3_extended_result_codes(read_db, 1);
  sqlite3_busy_timeout(read_db, 5000);
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
    ASSIGN_OR_RETURN(internal::Statement insert,
                     internal::Statement::Prepare(
                         db_,
                         "INSERT INTO hub_instance (singleton, instance_id, "
                         "created_at_ms) VALUES (1, ?, ?)",
                         path_));
    insert.BindText(1, id);
    insert.BindInt64(2, absl::ToUnixMillis(clock->Now()));
    if (insert.Step() != SQLITE_DONE) {
      return SqliteError(db_, "recording instance id", path_);
    }
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
