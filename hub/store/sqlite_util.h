// Small helpers over the SQLite C API for hub/store's implementation files:
// errors as absl::Status, and Statement, an owned prepared statement.
#ifndef HUB_STORE_SQLITE_UTIL_H_
#define HUB_STORE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <cstdint>
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

// A prepared statement, finalized on destruction. Bind indexes are 1-based,
// column indexes 0-based, as in SQLite.
class Statement {
 public:
  Statement() = default;
  static absl::StatusOr<Statement> Prepare(sqlite3* db, const char* sql,
                                           absl::string_view path);
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  bool IsPrepared() const { return stmt_ != nullptr; }
  // Clears the last run and its bindings, for reuse.
  void Reset();
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
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  sqlite3_stmt* stmt_ = nullptr;
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

// Resets a cached statement when it goes out of scope, ending its read
// transaction: a statement left mid-result would pin the reading connection
// to an old snapshot of the log.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement* statement) : statement_(statement) {}
  ~ResetOnExit() { statement_->Reset(); }

 private:
  Statement* const statement_;
};

}  // namespace hub::store::internal

#endif  // HUB_STORE_SQLITE_UTIL_H_
