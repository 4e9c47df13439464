#include "hub/service/briefing_records.h"

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "hub/briefings/renderer.h"
#include "hub/service/referral_records.h"

namespace hub::service {
namespace {

using briefings::TimeOf;

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

constexpr size_t kMaxBriefingIdBytes = 64;

absl::Time MillisOrNever(int64_t ms) {
  return ms == 0 ? absl::InfinitePast() : absl::FromUnixMillis(ms);
}

// Sets the time `field` of `out` to `ms`, unless it has not happened (0):
// an unset field says "not yet".
void SetIfHappened(
    int64_t ms, rec::BriefingDelivery& out,
    google::protobuf::Timestamp* (rec::BriefingDelivery::*field)()) {
  if (ms != 0) SetTime(absl::FromUnixMillis(ms), (out.*field)());
}

}  // namespace

absl::StatusOr<std::optional<StoredBriefing>> LoadBriefing(
    store::RecordStore& store, absl::string_view id) {
  ASSIGN_OR_RETURN(std::optional<store::BriefingRow> row,
                   store.FindBriefing(id));
  if (!row.has_value()) return std::nullopt;
  StoredBriefing stored;
  if (!stored.briefing.ParseFromString(row->record)) {
    return absl::DataLossError(
        absl::StrCat("briefing ", row->id, " is damaged in the store"));
  }
  stored.row = std::move(*row);
  return stored;
}

store::BriefingRow BriefingRowOf(const rec::Briefing& briefing,
                                 int64_t version) {
  store::BriefingRow row;
  row.id = briefing.briefing_id();
  row.owner_partner_id = briefing.owner_partner_id();
  row.state = briefing.state();
  row.published_ms = absl::ToUnixMillis(TimeOf(briefing.published_at()));
  row.version = version;
  row.record = briefing.SerializeAsString();
  return row;
}

absl::Status CheckBriefingId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxBriefingIdBytes) {
    return absl::InvalidArgumentError(
        "briefing_id: give the id of a briefing (as `hubctl briefing list` "
        "shows it)");
  }
  for (char c : id) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(
          "briefing_id: printable ASCII only, as `hubctl briefing list` "
          "shows it");
    }
  }
  return absl::OkStatus();
}

const pb::BriefingAudience* AudienceDefinition(const policy::Policy& policy,
                                               pb::Audience audience) {
  for (const pb::BriefingAudience& a : policy.file().briefing_audiences()) {
    if (a.audience() == audience) return &a;
  }
  return nullptr;
}

briefings::CopyEvents EventsOf(const store::BriefingDeliveryRow& row) {
  briefings::CopyEvents events;
  events.delivered = MillisOrNever(row.delivered_ms);
  events.acknowledged = MillisOrNever(row.acknowledged_ms);
  events.opened = MillisOrNever(row.opened_ms);
  events.purge_attested = MillisOrNever(row.purge_attested_ms);
  return events;
}

rec::BriefingDelivery DeliveryOf(const store::BriefingDeliveryRow& row,
                                 const rec::Briefing& briefing,
                                 absl::Time now) {
  const auto audience = static_cast<pb::Audience>(row.audience);
  const absl::Time purge_due = briefings::PurgeDueAt(briefing, audience);
  rec::BriefingDelivery out;
  out.set_briefing_id(row.briefing_id);
  out.set_principal_id(row.principal_id);
  out.set_partner_id(row.partner_id);
  out.set_audience(audience);
  out.set_state(briefings::CopyState(EventsOf(row), purge_due, now));
  out.set_watermark_id(row.watermark_id);
  SetIfHappened(row.delivered_ms, out,
                &rec::BriefingDelivery::mutable_delivered_at);
  SetIfHappened(row.acknowledged_ms, out,
                &rec::BriefingDelivery::mutable_acknowledged_at);
  SetIfHappened(row.opened_ms, out, &rec::BriefingDelivery::mutable_opened_at);
  if (now >= purge_due) SetTime(purge_due, out.mutable_purge_requested_at());
  SetIfHappened(row.purge_attested_ms, out,
                &rec::BriefingDelivery::mutable_purge_attested_at);
  return out;
}

bool ConditionsAccepted(const store::BriefingDeliveryRow& row,
                        const pb::BriefingAudience& definition) {
  return row.acknowledged_ms != 0 &&
         row.conditions_sha256 ==
             common::Sha256Hex(definition.handling_conditions());
}

rec::BriefingListing ListingOf(const rec::Briefing& briefing,
                               const store::BriefingDeliveryRow& row,
                               const pb::BriefingAudience& definition,
                               const pb::FlowRule* flow,
                               rec::BriefingDelivery::State state) {
  const auto audience = static_cast<pb::Audience>(row.audience);
  rec::BriefingListing listing;
  listing.set_briefing_id(briefing.briefing_id());
  listing.set_title(briefing.draft().title());
  listing.set_series(briefing.draft().series());
  listing.set_period(briefing.draft().period());
  listing.set_audience(audience);
  listing.set_marking_banner(briefings::BannerFor(
      briefings::VariantMarking(briefing.draft(), audience)));
  listing.set_handling_conditions(definition.handling_conditions());
  *listing.mutable_published_at() = briefing.published_at();
  SetTime(briefings::VariantExpiry(briefing.draft(), audience),
          listing.mutable_expires_at());
  listing.set_state(state);
  listing.set_offline_allowed(definition.offline_allowed() && flow != nullptr &&
                              flow->offline_allowed());
  listing.set_export_allowed(definition.export_allowed() && flow != nullptr &&
                             flow->export_allowed());
  listing.set_watermark_id(row.watermark_id);
  return listing;
}

rec::BriefingRendition RenditionOf(const rec::Briefing& briefing,
                                   const store::BriefingDeliveryRow& row,
                                   const pb::BriefingAudience& definition,
                                   const pb::FlowRule* flow) {
  const auto audience = static_cast<pb::Audience>(row.audience);
  briefings::RenderFor what;
  what.audience = audience;
  what.definition = &definition;
  what.briefing_id = row.briefing_id;
  what.watermark_id = row.watermark_id;
  what.published_at = TimeOf(briefing.published_at());
  what.expires_at = briefings::VariantExpiry(briefing.draft(), audience);
  rec::BriefingRendition rendition = briefings::Render(briefing.draft(), what);
  rendition.set_offline_allowed(rendition.offline_allowed() &&
                                flow != nullptr && flow->offline_allowed());
  rendition.set_export_allowed(rendition.export_allowed() && flow != nullptr &&
                               flow->export_allowed());
  return rendition;
}

}  // namespace hub::service
