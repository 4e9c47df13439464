#include "hub/store/sqlite_util.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hub::store::internal {

absl::Status SqliteError(sqlite3* db, absl::string_view what,
                         absl::string_view path) {
  return absl::UnavailableError(
      absl::StrCat(what, " (", path, "): ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const char* sql, absl::string_view path) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return absl::UnavailableError(absl::StrCat(path, ": ", msg));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> QueryText(sqlite3* db, const char* sql,
                                      absl::string_view path) {
  absl::StatusOr<Statement> stmt = Statement::Prepare(db, sql, path);
  if (!stmt.ok()) return stmt.status();
  const int rc = stmt->Step();
  if (rc == SQLITE_ROW) return stmt->Text(0);
  if (rc == SQLITE_DONE) return std::string();
  return SqliteError(db, sql, path);
}

namespace {

absl::StatusOr<sqlite3_stmt*> PrepareText(sqlite3* db, absl::string_view sql,
                                          absl::string_view path) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt,
                         nullptr) != SQLITE_OK) {
    return SqliteError(db, absl::StrCat("preparing ", sql), path);
  }
  return stmt;
}

}  // namespace

absl::StatusOr<Statement> Statement::Prepare(sqlite3* db, const char* sql,
                                             absl::string_view path) {
  ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareText(db, sql, path));
  return Statement(stmt, nullptr);
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = other.stmt_;
    lent_ = other.lent_;
    other.stmt_ = nullptr;
    other.lent_ = nullptr;
  }
  return *this;
}

void Statement::Release() {
  if (lent_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else {
    // Reset ends the statement's read of the database, so a cached
    // statement never pins its connection to an old snapshot.
    Reset();
    *lent_ = false;
  }
  stmt_ = nullptr;
  lent_ = nullptr;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::BindInt64(int i, int64_t value) {
  sqlite3_bind_int64(stmt_, i, value);
}

void Statement::BindNull(int i) { sqlite3_bind_null(stmt_, i); }

void Statement::BindText(int i, absl::string_view value) {
  if (value.empty()) {
    sqlite3_bind_null(stmt_, i);
  } else {
    sqlite3_bind_text(stmt_, i, value.data(), static_cast<int>(value.size()),
                      SQLITE_TRANSIENT);
  }
}

void Statement::BindBlob(int i, absl::string_view value) {
  if (value.empty()) {
    sqlite3_bind_null(stmt_, i);
  } else {
    sqlite3_bind_blob(stmt_, i, value.data(), static_cast<int>(value.size()),
                      SQLITE_TRANSIENT);
  }
}

int Statement::Step() { return sqlite3_step(stmt_); }

int64_t Statement::Int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     sqlite3_column_bytes(stmt_, column));
}

std::string Statement::Blob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return "";
  return std::string(static_cast<const char*>(blob),
                     sqlite3_column_bytes(stmt_, column));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::StatusOr<Statement> StatementCache::Prepare(sqlite3* db,
                                                  absl::string_view sql,
                                                  absl::string_view path) {
  auto it = entries_.find(sql);
  if (it == entries_.end() && entries_.size() < kMaxStatements) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareText(db, sql, path));
    it = entries_.emplace(std::string(sql), Entry{stmt, false}).first;
  }
  if (it == entries_.end() || it->second.lent) {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareText(db, sql, path));
    return Statement(stmt, nullptr);
  }
  it->second.lent = true;
  return Statement(it->second.stmt, &it->second.lent);
}

void StatementCache::Clear() {
  for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  entries_.clear();
}

Transaction::~Transaction() {
  if (open_) Exec(db_, "ROLLBACK", path_).IgnoreError();
}

absl::Status Transaction::Begin() {
  RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE", path_));
  open_ = true;
  return absl::OkStatus();
}

absl::Status Transaction::Commit() {
  RETURN_IF_ERROR(Exec(db_, "COMMIT", path_));
  open_ = false;
  return absl::OkStatus();
}

ReadTransaction::~ReadTransaction() {
  if (open_) Exec(db_, "COMMIT", path_).IgnoreError();
}

absl::Status ReadTransaction::Begin() {
  RETURN_IF_ERROR(Exec(db_, "BEGIN", path_));
  open_ = true;
  return absl::OkStatus();
}

}  // namespace hub::store::internal
