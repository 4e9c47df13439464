// What happens to each recipient's copy of a published briefing (SPEC §2.5):
// when its variant stops being served (expiry, supersession or withdrawal,
// whichever is first), the copy's state from what its recipient has done,
// its default expiry and the per-recipient watermark id. Pure except
// NewWatermarkId; thread-safe.
#ifndef HUB_BRIEFINGS_DELIVERY_H_
#define HUB_BRIEFINGS_DELIVERY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::briefings {

// After a copy must be purged, how long its recipient has to attest the
// purge before it shows as overdue (SPEC §2.5: 72 hours).
inline constexpr absl::Duration kPurgeGrace = absl::Hours(72);

// A record's timestamp as an absl::Time.
absl::Time TimeOf(const google::protobuf::Timestamp& t);

// The expiry the owner approved for `audience`'s variant; InfinitePast if
// the briefing has no such variant.
absl::Time VariantExpiry(const prevent::records::v1::BriefingDraft& draft,
                         prevent::policy::v1::Audience audience);

// SPEC §2.5's expiry defaults, for each variant of `draft` the owner gave
// no expiry: an annual CTLP 12 months after `published`, a quarterly
// emerging-risk update 3 months, an incident briefing 30 days; and elected
// members' variants at most 30 days whatever the series.
void SetDefaultExpiries(prevent::records::v1::BriefingDraft* draft,
                        absl::Time published);

// When `audience`'s rendition of `briefing` stops being served and every
// copy must be purged: its expiry, or when the briefing was withdrawn or
// superseded, whichever is first.
absl::Time PurgeDueAt(const prevent::records::v1::Briefing& briefing,
                      prevent::policy::v1::Audience audience);

// What a recipient has done with their copy; InfinitePast: not yet.
struct CopyEvents {
  absl::Time delivered = absl::InfinitePast();
  absl::Time acknowledged = absl::InfinitePast();
  absl::Time opened = absl::InfinitePast();
  absl::Time purge_attested = absl::InfinitePast();
};

// The copy's state at `now`, whose rendition stops being served at
// `purge_due`. A copy never delivered before then is REVOKED: there is
// nothing to purge.
prevent::records::v1::BriefingDelivery::State CopyState(
    const CopyEvents& events, absl::Time purge_due, absl::Time now);

// A new watermark id for one recipient's copy, e.g. "WM-3F9A01C27B4E".
std::string NewWatermarkId();

}  // namespace hub::briefings

#endif  // HUB_BRIEFINGS_DELIVERY_H_
