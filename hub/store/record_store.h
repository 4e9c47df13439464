// RecordStore holds the partnership's records: referrals with their case
// files, information requests with their answers, the deconfliction index and
// checks, CTLP briefings with their recipients' copies, and the first reply to
// every idempotent request. Writes are not made here but handed to
// AuditStore::AppendAudit as a RecordWrite, so each data change commits in the
// same transaction as the audit event of the call that made it (TESTING I4): a
// change is never durable without its event. Records are stored as opaque
// serialised bytes beside the columns the hub looks them up by; hub/store never
// parses them.
#ifndef HUB_STORE_RECORD_STORE_H_
#define HUB_STORE_RECORD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hub::store {

// One referral and its case file.
struct ReferralRow {
  std::string id;   // UUID, assigned by the hub
  std::string ref;  // e.g. "PRV-WXC-2025-000123"; unique
  std::string area;
  int year = 0;                   // of the reference
  int seq = 0;                    // the reference's number within area and year
  std::string source_partner_id;  // the referrer's partner
  std::string referrer_principal_id;  // who submitted it
  std::string subject_id;             // hub-internal subject UUID
  std::string subject_key;            // keyed hash that links re-referrals
  int state = 0;                      // prevent.policy.v1.ReferralState
  int64_t received_ms = 0;
  int64_t version = 0;  // bumped on every change
  std::string record;   // the serialised case file
  // Whether the subject was under 18 on receipt or a child is in the
  // household, as the case file says: set by the hub on every write, so the
  // policy can be asked without parsing the record. Unset for rows stored
  // before the hub recorded it (schema version 7).
  std::optional<bool> child_concerned;
};

// One information request to a partner, with its answer once given.
struct InformationRequestRow {
  std::string id;  // UUID, assigned by the hub
  std::string referral_id;
  std::string recipient_partner_id;
  std::string requester_principal_id;
  int state = 0;  // prevent.records.v1.InformationRequest.State
  int64_t sent_ms = 0;
  int64_t due_ms = 0;
  int64_t version = 0;  // bumped on every change
  std::string record;   // the serialised request and answer
};

// One referral's subject in the deconfliction index (hub/deconfliction):
// the normalised person and the keyed hashes of its blocking keys.
struct MatchEntryRow {
  std::string referral_id;
  std::string subject_id;
  std::string profile;        // serialised prevent.match.v1.MatchProfile
  std::vector<int64_t> keys;  // when writing; not filled when read
};

// One deconfliction check, kept for its outcome and the daily query limit.
struct DeconflictionQueryRow {
  std::string query_id;  // UUID, assigned by the hub
  std::string referral_id;
  std::string principal_id;  // who ran it
  int64_t at_ms = 0;
};

// One published CTLP briefing (hub/briefings).
struct BriefingRow {
  std::string id;  // assigned by the hub
  std::string owner_partner_id;
  int state = 0;  // prevent.records.v1.Briefing.State
  int64_t published_ms = 0;
  int64_t version = 0;  // bumped on every change
  std::string record;   // the serialised prevent.records.v1.Briefing
};

// One recipient's copy of a briefing. Each time is 0 until it happens.
struct BriefingDeliveryRow {
  std::string briefing_id;
  std::string principal_id;
  std::string partner_id;
  int audience = 0;          // prevent.policy.v1.Audience
  std::string watermark_id;  // unique
  int64_t published_ms = 0;
  int64_t delivered_ms = 0;
  int64_t acknowledged_ms = 0;
  std::string conditions_sha256;  // the conditions accepted
  int64_t opened_ms = 0;
  int64_t purge_attested_ms = 0;
};

// The first reply to an idempotent request, returned to every repeat.
struct StoredReply {
  std::string partner_id;
  std::string request_id;
  std::string principal_id;
  std::string method;
  std::string reply;  // the serialised response
};

// What one call changes, committed with its audit event.
struct RecordWrite {
  std::vector<ReferralRow> referrals;  // inserted, or replaced by id
  // Inserted, or replaced by id.
  std::vector<InformationRequestRow> information_requests;
  std::optional<StoredReply> reply;
  // Inserted once per referral; a repeat is ignored.
  std::vector<MatchEntryRow> match_entries;
  std::vector<DeconflictionQueryRow> deconfliction_queries;  // inserted
  std::vector<BriefingRow> briefings;  // inserted, or replaced by id
  // Inserted, or replaced by (briefing_id, principal_id).
  std::vector<BriefingDeliveryRow> briefing_deliveries;
  // Copies first delivered: delivered_ms set where it is still 0, whatever
  // else a concurrent call changed in the row.
  std::vector<BriefingDeliveryRow> briefings_delivered;

  bool empty() const {
    return referrals.empty() && information_requests.empty() &&
           !reply.has_value() && match_entries.empty() &&
           deconfliction_queries.empty() && briefings.empty() &&
           briefing_deliveries.empty() && briefings_delivered.empty();
  }
};

// Which referrals a list asks for: those in any of `areas` or submitted by
// `referrer_principal_id` (either may be empty), in `state` if not 0,
// newest first.
struct ReferralSelection {
  std::vector<std::string> areas;
  std::string referrer_principal_id;
  int state = 0;
  int limit = 500;
  // False: the rows come without `record` (empty), for a caller that reads
  // the records it needs afterwards (ReferralsById).
  bool with_records = true;
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // The referral whose reference or id is `ref_or_id`; nullopt if none.
  virtual absl::StatusOr<std::optional<ReferralRow>> FindReferral(
      absl::string_view ref_or_id) = 0;

  // Up to selection.limit + 1 referrals (so a caller can tell there were
  // more).
  virtual absl::StatusOr<std::vector<ReferralRow>> SelectReferrals(
      const ReferralSelection& selection) = 0;

  // The referrals with these ids, records included, in no set order; ids
  // with no referral are left out.
  virtual absl::StatusOr<std::vector<ReferralRow>> ReferralsById(
      absl::Span<const std::string> ids) = 0;

  // Every referral about the subject `subject_key` links to, oldest first.
  virtual absl::StatusOr<std::vector<ReferralRow>> ReferralsBySubjectKey(
      absl::string_view subject_key) = 0;

  // The highest reference number used in `area` and `year` (0 if none).
  virtual absl::StatusOr<int> MaxReferralSeq(absl::string_view area,
                                             int year) = 0;

  // The information request `id`; nullopt if none.
  virtual absl::StatusOr<std::optional<InformationRequestRow>>
  FindInformationRequest(absl::string_view id) = 0;

  // The information requests on referral `referral_id`, oldest first.
  virtual absl::StatusOr<std::vector<InformationRequestRow>>
  InformationRequestsForReferral(absl::string_view referral_id) = 0;

  // Up to `limit` + 1 information requests addressed to `partner_id`,
  // newest first.
  virtual absl::StatusOr<std::vector<InformationRequestRow>>
  InformationRequestsForPartner(absl::string_view partner_id, int limit) = 0;

  // The deconfliction index entries stored under any of `keys`, each once,
  // reading at most `per_key_limit` under any one key.
  virtual absl::StatusOr<std::vector<MatchEntryRow>> MatchEntriesForKeys(
      absl::Span<const int64_t> keys, int per_key_limit) = 0;

  // Referrals stored before the deconfliction index existed (schema 5) and
  // not yet in it: up to `limit` ids.
  virtual absl::StatusOr<std::vector<std::string>> ReferralsAwaitingMatchIndex(
      int limit) = 0;

  // Adds `entries` to the index outside any call, and takes them off the
  // awaiting list: the index is derived from referrals already stored and
  // audited, so this changes no record.
  virtual absl::Status AddMatchEntries(
      absl::Span<const MatchEntryRow> entries) = 0;

  // The deconfliction check `query_id`; nullopt if none.
  virtual absl::StatusOr<std::optional<DeconflictionQueryRow>>
  FindDeconflictionQuery(absl::string_view query_id) = 0;

  // How many checks `principal_id` has run since `since_ms`.
  virtual absl::StatusOr<int> CountDeconflictionQueries(
      absl::string_view principal_id, int64_t since_ms) = 0;

  // The briefing `id`; nullopt if none.
  virtual absl::StatusOr<std::optional<BriefingRow>> FindBriefing(
      absl::string_view id) = 0;

  // Every copy of briefing `briefing_id`, by principal.
  virtual absl::StatusOr<std::vector<BriefingDeliveryRow>> BriefingDeliveries(
      absl::string_view briefing_id) = 0;

  // `principal_id`'s copy of briefing `briefing_id`; nullopt if none.
  virtual absl::StatusOr<std::optional<BriefingDeliveryRow>>
  FindBriefingDelivery(absl::string_view briefing_id,
                       absl::string_view principal_id) = 0;

  // Up to `limit` + 1 copies sent to `principal_id`, newest first.
  virtual absl::StatusOr<std::vector<BriefingDeliveryRow>>
  BriefingDeliveriesFor(absl::string_view principal_id, int limit) = 0;

  // The reply stored for (partner_id, request_id); nullopt if none.
  virtual absl::StatusOr<std::optional<StoredReply>> FindReply(
      absl::string_view partner_id, absl::string_view request_id) = 0;
};

}  // namespace hub::store

#endif  // HUB_STORE_RECORD_STORE_H_
