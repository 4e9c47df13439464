// What the BriefingService's handlers share: a stored briefing with its
// record parsed, a recipient's copy as the owner and the recipient see it,
// and the checks on a briefing id. Internal to hub/service.
#ifndef HUB_SERVICE_BRIEFING_RECORDS_H_
#define HUB_SERVICE_BRIEFING_RECORDS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hub/briefings/delivery.h"
#include "hub/store/record_store.h"
#include "policy/policy.h"
#include "proto/records.pb.h"

namespace hub::service {

// A stored briefing with its record parsed.
struct StoredBriefing {
  store::BriefingRow row;
  prevent::records::v1::Briefing briefing;
};

// The briefing `id`; nullopt if none.
absl::StatusOr<std::optional<StoredBriefing>> LoadBriefing(
    store::RecordStore& store, absl::string_view id);

// The row that stores `briefing` as its `version`.
store::BriefingRow BriefingRowOf(const prevent::records::v1::Briefing& briefing,
                                 int64_t version);

// INVALID_ARGUMENT naming briefing_id unless `id` could be a briefing's id.
absl::Status CheckBriefingId(absl::string_view id);

// The policy's definition of `audience`, or null.
const prevent::policy::v1::BriefingAudience* AudienceDefinition(
    const policy::Policy& policy, prevent::policy::v1::Audience audience);

// What the recipient of `row` has done with it.
briefings::CopyEvents EventsOf(const store::BriefingDeliveryRow& row);

// `row`, a copy of `briefing`, as the owner sees it at `now` (AQ5).
prevent::records::v1::BriefingDelivery DeliveryOf(
    const store::BriefingDeliveryRow& row,
    const prevent::records::v1::Briefing& briefing, absl::Time now);

// Whether the recipient of `row` accepted the handling conditions that
// `definition` sets now (not an earlier wording).
bool ConditionsAccepted(
    const store::BriefingDeliveryRow& row,
    const prevent::policy::v1::BriefingAudience& definition);

// The listing of `row`, a copy of `briefing` for the audience `definition`
// defines, in `state`, with no content. Offline copies and exports need both
// the audience and the rule `flow` (null: neither).
prevent::records::v1::BriefingListing ListingOf(
    const prevent::records::v1::Briefing& briefing,
    const store::BriefingDeliveryRow& row,
    const prevent::policy::v1::BriefingAudience& definition,
    const prevent::policy::v1::FlowRule* flow,
    prevent::records::v1::BriefingDelivery::State state);

// The rendition of `briefing` for `row`'s audience, watermarked for its
// recipient, with offline and export permissions as ListingOf.
prevent::records::v1::BriefingRendition RenditionOf(
    const prevent::records::v1::Briefing& briefing,
    const store::BriefingDeliveryRow& row,
    const prevent::policy::v1::BriefingAudience& definition,
    const prevent::policy::v1::FlowRule* flow);

}  // namespace hub::service

#endif  // HUB_SERVICE_BRIEFING_RECORDS_H_
