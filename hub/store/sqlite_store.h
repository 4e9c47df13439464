// SqliteStore is the Store (and AuditStore) on an embedded SQLite database:
// WAL journal, synchronous=FULL (nothing is acknowledged before it is
// durable), versioned migrations applied on open. One writing connection,
// serialised by a mutex, and one reading connection, so reads never wait for
// a commit's fsync.
#ifndef HUB_STORE_SQLITE_STORE_H_
#define HUB_STORE_SQLITE_STORE_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "hub/store/audit_store.h"
#include "hub/store/sqlite_util.h"
#include "hub/store/store.h"

namespace hub::store {

class SqliteStore final : public Store, public AuditStore, public RecordStore {
 public:
  // The newest schema version this build knows.
  static int LatestSchemaVersion();

  // Opens (creating if needed) the database at `path` and migrates it to the
  // latest schema. `clock` must outlive the store. Returns UNAVAILABLE if the
  // file cannot be opened or written, FAILED_PRECONDITION if the database is
  // from a newer hubd or cannot use WAL, naming the path either way. `path`
  // may be a SQLite "file:" URI.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, const common::Clock* clock);

  ~SqliteStore() override;

  const std::string& instance_id() const override { return instance_id_; }
  int schema_version() const override { return schema_version_; }
  absl::Status CheckIntegrity() override;

  // The settings in force on the connection, as SQLite reports them, for the
  // start-up log line (e.g. journal_mode "wal", synchronous 2 = FULL).
  struct Settings {
    std::string journal_mode;
    int synchronous = -1;
  };
  Settings settings();

  // AuditStore (sqlite_audit_store.cc).
  absl::Status AppendAudit(absl::Span<const RecordWrite* const> writes,
                           absl::Span<const AuditRow> rows,
                           absl::Span<const AuditNode> nodes,
                           const AuditCheckpointRow* checkpoint) override;
  absl::StatusOr<uint64_t> AuditSize() override;
  absl::StatusOr<std::string> AuditCommitment(uint64_t index) override;
  absl::StatusOr<std::string> AuditNodeHash(int level, uint64_t index) override;
  absl::StatusOr<std::vector<std::string>> AuditTreeHashes(
      absl::Span<const std::pair<int, uint64_t>> nodes) override;
  absl::Status ReadAudit(uint64_t begin, uint64_t end,
                         absl::FunctionRef<void(const AuditRow&)> row) override;
  absl::Status ReadAuditNodes(
      absl::FunctionRef<void(const AuditNode&)> node) override;
  absl::StatusOr<std::vector<AuditRow>> SelectAudit(
      const AuditSelection& selection) override;
  absl::StatusOr<std::optional<AuditCheckpointRow>> LatestAuditCheckpoint()
      override;
  absl::Status ReadAuditCheckpoints(
      absl::FunctionRef<void(const AuditCheckpointRow&)> checkpoint) override;
  absl::Status EraseAuditPayload(uint64_t index) override;
  absl::Status ProbeWrite() override;

  // RecordStore (sqlite_record_store.cc).
  absl::StatusOr<std::optional<ReferralRow>> FindReferral(
      absl::string_view ref_or_id) override;
  absl::StatusOr<std::vector<ReferralRow>> SelectReferrals(
      const ReferralSelection& selection) override;
  absl::StatusOr<std::vector<ReferralRow>> ReferralsById(
      absl::Span<const std::string> ids) override;
  absl::StatusOr<std::vector<ReferralRow>> ReferralsBySubjectKey(
      absl::string_view subject_key) override;
  absl::StatusOr<int> MaxReferralSeq(absl::string_view area, int year) override;
  absl::StatusOr<std::optional<InformationRequestRow>> FindInformationRequest(
      absl::string_view id) override;
  absl::StatusOr<std::vector<InformationRequestRow>>
  InformationRequestsForReferral(absl::string_view referral_id) override;
  absl::StatusOr<std::vector<InformationRequestRow>>
  InformationRequestsForPartner(absl::string_view partner_id,
                                int limit) override;
  absl::StatusOr<std::optional<StoredReply>> FindReply(
      absl::string_view partner_id, absl::string_view request_id) override;

  // RecordStore's deconfliction index and checks (sqlite_match_store.cc).
  absl::StatusOr<std::vector<MatchEntryRow>> MatchEntriesForKeys(
      absl::Span<const int64_t> keys, int per_key_limit) override;
  absl::StatusOr<std::vector<std::string>> ReferralsAwaitingMatchIndex(
      int limit) override;
  absl::Status AddMatchEntries(
      absl::Span<const MatchEntryRow> entries) override;
  absl::StatusOr<std::optional<DeconflictionQueryRow>> FindDeconflictionQuery(
      absl::string_view query_id) override;
  absl::StatusOr<int> CountDeconflictionQueries(absl::string_view principal_id,
                                                int64_t since_ms) override;

  // RecordStore's briefings (sqlite_briefing_store.cc).
  absl::StatusOr<std::optional<BriefingRow>> FindBriefing(
      absl::string_view id) override;
  absl::StatusOr<std::vector<BriefingDeliveryRow>> BriefingDeliveries(
      absl::string_view briefing_id) override;
  absl::StatusOr<std::optional<BriefingDeliveryRow>> FindBriefingDelivery(
      absl::string_view briefing_id, absl::string_view principal_id) override;
  absl::StatusOr<std::vector<BriefingDeliveryRow>> BriefingDeliveriesFor(
      absl::string_view principal_id, int limit) override;

 private:
  SqliteStore(sqlite3* db, std::string path);

  absl::Status Migrate(const common::Clock* clock)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Applies `write` inside the writing connection's open transaction.
  absl::Status ApplyWrite(const RecordWrite& write)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Inserts `entries` into the index, inside the writing connection's open
  // transaction.
  absl::Status PutMatchEntries(absl::Span<const MatchEntryRow> entries)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status PutDeconflictionQueries(
      absl::Span<const DeconflictionQueryRow> queries)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Inserts or replaces `briefings` and `deliveries`, and marks each of
  // `delivered` delivered if it was not yet, inside the writing
  // connection's open transaction.
  absl::Status PutBriefings(absl::Span<const BriefingRow> briefings,
                            absl::Span<const BriefingDeliveryRow> deliveries,
                            absl::Span<const BriefingDeliveryRow> delivered)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  sqlite3* const db_ ABSL_GUARDED_BY(mu_);
  internal::StatementCache write_statements_ ABSL_GUARDED_BY(mu_);
  absl::Mutex read_mu_;
  sqlite3* read_db_ ABSL_GUARDED_BY(read_mu_) = nullptr;
  internal::StatementCache read_statements_ ABSL_GUARDED_BY(read_mu_);
  std::string instance_id_;
  int schema_version_ = 0;
};

}  // namespace hub::store

#endif  // HUB_STORE_SQLITE_STORE_H_
