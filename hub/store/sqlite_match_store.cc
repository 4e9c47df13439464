// SqliteStore's deconfliction tables (schema version 5): the index of
// people the hub holds records about, found by the keyed hashes of their
// blocking keys, and the checks run. Index entries are written inside the
// transaction of the call that stores the referral (ApplyWrite), or for
// referrals stored before schema 5, by AddMatchEntries.
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_store.h"

namespace hub::store {

using internal::SqliteError;
using internal::Statement;
using internal::Transaction;

namespace {

constexpr absl::string_view kMatchByKeySql =
    "SELECT e.entry_id, e.referral_id, e.subject_id, e.profile FROM "
    "match_keys k JOIN match_entries e ON e.entry_id = k.entry_id "
    "WHERE k.key = ? LIMIT ?";

}  // namespace

absl::Status SqliteStore::PutMatchEntries(
    absl::Span<const MatchEntryRow> entries) {
  if (entries.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(
      Statement put_entry,
      write_statements_.Prepare(db_,
                                "INSERT OR IGNORE INTO match_entries "
                                "(referral_id, subject_id, profile) "
                                "VALUES (?, ?, ?)",
                                path_));
  ASSIGN_OR_RETURN(Statement put_key,
                   write_statements_.Prepare(db_,
                                             "INSERT OR IGNORE INTO match_keys "
                                             "(key, entry_id) VALUES (?, ?)",
                                             path_));
  ASSIGN_OR_RETURN(
      Statement done,
      write_statements_.Prepare(
          db_, "DELETE FROM match_backfill WHERE referral_id = ?", path_));
  for (const MatchEntryRow& entry : entries) {
    put_entry.Reset();
    put_entry.BindText(1, entry.referral_id);
    put_entry.BindText(2, entry.subject_id);
    put_entry.BindBlob(3, entry.profile);
    if (put_entry.Step() != SQLITE_DONE) {
      return SqliteError(db_, "storing a deconfliction index entry", path_);
    }
    if (sqlite3_changes(db_) == 0) continue;  // already indexed
    const int64_t entry_id = sqlite3_last_insert_rowid(db_);
    for (int64_t key : entry.keys) {
      put_key.Reset();
      put_key.BindInt64(1, key);
      put_key.BindInt64(2, entry_id);
      if (put_key.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing a deconfliction index key", path_);
      }
    }
    done.Reset();
    done.BindText(1, entry.referral_id);
    if (done.Step() != SQLITE_DONE) {
      return SqliteError(db_, "updating the deconfliction backfill", path_);
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::PutDeconflictionQueries(
    absl::Span<const DeconflictionQueryRow> queries) {
  if (queries.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Statement put, write_statements_.Prepare(
                                      db_,
                                      "INSERT INTO deconfliction_queries "
                                      "(query_id, referral_id, principal, "
                                      "at_ms) VALUES (?, ?, ?, ?)",
                                      path_));
  for (const DeconflictionQueryRow& query : queries) {
    put.Reset();
    put.BindText(1, query.query_id);
    put.BindText(2, query.referral_id);
    put.BindText(3, query.principal_id);
    put.BindInt64(4, query.at_ms);
    if (put.Step() != SQLITE_DONE) {
      return SqliteError(db_, "storing a deconfliction check", path_);
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::AddMatchEntries(
    absl::Span<const MatchEntryRow> entries) {
  absl::MutexLock lock(&mu_);
  Transaction transaction(db_, path_);
  RETURN_IF_ERROR(transaction.Begin());
  RETURN_IF_ERROR(PutMatchEntries(entries));
  return transaction.Commit();
}

absl::StatusOr<std::vector<MatchEntryRow>> SqliteStore::MatchEntriesForKeys(
    absl::Span<const int64_t> keys, int per_key_limit) {
  std::vector<MatchEntryRow> entries;
  absl::flat_hash_set<int64_t> seen;
  absl::MutexLock lock(&read_mu_);
  // One read transaction, so every key sees the same snapshot.
  internal::ReadTransaction read(read_db_, path_);
  RETURN_IF_ERROR(read.Begin());
  for (int64_t key : keys) {
    ASSIGN_OR_RETURN(Statement select,
                     read_statements_.Prepare(read_db_, kMatchByKeySql, path_));
    select.BindInt64(1, key);
    select.BindInt64(2, per_key_limit);
    int rc;
    while ((rc = select.Step()) == SQLITE_ROW) {
      if (!seen.insert(select.Int64(0)).second) continue;
      MatchEntryRow entry;
      entry.referral_id = select.Text(1);
      entry.subject_id = select.Text(2);
      entry.profile = select.Blob(3);
      entries.push_back(std::move(entry));
    }
    if (rc != SQLITE_DONE) {
      return SqliteError(read_db_, "reading the deconfliction index", path_);
    }
  }
  return entries;
}

absl::StatusOr<std::vector<std::string>>
SqliteStore::ReferralsAwaitingMatchIndex(int limit) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(
          read_db_, "SELECT referral_id FROM match_backfill LIMIT ?", path_));
  select.BindInt64(1, limit);
  std::vector<std::string> ids;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) ids.push_back(select.Text(0));
  if (rc != SQLITE_DONE) {
    return SqliteError(read_db_, "reading the deconfliction backfill", path_);
  }
  return ids;
}

absl::StatusOr<std::optional<DeconflictionQueryRow>>
SqliteStore::FindDeconflictionQuery(absl::string_view query_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select, read_statements_.Prepare(
                                         read_db_,
                                         "SELECT referral_id, principal, at_ms "
                                         "FROM deconfliction_queries WHERE "
                                         "query_id = ?",
                                         path_));
  select.BindText(1, query_id);
  const int rc = select.Step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) {
    return SqliteError(read_db_, "reading a deconfliction check", path_);
  }
  DeconflictionQueryRow row;
  row.query_id = std::string(query_id);
  row.referral_id = select.Text(0);
  row.principal_id = select.Text(1);
  row.at_ms = select.Int64(2);
  return row;
}

absl::StatusOr<int> SqliteStore::CountDeconflictionQueries(
    absl::string_view principal_id, int64_t since_ms) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(read_db_,
                               "SELECT COUNT(*) FROM "
                               "deconfliction_queries WHERE principal "
                               "= ? AND at_ms >= ?",
                               path_));
  select.BindText(1, principal_id);
  select.BindInt64(2, since_ms);
  if (select.Step() != SQLITE_ROW) {
    return SqliteError(read_db_, "counting deconfliction checks", path_);
  }
  return static_cast<int>(select.Int64(0));
}

}  // namespace hub::store
