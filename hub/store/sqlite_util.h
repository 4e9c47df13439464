// Small helpers over the SQLite C API for hub/store's implementation files:
// errors as absl::Status, and Statement, an owned prepared statement.
#ifndef HUB_STORE_SQLITE_UTIL_H_
#define HUB_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::store::internal {

// UNAVAILABLE naming what failed, the database and SQLite's message.
absl::Status SqliteError(sqlite3* db, absl::string_view what,
                         absl::string_view path);

// Runs `sql`, which returns no rows.
absl::Status Exec(sqlite3* db, const char* sql, absl::string_view path);

// Runs a query returning one text (or integer as text) value; "" if no row.
absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql,
                                      absl::string_view path);

// A prepared statement, finalized on destruction, or, if it was borrowed
// from a StatementCache, reset and handed back. Bind indexes are 1-based,
// column indexes 0-based, as in SQLite.
class Statement {
 public:
  Statement() = default;
  static absl::StatusOr<Statement> Prepare(sqlite3* db, const char* sql,
                                           absl::string_view path);
  Statement(Statement&& other) noexcept
      : stmt_(other.stmt_), lent_(other.lent_) {
    other.stmt_ = nullptr;
    other.lent_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  ~Statement() { Release(); }

  // Clears the last run and its bindings, for reuse.
  void Reset();
  void BindNull(int i);
  void BindInt64(int i, int64_t value);
  void BindText(int i, absl::string_view value);  // empty binds NULL
  void BindBlob(int i, absl::string_view value);  // empty binds NULL
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();

  int64_t Int64(int column) const;
  std::string Text(int column) const;  // "" for NULL
  std::string Blob(int column) const;  // "" for NULL
  bool IsNull(int column) const;

 private:
  friend class StatementCache;
  Statement(sqlite3_stmt* stmt, bool* lent) : stmt_(stmt), lent_(lent) {}
  // Finalizes the statement, or resets and returns a borrowed one.
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  bool* lent_ = nullptr;  // the cache's flag, if borrowed
};

// The statements one connection keeps prepared, by their SQL text, so that
// a statement is parsed once, not on every use (parsing cost more than
// running most of the hub's queries). Not thread-safe: the cache, and every
// Statement it lends, is used only under the lock that guards its
// connection, and the cache must be cleared before the connection closes.
class StatementCache {
 public:
  StatementCache() = default;
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { Clear(); }

  // A statement for `sql` on `db` (always the same connection), ready to
  // bind: the cached one, lent until the returned Statement is destroyed,
  // or a new one of its own if that is already lent (a nested use) or the
  // cache is full.
  absl::StatusOr<Statement> Prepare(sqlite3* db, absl::string_view sql,
                                    absl::string_view path);
  // Finalizes every cached statement. REQUIRES: none is lent.
  void Clear();

 private:
  // Enough for every fixed statement of the store and the filter
  // combinations of its searches.
  static constexpr size_t kMaxStatements = 256;
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    bool lent = false;
  };
  std::map<std::string, Entry, std::less<>> entries_;  // stable addresses
};

// A write transaction (BEGIN IMMEDIATE) that rolls back unless Commit() ran.
class Transaction {
 public:
  Transaction(sqlite3* db, absl::string_view path) : db_(db), path_(path) {}
  ~Transaction();
  absl::Status Begin();
  absl::Status Commit();

 private:
  sqlite3* const db_;
  const absl::string_view path_;
  bool open_ = false;
};

// A read transaction: every statement run until it ends sees one snapshot.
// Ends (COMMIT) when it goes out of scope.
class ReadTransaction {
 public:
  ReadTransaction(sqlite3* db, absl::string_view path) : db_(db), path_(path) {}
  ~ReadTransaction();
  absl::Status Begin();

 private:
  sqlite3* const db_;
  const absl::string_view path_;
  bool open_ = false;
};

}  // namespace hub::store::internal

#endif  // HUB_STORE_SQLITE_UTIL_H_
