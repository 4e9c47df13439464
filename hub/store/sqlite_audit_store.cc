// SqliteStore's AuditStore: the audit log's tables (schema version 2).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_store.h"

namespace hub::store {
namespace {

using internal::Exec;
using internal::SqliteError;
using internal::Statement;
using internal::Transaction;

constexpr char kEventColumns[] =
    "leaf_index, commitment, salt, event, time_ms, operation, allowed, police, "
    "actor_partner, parties, subject, referral";

// " P-A P-B ": each id space-delimited on both sides, so instr() with
// " P-A " matches one whole id.
std::string PartiesColumn(const std::vector<std::string>& ids) {
  if (ids.empty()) return "";
  return absl::StrCat(" ", absl::StrJoin(ids, " "), " ");
}

AuditRow RowFrom(const Statement& s) {
  AuditRow row;
  row.index = static_cast<uint64_t>(s.Int64(0));
  row.commitment = s.Blob(1);
  row.salt = s.Blob(2);
  row.event = s.Blob(3);
  row.time_ms = s.Int64(4);
  row.operation = static_cast<int>(s.Int64(5));
  row.allowed = s.Int64(6) != 0;
  row.police_domain = s.Int64(7) != 0;
  row.actor_partner_id = s.Text(8);
  for (absl::string_view id :
       absl::StrSplit(s.Text(9), ' ', absl::SkipEmpty())) {
    row.partner_ids.emplace_back(id);
  }
  row.subject_pseudonym = s.Text(10);
  row.referral_id = s.Text(11);
  return row;
}

constexpr absl::string_view kCommitmentSql =
    "SELECT commitment FROM audit_events WHERE leaf_index = ?";
constexpr absl::string_view kNodeSql =
    "SELECT hash FROM audit_nodes WHERE level = ? AND node_index = ?";
constexpr absl::string_view kSizeSql =
    "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_events";

}  // namespace

absl::Status SqliteStore::AppendAudit(
    absl::Span<const RecordWrite* const> writes,
    absl::Span<const AuditRow> rows, absl::Span<const AuditNode> nodes,
    const AuditCheckpointRow* checkpoint) {
  absl::MutexLock lock(&mu_);
  Transaction transaction(db_, path_);
  RETURN_IF_ERROR(transaction.Begin());
  for (const RecordWrite* write : writes) RETURN_IF_ERROR(ApplyWrite(*write));
  if (!rows.empty()) {
    ASSIGN_OR_RETURN(
        Statement size,
        write_statements_.Prepare(
            db_, "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_events",
            path_));
    if (size.Step() != SQLITE_ROW) {
      return SqliteError(db_, "reading the audit log size", path_);
    }
    if (static_cast<uint64_t>(size.Int64(0)) != rows.front().index) {
      return absl::FailedPreconditionError(absl::StrCat(
          path_, ": audit event ", rows.front().index,
          " does not continue the log, which holds ", size.Int64(0)));
    }
  }
  ASSIGN_OR_RETURN(
      Statement insert,
      write_statements_.Prepare(
          db_,
          absl::StrCat("INSERT INTO audit_events (", kEventColumns,
                       ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          path_));
  for (const AuditRow& row : rows) {
    insert.Reset();
    insert.BindInt64(1, static_cast<int64_t>(row.index));
    insert.BindBlob(2, row.commitment);
    insert.BindBlob(3, row.salt);
    insert.BindBlob(4, row.event);
    insert.BindInt64(5, row.time_ms);
    insert.BindInt64(6, row.operation);
    insert.BindInt64(7, row.allowed ? 1 : 0);
    insert.BindInt64(8, row.police_domain ? 1 : 0);
    insert.BindText(9, row.actor_partner_id);
    insert.BindText(10, PartiesColumn(row.partner_ids));
    insert.BindText(11, row.subject_pseudonym);
    insert.BindText(12, row.referral_id);
    if (insert.Step() != SQLITE_DONE) {
      return SqliteError(db_, "appending an audit event", path_);
    }
  }
  if (!nodes.empty()) {
    ASSIGN_OR_RETURN(Statement node, write_statements_.Prepare(
                                         db_,
                                         "INSERT INTO audit_nodes (level, "
                                         "node_index, hash) VALUES (?, ?, ?)",
                                         path_));
    for (const AuditNode& n : nodes) {
      node.Reset();
      node.BindInt64(1, n.level);
      node.BindInt64(2, static_cast<int64_t>(n.index));
      node.BindBlob(3, n.hash);
      if (node.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing an audit tree node", path_);
      }
    }
  }
  if (checkpoint != nullptr) {
    ASSIGN_OR_RETURN(
        Statement insert_checkpoint,
        write_statements_.Prepare(
            db_,
            "INSERT OR REPLACE INTO audit_checkpoints (tree_size, time_ms, "
            "body, signature) VALUES (?, ?, ?, ?)",
            path_));
    insert_checkpoint.BindInt64(1, static_cast<int64_t>(checkpoint->tree_size));
    insert_checkpoint.BindInt64(2, checkpoint->time_ms);
    insert_checkpoint.BindText(3, checkpoint->body);
    insert_checkpoint.BindBlob(4, checkpoint->signature);
    if (insert_checkpoint.Step() != SQLITE_DONE) {
      return SqliteError(db_, "storing an audit checkpoint", path_);
    }
  }
  return transaction.Commit();
}

absl::StatusOr<uint64_t> SqliteStore::AuditSize() {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement size,
                   read_statements_.Prepare(read_db_, kSizeSql, path_));
  if (size.Step() != SQLITE_ROW) {
    return SqliteError(read_db_, "reading the audit log size", path_);
  }
  return static_cast<uint64_t>(size.Int64(0));
}

absl::StatusOr<std::string> SqliteStore::AuditCommitment(uint64_t index) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement get,
                   read_statements_.Prepare(read_db_, kCommitmentSql, path_));
  get.BindInt64(1, static_cast<int64_t>(index));
  const int rc = get.Step();
  if (rc == SQLITE_ROW) return get.Blob(0);
  if (rc == SQLITE_DONE) {
    return absl::NotFoundError(absl::StrCat("no audit event ", index));
  }
  return SqliteError(read_db_, "reading an audit commitment", path_);
}

absl::StatusOr<std::string> SqliteStore::AuditNodeHash(int level,
                                                       uint64_t index) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement get,
                   read_statements_.Prepare(read_db_, kNodeSql, path_));
  get.BindInt64(1, level);
  get.BindInt64(2, static_cast<int64_t>(index));
  const int rc = get.Step();
  if (rc == SQLITE_ROW) return get.Blob(0);
  if (rc == SQLITE_DONE) {
    return absl::NotFoundError(
        absl::StrCat("no audit tree node ", level, "/", index));
  }
  return SqliteError(read_db_, "reading an audit tree node", path_);
}

absl::StatusOr<std::vector<std::string>> SqliteStore::AuditTreeHashes(
    absl::Span<const std::pair<int, uint64_t>> nodes) {
  absl::MutexLock lock(&read_mu_);
  // One read transaction for the whole proof: one snapshot, one lock.
  internal::ReadTransaction read(read_db_, path_);
  RETURN_IF_ERROR(read.Begin());
  std::vector<std::string> hashes;
  hashes.reserve(nodes.size());
  for (const auto& [level, index] : nodes) {
    ASSIGN_OR_RETURN(
        Statement get,
        read_statements_.Prepare(
            read_db_, level == 0 ? kCommitmentSql : kNodeSql, path_));
    if (level == 0) {
      get.BindInt64(1, static_cast<int64_t>(index));
    } else {
      get.BindInt64(1, level);
      get.BindInt64(2, static_cast<int64_t>(index));
    }
    const int rc = get.Step();
    if (rc == SQLITE_DONE) {
      return absl::NotFoundError(
          absl::StrCat("no audit tree node ", level, "/", index));
    }
    if (rc != SQLITE_ROW) {
      return SqliteError(read_db_, "reading audit tree hashes", path_);
    }
    hashes.push_back(get.Blob(0));
  }
  return hashes;
}

absl::Status SqliteStore::ReadAudit(
    uint64_t begin, uint64_t end,
    absl::FunctionRef<void(const AuditRow&)> row) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kEventColumns,
                                    " FROM audit_events WHERE leaf_index >= "
                                    "? AND leaf_index < ? ORDER BY leaf_index"),
                       path_));
  select.BindInt64(1, static_cast<int64_t>(begin));
  select.BindInt64(2, static_cast<int64_t>(end));
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) row(RowFrom(select));
  if (rc != SQLITE_DONE) {
    return SqliteError(read_db_, "reading audit events", path_);
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::ReadAuditNodes(
    absl::FunctionRef<void(const AuditNode&)> node) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(read_db_,
                               "SELECT level, node_index, hash FROM "
                               "audit_nodes ORDER BY level, node_index",
                               path_));
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    AuditNode n;
    n.level = static_cast<int>(select.Int64(0));
    n.index = static_cast<uint64_t>(select.Int64(1));
    n.hash = select.Blob(2);
    node(n);
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(read_db_, "reading audit tree nodes", path_);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AuditRow>> SqliteStore::SelectAudit(
    const AuditSelection& selection) {
  std::string where;
  switch (selection.kind) {
    case AuditSelection::Kind::kSubject:
      where = "(subject = ?3 OR referral = ?4)";
      break;
    case AuditSelection::Kind::kPartner:
      where = "instr(parties, ?3) > 0";
      break;
    case AuditSelection::Kind::kDenials:
      where = "allowed = 0";
      break;
  }
  const std::string sql =
      absl::StrCat("SELECT ", kEventColumns, " FROM audit_events WHERE ", where,
                   " AND leaf_index >= 0 AND time_ms >= ?1 AND time_ms <= ?2"
                   " ORDER BY leaf_index LIMIT ?5");
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(read_db_, sql, path_));
  select.BindInt64(1, selection.since_ms);
  select.BindInt64(2, selection.until_ms);
  switch (selection.kind) {
    case AuditSelection::Kind::kSubject:
      // NULL never equals anything, so an unset key matches no event.
      select.BindText(3, selection.subject_pseudonym);
      select.BindText(4, selection.referral_id);
      break;
    case AuditSelection::Kind::kPartner:
      select.BindText(3, PartiesColumn({selection.partner_id}));
      break;
    case AuditSelection::Kind::kDenials:
      break;
  }
  select.BindInt64(5, selection.limit);
  std::vector<AuditRow> rows;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) rows.push_back(RowFrom(select));
  if (rc != SQLITE_DONE) {
    return SqliteError(read_db_, "querying the audit log", path_);
  }
  return rows;
}

absl::StatusOr<std::optional<AuditCheckpointRow>>
SqliteStore::LatestAuditCheckpoint() {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       "SELECT tree_size, time_ms, body, signature FROM "
                       "audit_checkpoints ORDER BY tree_size DESC LIMIT 1",
                       path_));
  const int rc = select.Step();
  if (rc == SQLITE_DONE) return std::optional<AuditCheckpointRow>();
  if (rc != SQLITE_ROW) {
    return SqliteError(read_db_, "reading the latest checkpoint", path_);
  }
  AuditCheckpointRow row;
  row.tree_size = static_cast<uint64_t>(select.Int64(0));
  row.time_ms = select.Int64(1);
  row.body = select.Text(2);
  row.signature = select.Blob(3);
  return std::optional<AuditCheckpointRow>(std::move(row));
}

absl::Status SqliteStore::ReadAuditCheckpoints(
    absl::FunctionRef<void(const AuditCheckpointRow&)> checkpoint) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       "SELECT tree_size, time_ms, body, signature FROM "
                       "audit_checkpoints ORDER BY tree_size",
                       path_));
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    AuditCheckpointRow row;
    row.tree_size = static_cast<uint64_t>(select.Int64(0));
    row.time_ms = select.Int64(1);
    row.body = select.Text(2);
    row.signature = select.Blob(3);
    checkpoint(row);
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(read_db_, "reading audit checkpoints", path_);
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::EraseAuditPayload(uint64_t index) {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Statement erase,
                   write_statements_.Prepare(
                       db_,
                       "UPDATE audit_events SET salt = NULL, event = NULL, "
                       "actor_partner = NULL, parties = NULL, subject = NULL, "
                       "referral = NULL WHERE leaf_index = ?",
                       path_));
  erase.BindInt64(1, static_cast<int64_t>(index));
  if (erase.Step() != SQLITE_DONE) {
    return SqliteError(db_, "erasing an audit payload", path_);
  }
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("no audit event ", index));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::ProbeWrite() {
  absl::MutexLock lock(&mu_);
  return Exec(db_,
              "INSERT INTO write_probe (singleton, probes) VALUES (1, 1) "
              "ON CONFLICT (singleton) DO UPDATE SET probes = probes + 1",
              path_);
}

}  // namespace hub::store
