// SqliteStore's briefing tables (schema version 6): published CTLP
// briefings and each recipient's copy. Writes run inside AppendAudit's
// transaction (ApplyWrite), beside the events of the calls that make them.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_store.h"

namespace hub::store {
namespace {

using internal::SqliteError;
using internal::Statement;

constexpr char kBriefingColumns[] =
    "id, owner_partner, state, published_ms, version, record";

constexpr char kDeliveryColumns[] =
    "briefing_id, principal, partner, audience, watermark_id, published_ms, "
    "delivered_ms, acknowledged_ms, conditions_sha256, opened_ms, "
    "purge_attested_ms";

absl::StatusOr<std::vector<BriefingDeliveryRow>> AllDeliveries(
    Statement& select, sqlite3* db, absl::string_view path) {
  std::vector<BriefingDeliveryRow> rows;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    BriefingDeliveryRow row;
    row.briefing_id = select.Text(0);
    row.principal_id = select.Text(1);
    row.partner_id = select.Text(2);
    row.audience = static_cast<int>(select.Int64(3));
    row.watermark_id = select.Text(4);
    row.published_ms = select.Int64(5);
    row.delivered_ms = select.Int64(6);
    row.acknowledged_ms = select.Int64(7);
    row.conditions_sha256 = select.Text(8);
    row.opened_ms = select.Int64(9);
    row.purge_attested_ms = select.Int64(10);
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(db, "reading briefing deliveries", path);
  }
  return rows;
}

}  // namespace

absl::Status SqliteStore::PutBriefings(
    absl::Span<const BriefingRow> briefings,
    absl::Span<const BriefingDeliveryRow> deliveries,
    absl::Span<const BriefingDeliveryRow> delivered) {
  if (!briefings.empty()) {
    ASSIGN_OR_RETURN(
        Statement put,
        write_statements_.Prepare(
            db_,
            absl::StrCat("INSERT OR REPLACE INTO briefings (", kBriefingColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?)"),
            path_));
    for (const BriefingRow& row : briefings) {
      put.Reset();
      put.BindText(1, row.id);
      put.BindText(2, row.owner_partner_id);
      put.BindInt64(3, row.state);
      put.BindInt64(4, row.published_ms);
      put.BindInt64(5, row.version);
      put.BindBlob(6, row.record);
      if (put.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing a briefing", path_);
      }
    }
  }
  if (!deliveries.empty()) {
    ASSIGN_OR_RETURN(
        Statement put,
        write_statements_.Prepare(
            db_,
            absl::StrCat("INSERT OR REPLACE INTO briefing_deliveries (",
                         kDeliveryColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            path_));
    for (const BriefingDeliveryRow& row : deliveries) {
      put.Reset();
      put.BindText(1, row.briefing_id);
      put.BindText(2, row.principal_id);
      put.BindText(3, row.partner_id);
      put.BindInt64(4, row.audience);
      put.BindText(5, row.watermark_id);
      put.BindInt64(6, row.published_ms);
      put.BindInt64(7, row.delivered_ms);
      put.BindInt64(8, row.acknowledged_ms);
      put.BindText(9, row.conditions_sha256);
      put.BindInt64(10, row.opened_ms);
      put.BindInt64(11, row.purge_attested_ms);
      if (put.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing a briefing delivery", path_);
      }
    }
  }
  if (!delivered.empty()) {
    ASSIGN_OR_RETURN(Statement mark,
                     write_statements_.Prepare(
                         db_,
                         "UPDATE briefing_deliveries SET delivered_ms = ? "
                         "WHERE briefing_id = ? AND principal = ? AND "
                         "delivered_ms = 0",
                         path_));
    for (const BriefingDeliveryRow& row : delivered) {
      mark.Reset();
      mark.BindInt64(1, row.delivered_ms);
      mark.BindText(2, row.briefing_id);
      mark.BindText(3, row.principal_id);
      if (mark.Step() != SQLITE_DONE) {
        return SqliteError(db_, "marking a briefing delivered", path_);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<BriefingRow>> SqliteStore::FindBriefing(
    absl::string_view id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(read_db_,
                               absl::StrCat("SELECT ", kBriefingColumns,
                                            " FROM briefings WHERE id = ?"),
                               path_));
  select.BindText(1, id);
  const int rc = select.Step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) {
    return SqliteError(read_db_, "reading a briefing", path_);
  }
  BriefingRow row;
  row.id = select.Text(0);
  row.owner_partner_id = select.Text(1);
  row.state = static_cast<int>(select.Int64(2));
  row.published_ms = select.Int64(3);
  row.version = select.Int64(4);
  row.record = select.Blob(5);
  return row;
}

absl::StatusOr<std::vector<BriefingDeliveryRow>>
SqliteStore::BriefingDeliveries(absl::string_view briefing_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kDeliveryColumns,
                                    " FROM briefing_deliveries WHERE "
                                    "briefing_id = ? ORDER BY principal"),
                       path_));
  select.BindText(1, briefing_id);
  return AllDeliveries(select, read_db_, path_);
}

absl::StatusOr<std::optional<BriefingDeliveryRow>>
SqliteStore::FindBriefingDelivery(absl::string_view briefing_id,
                                  absl::string_view principal_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kDeliveryColumns,
                                    " FROM briefing_deliveries WHERE "
                                    "briefing_id = ? AND principal = ?"),
                       path_));
  select.BindText(1, briefing_id);
  select.BindText(2, principal_id);
  ASSIGN_OR_RETURN(std::vector<BriefingDeliveryRow> rows,
                   AllDeliveries(select, read_db_, path_));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

absl::StatusOr<std::vector<BriefingDeliveryRow>>
SqliteStore::BriefingDeliveriesFor(absl::string_view principal_id, int limit) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(
          read_db_,
          absl::StrCat("SELECT ", kDeliveryColumns,
                       " FROM briefing_deliveries WHERE principal = ? "
                       "ORDER BY published_ms DESC, briefing_id LIMIT ?"),
          path_));
  select.BindText(1, principal_id);
  select.BindInt64(2, static_cast<int64_t>(limit) + 1);
  return AllDeliveries(select, read_db_, path_);
}

}  // namespace hub::store
