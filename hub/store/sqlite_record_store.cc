// SqliteStore's RecordStore: referrals, stored replies (schema version 3) and
// information requests (schema version 4).
// Reads use the reading connection; writes run inside AppendAudit's
// transaction, beside the events of the calls that make them.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "hub/store/sqlite_store.h"

namespace hub::store {
namespace {

using internal::SqliteError;
using internal::Statement;

// The referral columns in ReferralFrom's order; `record` is the case file
// or, for a selection without records, an empty blob.
std::string ReferralColumns(absl::string_view record = "record") {
  return absl::StrCat(
      "id, ref, area, year, seq, source_partner, referrer, subject_id, "
      "subject_key, state, received_ms, version, ",
      record, ", child_concerned");
}
// Ids per ReferralsById statement.
constexpr size_t kIdsPerSelect = 256;

ReferralRow ReferralFrom(const Statement& s) {
  ReferralRow row;
  row.id = s.Text(0);
  row.ref = s.Text(1);
  row.area = s.Text(2);
  row.year = static_cast<int>(s.Int64(3));
  row.seq = static_cast<int>(s.Int64(4));
  row.source_partner_id = s.Text(5);
  row.referrer_principal_id = s.Text(6);
  row.subject_id = s.Text(7);
  row.subject_key = s.Text(8);
  row.state = static_cast<int>(s.Int64(9));
  row.received_ms = s.Int64(10);
  row.version = s.Int64(11);
  row.record = s.Blob(12);
  if (!s.IsNull(13)) row.child_concerned = s.Int64(13) != 0;
  return row;
}

absl::StatusOr<std::vector<ReferralRow>> AllRows(Statement& select, sqlite3* db,
                                                 absl::string_view path) {
  std::vector<ReferralRow> rows;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    rows.push_back(ReferralFrom(select));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, "reading referrals", path);
  return rows;
}

constexpr char kRequestColumns[] =
    "id, referral_id, recipient_partner, requester, state, sent_ms, due_ms, "
    "version, record";

absl::StatusOr<std::vector<InformationRequestRow>> AllRequests(
    Statement& select, sqlite3* db, absl::string_view path) {
  std::vector<InformationRequestRow> rows;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    InformationRequestRow row;
    row.id = select.Text(0);
    row.referral_id = select.Text(1);
    row.recipient_partner_id = select.Text(2);
    row.requester_principal_id = select.Text(3);
    row.state = static_cast<int>(select.Int64(4));
    row.sent_ms = select.Int64(5);
    row.due_ms = select.Int64(6);
    row.version = select.Int64(7);
    row.record = select.Blob(8);
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) {
    return SqliteError(db, "reading information requests", path);
  }
  return rows;
}

}  // namespace

absl::Status SqliteStore::ApplyWrite(const RecordWrite& write) {
  if (!write.referrals.empty()) {
    ASSIGN_OR_RETURN(
        Statement put,
        write_statements_.Prepare(
            db_,
            absl::StrCat("INSERT OR REPLACE INTO referrals (",
                         ReferralColumns(),
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            path_));
    for (const ReferralRow& row : write.referrals) {
      put.Reset();
      put.BindText(1, row.id);
      put.BindText(2, row.ref);
      put.BindText(3, row.area);
      put.BindInt64(4, row.year);
      put.BindInt64(5, row.seq);
      put.BindText(6, row.source_partner_id);
      put.BindText(7, row.referrer_principal_id);
      put.BindText(8, row.subject_id);
      put.BindText(9, row.subject_key);
      put.BindInt64(10, row.state);
      put.BindInt64(11, row.received_ms);
      put.BindInt64(12, row.version);
      put.BindBlob(13, row.record);
      if (row.child_concerned.has_value()) {
        put.BindInt64(14, *row.child_concerned ? 1 : 0);
      } else {
        put.BindNull(14);
      }
      if (put.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing a referral", path_);
      }
    }
  }
  if (!write.information_requests.empty()) {
    ASSIGN_OR_RETURN(
        Statement put,
        write_statements_.Prepare(
            db_,
            absl::StrCat("INSERT OR REPLACE INTO information_requests (",
                         kRequestColumns,
                         ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            path_));
    for (const InformationRequestRow& row : write.information_requests) {
      put.Reset();
      put.BindText(1, row.id);
      put.BindText(2, row.referral_id);
      put.BindText(3, row.recipient_partner_id);
      put.BindText(4, row.requester_principal_id);
      put.BindInt64(5, row.state);
      put.BindInt64(6, row.sent_ms);
      put.BindInt64(7, row.due_ms);
      put.BindInt64(8, row.version);
      put.BindBlob(9, row.record);
      if (put.Step() != SQLITE_DONE) {
        return SqliteError(db_, "storing an information request", path_);
      }
    }
  }
  RETURN_IF_ERROR(PutMatchEntries(write.match_entries));
  RETURN_IF_ERROR(PutDeconflictionQueries(write.deconfliction_queries));
  RETURN_IF_ERROR(PutBriefings(write.briefings, write.briefing_deliveries,
                               write.briefings_delivered));
  if (write.reply.has_value()) {
    ASSIGN_OR_RETURN(Statement put,
                     write_statements_.Prepare(
                         db_,
                         "INSERT INTO replies (partner, request_id, "
                         "principal, method, reply) VALUES (?, ?, ?, ?, ?)",
                         path_));
    const StoredReply& reply = *write.reply;
    put.BindText(1, reply.partner_id);
    put.BindText(2, reply.request_id);
    put.BindText(3, reply.principal_id);
    put.BindText(4, reply.method);
    put.BindBlob(5, reply.reply);
    if (put.Step() != SQLITE_DONE) {
      return SqliteError(db_, "storing a request's reply", path_);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ReferralRow>> SqliteStore::FindReferral(
    absl::string_view ref_or_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", ReferralColumns(),
                                    " FROM referrals WHERE ref = ?1 "
                                    "UNION ALL SELECT ",
                                    ReferralColumns(),
                                    " FROM referrals WHERE id = ?1 LIMIT 1"),
                       path_));
  select.BindText(1, ref_or_id);
  ASSIGN_OR_RETURN(std::vector<ReferralRow> rows,
                   AllRows(select, read_db_, path_));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

absl::StatusOr<std::vector<ReferralRow>> SqliteStore::SelectReferrals(
    const ReferralSelection& selection) {
  std::vector<std::string> who;
  if (!selection.areas.empty()) {
    std::vector<std::string> marks(selection.areas.size(), "?");
    who.push_back(absl::StrCat("area IN (", absl::StrJoin(marks, ", "), ")"));
  }
  if (!selection.referrer_principal_id.empty()) who.push_back("referrer = ?");
  if (who.empty()) return std::vector<ReferralRow>();
  std::string sql = absl::StrCat(
      "SELECT ",
      selection.with_records ? ReferralColumns() : ReferralColumns("X''"),
      " FROM referrals WHERE (", absl::StrJoin(who, " OR "), ")");
  if (selection.state != 0) absl::StrAppend(&sql, " AND state = ?");
  absl::StrAppend(&sql, " ORDER BY received_ms DESC, ref DESC LIMIT ?");

  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(read_db_, sql, path_));
  int i = 1;
  for (const std::string& area : selection.areas) select.BindText(i++, area);
  if (!selection.referrer_principal_id.empty()) {
    select.BindText(i++, selection.referrer_principal_id);
  }
  if (selection.state != 0) select.BindInt64(i++, selection.state);
  select.BindInt64(i, static_cast<int64_t>(selection.limit) + 1);
  return AllRows(select, read_db_, path_);
}

absl::StatusOr<std::vector<ReferralRow>> SqliteStore::ReferralsById(
    absl::Span<const std::string> ids) {
  std::vector<ReferralRow> rows;
  absl::MutexLock lock(&read_mu_);
  for (size_t first = 0; first < ids.size(); first += kIdsPerSelect) {
    const absl::Span<const std::string> chunk =
        ids.subspan(first, kIdsPerSelect);
    std::vector<std::string> marks(chunk.size(), "?");
    ASSIGN_OR_RETURN(
        Statement select,
        read_statements_.Prepare(read_db_,
                                 absl::StrCat("SELECT ", ReferralColumns(),
                                              " FROM referrals WHERE id IN (",
                                              absl::StrJoin(marks, ", "), ")"),
                                 path_));
    for (size_t i = 0; i < chunk.size(); ++i) {
      select.BindText(static_cast<int>(i + 1), chunk[i]);
    }
    ASSIGN_OR_RETURN(std::vector<ReferralRow> some,
                     AllRows(select, read_db_, path_));
    for (ReferralRow& row : some) rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<std::vector<ReferralRow>> SqliteStore::ReferralsBySubjectKey(
    absl::string_view subject_key) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", ReferralColumns(),
                                    " FROM referrals WHERE subject_key = ? "
                                    "ORDER BY received_ms, ref"),
                       path_));
  select.BindText(1, subject_key);
  return AllRows(select, read_db_, path_);
}

absl::StatusOr<int> SqliteStore::MaxReferralSeq(absl::string_view area,
                                                int year) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(read_db_,
                               "SELECT COALESCE(MAX(seq), 0) FROM "
                               "referrals WHERE area = ? AND year = ?",
                               path_));
  select.BindText(1, area);
  select.BindInt64(2, year);
  if (select.Step() != SQLITE_ROW) {
    return SqliteError(read_db_, "reading referral numbers", path_);
  }
  return static_cast<int>(select.Int64(0));
}

absl::StatusOr<std::optional<InformationRequestRow>>
SqliteStore::FindInformationRequest(absl::string_view id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kRequestColumns,
                                    " FROM information_requests WHERE id = ?"),
                       path_));
  select.BindText(1, id);
  ASSIGN_OR_RETURN(std::vector<InformationRequestRow> rows,
                   AllRequests(select, read_db_, path_));
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

absl::StatusOr<std::vector<InformationRequestRow>>
SqliteStore::InformationRequestsForReferral(absl::string_view referral_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kRequestColumns,
                                    " FROM information_requests WHERE "
                                    "referral_id = ? ORDER BY sent_ms, id"),
                       path_));
  select.BindText(1, referral_id);
  return AllRequests(select, read_db_, path_);
}

absl::StatusOr<std::vector<InformationRequestRow>>
SqliteStore::InformationRequestsForPartner(absl::string_view partner_id,
                                           int limit) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(Statement select,
                   read_statements_.Prepare(
                       read_db_,
                       absl::StrCat("SELECT ", kRequestColumns,
                                    " FROM information_requests WHERE "
                                    "recipient_partner = ? ORDER BY sent_ms "
                                    "DESC, id DESC LIMIT ?"),
                       path_));
  select.BindText(1, partner_id);
  select.BindInt64(2, static_cast<int64_t>(limit) + 1);
  return AllRequests(select, read_db_, path_);
}

absl::StatusOr<std::optional<StoredReply>> SqliteStore::FindReply(
    absl::string_view partner_id, absl::string_view request_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(
      Statement select,
      read_statements_.Prepare(read_db_,
                               "SELECT principal, method, reply FROM replies "
                               "WHERE partner = ? AND request_id = ?",
                               path_));
  select.BindText(1, partner_id);
  select.BindText(2, request_id);
  const int rc = select.Step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) {
    return SqliteError(read_db_, "reading a request's reply", path_);
  }
  StoredReply reply;
  reply.partner_id = std::string(partner_id);
  reply.request_id = std::string(request_id);
  reply.principal_id = select.Text(0);
  reply.method = select.Text(1);
  reply.reply = select.Blob(2);
  return reply;
}

}  // namespace hub::store
