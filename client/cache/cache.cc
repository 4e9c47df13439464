#include "client/cache/cache.h"

#include <cstdint>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hub::client {
namespace {

constexpr char kSchema[] = R"sql(
  CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS items (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    sealed BLOB NOT NULL,
    expires_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
)sql";

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      stmt_ = nullptr;
    }
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void Text(int i, absl::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
  }
  void Blob(int i, absl::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  int Step() { return sqlite3_step(stmt_); }
  std::string ColumnBytes(int c) const {
    const void* p = sqlite3_column_blob(stmt_, c);
    return p == nullptr ? std::string()
                        : std::string(static_cast<const char*>(p),
                                      sqlite3_column_bytes(stmt_, c));
  }
  int64_t ColumnInt(int c) const { return sqlite3_column_int64(stmt_, c); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

absl::Status Error(sqlite3* db, absl::string_view what,
                   absl::string_view path) {
  return absl::FailedPreconditionError(
      absl::StrCat("the offline cache ", path, ": ", what, ": ",
                   db != nullptr ? sqlite3_errmsg(db) : "cannot open"));
}

absl::Status Exec(sqlite3* db, const char* sql, absl::string_view path) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "";
    sqlite3_free(message);
    return absl::FailedPreconditionError(
        absl::StrCat("the offline cache ", path, ": ", text));
  }
  return absl::OkStatus();
}

// The meta value `name`; nullopt if none.
std::optional<std::string> GetMeta(sqlite3* db, absl::string_view name) {
  Stmt s(db, "SELECT value FROM meta WHERE name = ?");
  if (!s.ok()) return std::nullopt;
  s.Text(1, name);
  if (s.Step() != SQLITE_ROW) return std::nullopt;
  return s.ColumnBytes(0);
}

bool PutMeta(sqlite3* db, absl::string_view name, absl::string_view value) {
  Stmt s(db, "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)");
  if (!s.ok()) return false;
  s.Text(1, name);
  s.Blob(2, value);
  return s.Step() == SQLITE_DONE;
}

// The wrapped key as stored in meta: "N r p" and the raw salt and seal.
absl::StatusOr<WrappedKey> ReadWrappedKey(sqlite3* db, absl::string_view path) {
  std::optional<std::string> n = GetMeta(db, "scrypt_n");
  std::optional<std::string> r = GetMeta(db, "scrypt_r");
  std::optional<std::string> p = GetMeta(db, "scrypt_p");
  std::optional<std::string> salt = GetMeta(db, "salt");
  std::optional<std::string> sealed = GetMeta(db, "wrapped_key");
  WrappedKey key;
  if (!n || !r || !p || !salt || !sealed ||
      !absl::SimpleAtoi(*n, &key.scrypt_n) ||
      !absl::SimpleAtoi(*r, &key.scrypt_r) ||
      !absl::SimpleAtoi(*p, &key.scrypt_p)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the offline cache ", path,
        " has no usable key; move it aside and sync again to rebuild it"));
  }
  key.salt = std::move(*salt);
  key.sealed = std::move(*sealed);
  return key;
}

}  // namespace

std::string Cache::RowKey(absl::string_view kind, absl::string_view id) {
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
  return absl::StrCat(kind.size(), ":", kind, "/", id);
}

absl::StatusOr<std::unique_ptr<Cache>> Cache::Open(const std::string& path,
                                                   absl::string_view passphrase,
                                                   const common::Clock* clock,
                                                   absl::Duration offline_ttl,
                                                   uint64_t scrypt_n) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    absl::Status error = Error(db, "cannot open", path);
    sqlite3_close_v2(db);
    return error;
  }
  auto fail = [db](absl::Status status) {
    sqlite3_close_v2(db);
    return status;
  };
  absl::Status status =
      Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", path);
  if (status.ok()) status = Exec(db, kSchema, path);
  if (!status.ok()) return fail(status);

  std::optional<DataKey> key;
  if (GetMeta(db, "wrapped_key").has_value()) {
    absl::StatusOr<WrappedKey> wrapped = ReadWrappedKey(db, path);
    if (!wrapped.ok()) return fail(wrapped.status());
    absl::StatusOr<DataKey> unwrapped = DataKey::Unwrap(*wrapped, passphrase);
    if (!unwrapped.ok()) return fail(unwrapped.status());
    key.emplace(std::move(*unwrapped));
  } else {
    absl::StatusOr<DataKey> fresh = DataKey::Generate();
    if (!fresh.ok()) return fail(fresh.status());
    absl::StatusOr<WrappedKey> wrapped = fresh->Wrap(passphrase, scrypt_n);
    if (!wrapped.ok()) return fail(wrapped.status());
    status = Exec(db, "BEGIN IMMEDIATE", path);
    if (!status.ok()) return fail(status);
    if (!PutMeta(db, "scrypt_n", absl::StrCat(wrapped->scrypt_n)) ||
        !PutMeta(db, "scrypt_r", absl::StrCat(wrapped->scrypt_r)) ||
        !PutMeta(db, "scrypt_p", absl::StrCat(wrapped->scrypt_p)) ||
        !PutMeta(db, "salt", wrapped->salt) ||
        !PutMeta(db, "wrapped_key", wrapped->sealed)) {
      absl::Status error = Error(db, "cannot store its key", path);
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
      return fail(error);
    }
    status = Exec(db, "COMMIT", path);
    if (!status.ok()) return fail(status);
    key.emplace(std::move(*fresh));
  }
  return std::unique_ptr<Cache>(
      new Cache(db, path, std::move(*key), clock, offline_ttl));
}

Cache::Cache(sqlite3* db, std::string path, DataKey key,
             const common::Clock* clock, absl::Duration offline_ttl)
    : db_(db),
      path_(std::move(path)),
      key_(std::move(key)),
      clock_(clock),
      offline_ttl_(offline_ttl) {}

Cache::~Cache() { sqlite3_close_v2(db_); }

absl::Status Cache::Apply(
    absl::Span<const Item> items,
    absl::Span<const std::pair<std::string, std::string>> removed,
    Batch batch) {
  // Seal first: nothing is written unless every item could be sealed.
  std::vector<std::string> sealed;
  sealed.reserve(items.size());
  for (const Item& item : items) {
    absl::StatusOr<std::string> s =
        key_.Seal(item.value, RowKey(item.kind, item.id));
    if (!s.ok()) return s.status();
    sealed.push_back(std::move(*s));
  }
  absl::Status status = Exec(db_, "BEGIN IMMEDIATE", path_);
  if (!status.ok()) return status;
  bool ok;
  {
    Stmt put(db_,
             "INSERT OR REPLACE INTO items (kind, id, sealed, expires_ms) "
             "VALUES (?, ?, ?, ?)");
    Stmt drop(db_, "DELETE FROM items WHERE kind = ? AND id = ?");
    ok = put.ok() && drop.ok();
    for (size_t i = 0; ok && i < items.size(); ++i) {
      put.Reset();
      put.Text(1, items[i].kind);
      put.Text(2, items[i].id);
      put.Blob(3, sealed[i]);
      put.Int(4, items[i].expires_at == absl::InfiniteFuture()
                     ? INT64_MAX
                     : absl::ToUnixMillis(items[i].expires_at));
      ok = put.Step() == SQLITE_DONE;
    }
    for (size_t i = 0; ok && i < removed.size(); ++i) {
      drop.Reset();
      drop.Text(1, removed[i].first);
      drop.Text(2, removed[i].second);
      ok = drop.Step() == SQLITE_DONE;
    }
  }
  if (batch == Batch::kLast) {
    ok = ok && PutMeta(db_, "last_sync_ms",
                       absl::StrCat(absl::ToUnixMillis(clock_->Now())));
  }
  if (!ok) {
    absl::Status error = Error(db_, "cannot apply a sync batch", path_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  return Exec(db_, "COMMIT", path_);
}

absl::Time Cache::LastSync() {
  int64_t last_ms = 0;
  std::optional<std::string> last = GetMeta(db_, "last_sync_ms");
  if (!last.has_value() || !absl::SimpleAtoi(*last, &last_ms)) {
    return absl::InfinitePast();
  }
  return absl::FromUnixMillis(last_ms);
}

absl::Status Cache::CheckFresh() {
  const absl::Time last = LastSync();
  if (last == absl::InfinitePast() || clock_->Now() >= last + offline_ttl_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the offline cache has not been synced for ",
        absl::FormatDuration(offline_ttl_),
        " or more, so nothing in it can be read; run `hubctl sync`"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Cache::Item>> Cache::Get(absl::string_view kind,
                                                      absl::string_view id) {
  absl::Status fresh = CheckFresh();
  if (!fresh.ok()) return fresh;
  Stmt s(db_, "SELECT sealed, expires_ms FROM items WHERE kind = ? AND id = ?");
  if (!s.ok()) return Error(db_, "cannot read", path_);
  s.Text(1, kind);
  s.Text(2, id);
  if (s.Step() != SQLITE_ROW) return std::nullopt;
  const int64_t expires_ms = s.ColumnInt(1);
  if (absl::ToUnixMillis(clock_->Now()) >= expires_ms) return std::nullopt;
  absl::StatusOr<std::string> value =
      key_.Open(s.ColumnBytes(0), RowKey(kind, id));
  if (!value.ok()) return value.status();
  Item item;
  item.kind = std::string(kind);
  item.id = std::string(id);
  item.value = std::move(*value);
  item.expires_at = expires_ms == INT64_MAX ? absl::InfiniteFuture()
                                            : absl::FromUnixMillis(expires_ms);
  return item;
}

absl::StatusOr<std::vector<Cache::Item>> Cache::List(absl::string_view kind) {
  absl::Status fresh = CheckFresh();
  if (!fresh.ok()) return fresh;
  std::vector<std::string> ids;
  {
    Stmt s(db_,
           "SELECT id FROM items WHERE kind = ? AND expires_ms > ? "
           "ORDER BY id");
    if (!s.ok()) return Error(db_, "cannot read", path_);
    s.Text(1, kind);
    s.Int(2, absl::ToUnixMillis(clock_->Now()));
    while (s.Step() == SQLITE_ROW) ids.push_back(s.ColumnBytes(0));
  }
  std::vector<Item> items;
  for (const std::string& id : ids) {
    absl::StatusOr<std::optional<Item>> item = Get(kind, id);
    if (!item.ok()) return item.status();
    if (item->has_value()) items.push_back(std::move(**item));
  }
  return items;
}

absl::StatusOr<std::vector<Cache::Item>> Cache::Held() {
  std::vector<Item> items;
  std::vector<std::pair<std::string, std::string>> damaged;
  {
    Stmt s(db_,
           "SELECT kind, id, sealed, expires_ms FROM items ORDER BY kind, id");
    if (!s.ok()) return Error(db_, "cannot read", path_);
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      Item item;
      item.kind = s.ColumnBytes(0);
      item.id = s.ColumnBytes(1);
      absl::StatusOr<std::string> value =
          key_.Open(s.ColumnBytes(2), RowKey(item.kind, item.id));
      if (!value.ok()) {
        // A copy of the hub's: dropped, so the sync sends it again.
        damaged.emplace_back(std::move(item.kind), std::move(item.id));
        continue;
      }
      item.value = std::move(*value);
      const int64_t expires_ms = s.ColumnInt(3);
      item.expires_at = expires_ms == INT64_MAX
                            ? absl::InfiniteFuture()
                            : absl::FromUnixMillis(expires_ms);
      items.push_back(std::move(item));
    }
    if (rc != SQLITE_DONE) return Error(db_, "cannot read", path_);
  }
  if (!damaged.empty()) {
    absl::Status dropped = Apply({}, damaged);
    if (!dropped.ok()) return dropped;
  }
  return items;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
Cache::PurgeExpired() {
  const int64_t now_ms = absl::ToUnixMillis(clock_->Now());
  std::vector<std::pair<std::string, std::string>> purged;
  {
    Stmt s(db_, "SELECT kind, id FROM items WHERE expires_ms <= ?");
    if (!s.ok()) return Error(db_, "cannot read", path_);
    s.Int(1, now_ms);
    while (s.Step() == SQLITE_ROW) {
      purged.emplace_back(s.ColumnBytes(0), s.ColumnBytes(1));
    }
  }
  Stmt drop(db_, "DELETE FROM items WHERE expires_ms <= ?");
  if (!drop.ok()) return Error(db_, "cannot purge", path_);
  drop.Int(1, now_ms);
  if (drop.Step() != SQLITE_DONE) return Error(db_, "cannot purge", path_);
  return purged;
}

absl::Status Cache::Wipe() {
  return Exec(db_,
              "BEGIN IMMEDIATE; DELETE FROM items; DELETE FROM meta WHERE "
              "name = 'last_sync_ms'; COMMIT; VACUUM;",
              path_);
}

}  // namespace hub::client
