#include "hub/briefings/delivery.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using State = rec::BriefingDelivery;

}  // namespace

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

absl::Time VariantExpiry(const rec::BriefingDraft& draft,
                         pb::Audience audience) {
  for (const rec::BriefingDraft::Variant& variant : draft.variants()) {
    if (variant.audience() == audience) return TimeOf(variant.expires_at());
  }
  return absl::InfinitePast();
}

void SetDefaultExpiries(rec::BriefingDraft* draft, absl::Time published) {
  absl::Duration lifetime = absl::Hours(24 * 30);
  switch (draft->series()) {
    case rec::BriefingDraft::CTLP_ANNUAL:
      lifetime = absl::Hours(24 * 365);
      break;
    case rec::BriefingDraft::EMERGING_RISK_QUARTERLY:
      lifetime = absl::Hours(24 * 91);
      break;
    default:
      break;
  }
  for (rec::BriefingDraft::Variant& variant : *draft->mutable_variants()) {
    if (variant.has_expires_at()) continue;
    const absl::Duration d = variant.audience() == pb::ELECTED_MEMBERS
                                 ? std::min(lifetime, absl::Hours(24 * 30))
                                 : lifetime;
    variant.mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(published + d));
  }
}

absl::Time PurgeDueAt(const rec::Briefing& briefing, pb::Audience audience) {
  absl::Time due = VariantExpiry(briefing.draft(), audience);
  if (briefing.state() != rec::Briefing::PUBLISHED) {
    due = std::min(due, TimeOf(briefing.ended_at()));
  }
  return due;
}

rec::BriefingDelivery::State CopyState(const CopyEvents& events,
                                       absl::Time purge_due, absl::Time now) {
  const absl::Time never = absl::InfinitePast();
  if (events.purge_attested != never) return State::PURGE_ATTESTED;
  if (now >= purge_due) {
    if (events.delivered == never) return State::REVOKED;
    return now >= purge_due + kPurgeGrace ? State::PURGE_OVERDUE
                                          : State::PURGE_REQUESTED;
  }
  if (events.opened != never) return State::OPENED;
  if (events.acknowledged != never) return State::ACKNOWLEDGED;
  if (events.delivered != never) return State::DELIVERED;
  return State::QUEUED;
}

std::string NewWatermarkId() {
  unsigned char bytes[6];
  // Without randomness no copy can be told apart; nothing is safe to serve.
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return absl::StrCat(
      "WM-", absl::AsciiStrToUpper(absl::BytesToHexString(absl::string_view(
                 reinterpret_cast<const char*>(bytes), sizeof(bytes)))));
}

}  // namespace hub::briefings
