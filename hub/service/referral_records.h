// What the ReferralService's handlers share: a stored referral with its case
// file parsed, the facts the policy engine needs of it, the authorisation
// that makes a hidden referral look missing, idempotent replies, and the
// write that commits a changed case file with its call's audit event.
// Internal to hub/service.
#ifndef HUB_SERVICE_REFERRAL_RECORDS_H_
#define HUB_SERVICE_REFERRAL_RECORDS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/service/call_runner.h"
#include "hub/service/record_locks.h"
#include "hub/store/record_store.h"
#include "policy/decide.h"
#include "proto/hub.pb.h"
#include "proto/records.pb.h"

namespace hub::service {

// A stored referral with its case file parsed.
struct StoredReferral {
  store::ReferralRow row;
  prevent::records::v1::CaseFile file;
};

absl::StatusOr<StoredReferral> ParseReferral(store::ReferralRow row);

// The referral whose reference or id is `ref_or_id`; nullopt if none.
absl::StatusOr<std::optional<StoredReferral>> LoadReferral(
    store::RecordStore& store, absl::string_view ref_or_id);

// The referral `key` names, read again under its lock, which `call` holds
// until its write commits; nullopt if there is none.
absl::StatusOr<std::optional<StoredReferral>> LoadLocked(
    store::RecordStore& store, RecordLocks& locks, Call& call,
    absl::string_view key);

// The start of every change to one referral: reads the referral `key`
// names under its lock (LoadLocked), decides UPDATE on it for `context`
// (hidden or missing: NOT_FOUND, AuthorizeReferral), and for a repeat of
// the caller's request id to `method` fills `response` with the first reply
// (Replayed). Returns the referral to change, or nullopt for a repeat,
// whose handler returns OK with `response` as it stands.
absl::StatusOr<std::optional<StoredReferral>> BeginUpdate(
    store::RecordStore& store, RecordLocks& locks, Call& call,
    absl::string_view key, const prevent::hub::v1::RequestContext& context,
    absl::string_view method, google::protobuf::Message* response);

void SetTime(absl::Time t, google::protobuf::Timestamp* out);

// The area that routes a referral: the subject's home address, else the
// first address given.
std::string AreaOf(const prevent::records::v1::Subject& subject);

// T2, P12: the subject is a child at `when`, or lives with one.
bool ChildConcerned(const prevent::records::v1::CaseFile& file,
                    absl::Time when);

// What the policy engine needs to know of a stored referral. Views into
// `stored`, which must outlive the result.
policy::Resource ResourceOf(const StoredReferral& stored);
// The same from the row alone, if it records child_concerned (rows stored
// before it was recorded do not); views into `row`.
std::optional<policy::Resource> ResourceOfRow(const store::ReferralRow& row);

// The first active partner of `type` serving `area`, or null.
const policy::Partner* Serving(const policy::Policy& policy,
                               absl::string_view area,
                               prevent::policy::v1::Partner::Type type);

std::vector<prevent::policy::v1::Role> RolesOf(
    const policy::Principal& principal);

bool HasRole(const policy::Principal& principal,
             prevent::policy::v1::Role role);

// INVALID_ARGUMENT unless `key` could be a referral's reference or id.
absl::Status CheckReferralKey(absl::string_view key);

// INVALID_ARGUMENT naming `field` unless `text` is 1 (0 if `optional`) to
// `max_chars` characters of valid UTF-8.
absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int64_t max_chars, bool optional = false);

// Holds, for the rest of `call`, the lock on the caller's partner's
// `request_id`, so two copies of one idempotent request are applied one
// after the other and the second finds the first's stored reply.
void HoldRequest(RecordLocks& locks, Call& call, absl::string_view request_id);

// The stored reply to a repeat of `request_id`, if the caller made it;
// INVALID_ARGUMENT if the id was used for a different method or by someone
// else.
absl::StatusOr<std::optional<std::string>> Replay(store::RecordStore& store,
                                                  const Call& call,
                                                  absl::string_view method,
                                                  absl::string_view request_id);

// For a repeat of the caller's `request_id` to `method`: parses the first
// reply into `response`, marks the call a CONSULT and returns true. False
// for a new request.
absl::StatusOr<bool> Replayed(store::RecordStore& store, Call& call,
                              absl::string_view method,
                              absl::string_view request_id,
                              google::protobuf::Message* response);

store::StoredReply ReplyFor(const Call& call, absl::string_view method,
                            absl::string_view request_id,
                            const google::protobuf::Message& response);

// Decides `action` on the referral the caller named as `key` (`found`, or
// none). Hidden or missing, the answer is NOT_FOUND naming only `key`. For a
// part of the case file another partner supplied (e.g. the CT police's
// deconfliction outcome), `part_source` is that partner.
absl::Status AuthorizeReferral(Call& call, policy::Action action,
                               const std::optional<StoredReferral>& found,
                               absl::string_view key,
                               const prevent::hub::v1::RequestContext& context,
                               absl::string_view part_source = "");

// A workflow call serves one purpose: a rule that lets the caller change the
// case for another purpose does not let it make this call. Otherwise a
// POLICY_DENY (PURPOSE_NOT_IN_RULE), PERMISSION_DENIED naming
// context.purpose; `what` names the call for the message.
// REQUIRES: the call has been authorised on the referral.
absl::Status RequirePurpose(Call& call,
                            const prevent::hub::v1::RequestContext& context,
                            prevent::policy::v1::Purpose purpose,
                            absl::string_view what);

// Hands `call` the change of `found` to `file` in `state`, with the reply
// to keep for a repeat of context.request_id (if any).
void SetReferralWrite(Call& call, const StoredReferral& found,
                      const prevent::records::v1::CaseFile& file,
                      prevent::policy::v1::ReferralState state,
                      absl::string_view method,
                      const prevent::hub::v1::RequestContext& context,
                      const google::protobuf::Message& response);

}  // namespace hub::service

#endif  // HUB_SERVICE_REFERRAL_RECORDS_H_
