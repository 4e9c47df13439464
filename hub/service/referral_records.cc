#include "hub/service/referral_records.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "hub/referrals/submission_validator.h"

namespace hub::service {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;

namespace {
constexpr size_t kMaxReferralKey = 64;
}  // namespace

absl::StatusOr<StoredReferral> ParseReferral(store::ReferralRow row) {
  StoredReferral stored;
  if (!stored.file.ParseFromString(row.record)) {
    return absl::DataLossError(
        absl::StrCat("referral ", row.ref, " is stored damaged"));
  }
  stored.row = std::move(row);
  return stored;
}

absl::StatusOr<std::optional<StoredReferral>> LoadReferral(
    store::RecordStore& store, absl::string_view ref_or_id) {
  ASSIGN_OR_RETURN(std::optional<store::ReferralRow> row,
                   store.FindReferral(ref_or_id));
  if (!row.has_value()) return std::nullopt;
  return ParseReferral(std::move(*row));
}

absl::StatusOr<std::optional<StoredReferral>> LoadLocked(
    store::RecordStore& store, RecordLocks& locks, Call& call,
    absl::string_view key) {
  ASSIGN_OR_RETURN(std::optional<StoredReferral> found,
                   LoadReferral(store, key));
  if (!found.has_value()) return found;
  // Re-read under the referral's lock, so no other change interleaves.
  call.Hold(locks.Lock(found->row.id));
  return LoadReferral(store, found->row.id);
}

absl::StatusOr<std::optional<StoredReferral>> BeginUpdate(
    store::RecordStore& store, RecordLocks& locks, Call& call,
    absl::string_view key, const api::RequestContext& context,
    absl::string_view method, google::protobuf::Message* response) {
  ASSIGN_OR_RETURN(std::optional<StoredReferral> found,
                   LoadLocked(store, locks, call, key));
  RETURN_IF_ERROR(AuthorizeReferral(call, pb::UPDATE, found, key, context));
  ASSIGN_OR_RETURN(
      const bool replayed,
      Replayed(store, call, method, context.request_id(), response));
  if (replayed) return std::nullopt;
  return found;
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t ms = absl::ToUnixMillis(t);
  out->set_seconds(ms / 1000);
  out->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
}

// The area that routes a referral: the subject's home address, else the
// first address given.
std::string AreaOf(const rec::Subject& subject) {
  for (const rec::Address& address : subject.addresses()) {
    if (address.type() == rec::Address::HOME) return address.area_code();
  }
  return subject.addresses().empty() ? "" : subject.addresses(0).area_code();
}

// T2, P12: the subject is a child when referred, or lives with one.
bool ChildConcerned(const rec::CaseFile& file, absl::Time when) {
  return referrals::AgeOn(file.subject().identity().dob(), when) < 18 ||
         file.referral().child_in_household();
}

// What the policy engine needs to know of a stored referral. Views into
// `stored`, which must outlive the result.
namespace {

policy::Resource ResourceWith(const store::ReferralRow& row,
                              bool child_concerned) {
  policy::Resource resource;
  resource.record = pb::CASE;
  resource.id = row.id;
  resource.source_partner_id = row.source_partner_id;
  resource.owner_principal_id = row.referrer_principal_id;
  resource.area = row.area;
  resource.state = static_cast<pb::ReferralState>(row.state);
  resource.subject_under_18_or_child_in_household = child_concerned;
  return resource;
}

}  // namespace

policy::Resource ResourceOf(const StoredReferral& stored) {
  return ResourceWith(
      stored.row, ChildConcerned(stored.file,
                                 absl::FromUnixMillis(stored.row.received_ms)));
}

std::optional<policy::Resource> ResourceOfRow(const store::ReferralRow& row) {
  if (!row.child_concerned.has_value()) return std::nullopt;
  return ResourceWith(row, *row.child_concerned);
}

// The first active partner of `type` serving `area`, or null.
const policy::Partner* Serving(const policy::Policy& policy,
                               absl::string_view area, pb::Partner::Type type) {
  for (const policy::Partner& partner : policy.file().partners()) {
    if (partner.type() != type || partner.status() != pb::Partner::ACTIVE) {
      continue;
    }
    for (const std::string& served : partner.areas()) {
      if (served == area) return &partner;
    }
  }
  return nullptr;
}

std::vector<pb::Role> RolesOf(const policy::Principal& principal) {
  std::vector<pb::Role> roles;
  for (int role : principal.roles()) roles.push_back(pb::Role(role));
  return roles;
}

absl::Status CheckReferralKey(absl::string_view key) {
  if (key.empty() || key.size() > kMaxReferralKey) {
    return absl::InvalidArgumentError(
        "referral: give the referral's reference (e.g. PRV-WXC-2025-000123) "
        "or id");
  }
  return absl::OkStatus();
}

// The stored reply to a repeat of `request_id`, if the caller made it.
absl::StatusOr<std::optional<std::string>> Replay(
    store::RecordStore& store, const Call& call, absl::string_view method,
    absl::string_view request_id) {
  if (request_id.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(std::optional<store::StoredReply> reply,
                   store.FindReply(call.peer().partner->id(), request_id));
  if (!reply.has_value()) return std::nullopt;
  if (reply->method != method ||
      reply->principal_id != call.peer().principal->id()) {
    return absl::InvalidArgumentError(
        "context.request_id: already used for a different request; generate "
        "a new id for each new request and reuse one only to retry");
  }
  return std::move(reply->reply);
}

absl::StatusOr<bool> Replayed(store::RecordStore& store, Call& call,
                              absl::string_view method,
                              absl::string_view request_id,
                              google::protobuf::Message* response) {
  ASSIGN_OR_RETURN(std::optional<std::string> replay,
                   Replay(store, call, method, request_id));
  if (!replay.has_value()) return false;
  if (!response->ParseFromString(*replay)) {
    return absl::DataLossError("the stored reply is damaged");
  }
  call.SetOperation(prevent::audit::v1::CONSULT);
  return true;
}

void HoldRequest(RecordLocks& locks, Call& call, absl::string_view request_id) {
  call.Hold(
      locks.Lock(absl::StrCat(call.peer().partner->id(), "/", request_id)));
}

store::StoredReply ReplyFor(const Call& call, absl::string_view method,
                            absl::string_view request_id,
                            const google::protobuf::Message& response) {
  store::StoredReply reply;
  reply.partner_id = call.peer().partner->id();
  reply.request_id = std::string(request_id);
  reply.principal_id = call.peer().principal->id();
  reply.method = std::string(method);
  reply.reply = response.SerializeAsString();
  return reply;
}

bool HasRole(const policy::Principal& principal, pb::Role role) {
  for (int r : principal.roles()) {
    if (r == role) return true;
  }
  return false;
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       int64_t max_chars, bool optional) {
  const int64_t chars = common::Utf8Length(text);
  if (chars < 0 || chars > max_chars || (chars == 0 && !optional)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": give ", optional ? "at most " : "1 to ",
                     max_chars, " characters of plain text (UTF-8)"));
  }
  return absl::OkStatus();
}

// Decides `action` on the referral the caller named as `key` (`found`, or
// none). Hidden or missing, the answer is NOT_FOUND naming only `key`.
absl::Status AuthorizeReferral(Call& call, policy::Action action,
                               const std::optional<StoredReferral>& found,
                               absl::string_view key,
                               const api::RequestContext& context,
                               absl::string_view part_source) {
  policy::Resource resource;
  resource.record = pb::CASE;
  resource.id = key;
  if (found.has_value()) {
    call.SetSubject(found->row.subject_id);
    call.SetReferral(found->row.ref);
    resource = ResourceOf(*found);
    if (!part_source.empty()) resource.source_partner_id = part_source;
  }
  if (!call.Authorize(action, resource, context, Visibility::kHidden).ok() ||
      !found.has_value()) {
    return NotFound(pb::CASE, key);
  }
  return absl::OkStatus();
}

absl::Status RequirePurpose(Call& call, const api::RequestContext& context,
                            pb::Purpose purpose, absl::string_view what) {
  if (context.purpose() == purpose) return absl::OkStatus();
  return call.Deny(
      pb::PURPOSE_NOT_IN_RULE,
      absl::StrCat("context.purpose: ", what, " is for purpose ",
                   pb::Purpose_Name(purpose), "; ask again with that purpose"));
}

namespace {

// The stored row of `found` with `file` as its new case file in `state`.
store::ReferralRow ChangedRow(const StoredReferral& found,
                              const rec::CaseFile& file,
                              pb::ReferralState state) {
  store::ReferralRow row = found.row;
  row.state = state;
  row.version += 1;
  row.record = file.SerializeAsString();
  row.child_concerned =
      ChildConcerned(file, absl::FromUnixMillis(row.received_ms));
  return row;
}

}  // namespace

void SetReferralWrite(Call& call, const StoredReferral& found,
                      const rec::CaseFile& file, pb::ReferralState state,
                      absl::string_view method,
                      const api::RequestContext& context,
                      const google::protobuf::Message& response) {
  store::RecordWrite write;
  write.referrals.push_back(ChangedRow(found, file, state));
  if (!context.request_id().empty()) {
    write.reply = ReplyFor(call, method, context.request_id(), response);
  }
  call.SetWrite(std::move(write));
}

}  // namespace hub::service
