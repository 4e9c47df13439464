// How hubctl shows a CTLP briefing: the marking banner, handling conditions,
// expiry and watermark always come first (P05), then the sections, with the
// banner repeated at the end. Also finds the caller's listing of one
// briefing.
#ifndef HUB_CLIENT_COMMANDS_BRIEFING_TEXT_H_
#define HUB_CLIENT_COMMANDS_BRIEFING_TEXT_H_

#include <optional>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/hub_client.h"
#include "proto/hub.pb.h"
#include "proto/records.pb.h"

namespace hub::client {

// The banner, title, audience, expiry, watermark and handling conditions.
void PrintBriefingHeader(const prevent::records::v1::BriefingListing& listing,
                         std::ostream& out);

// The rendition's sections (with statistics cells), then the banner.
void PrintBriefingSections(
    const prevent::records::v1::BriefingRendition& rendition,
    std::ostream& out);

// The caller's listing of briefing `id`; nullopt if their list does not
// hold it (never sent, purged, or no longer theirs).
absl::StatusOr<std::optional<prevent::records::v1::BriefingListing>>
FindBriefingListing(HubClient& client,
                    const prevent::hub::v1::RequestContext& context,
                    absl::string_view id);

// `t` as common::FormatUtc writes it ("2026-10-31T00:00:00Z").
std::string FormatUtc(const google::protobuf::Timestamp& t);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_BRIEFING_TEXT_H_
