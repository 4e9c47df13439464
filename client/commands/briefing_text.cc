#include "client/commands/briefing_text.h"

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

}  // namespace

std::string FormatUtc(const google::protobuf::Timestamp& t) {
  return common::FormatUtc(absl::FromUnixSeconds(t.seconds()));
}

void PrintBriefingHeader(const rec::BriefingListing& listing,
                         std::ostream& out) {
  out << listing.marking_banner() << "\n" << listing.title();
  if (!listing.period().empty()) out << " (" << listing.period() << ")";
  out << "\n"
      << "briefing " << listing.briefing_id() << ", "
      << pb::Audience_Name(listing.audience()) << " rendition, watermark "
      << listing.watermark_id() << "\n"
      << "expires " << FormatUtc(listing.expires_at()) << "; "
      << (listing.offline_allowed() ? "may be kept offline"
                                    : "online only, no copy is kept")
      << (listing.export_allowed() ? "" : "; no export, copying or printing")
      << "\n"
      << "Handling conditions: " << listing.handling_conditions() << "\n"
      << "State: " << rec::BriefingDelivery::State_Name(listing.state())
      << "\n";
}

void PrintBriefingSections(const rec::BriefingRendition& rendition,
                           std::ostream& out) {
  for (const rec::BriefingRendition::Section& section : rendition.sections()) {
    out << "\n"
        << section.number() << ". " << section.title() << " ["
        << section.marking() << "]\n";
    if (!section.body().empty()) out << "   " << section.body() << "\n";
    for (const rec::BriefingRendition::Cell& cell : section.cells()) {
      out << "   " << cell.label() << ": " << cell.value() << "\n";
    }
  }
  out << "\n"
      << rendition.marking_banner() << " - watermark "
      << rendition.watermark_id() << "\n";
}

absl::StatusOr<std::optional<rec::BriefingListing>> FindBriefingListing(
    HubClient& client, const prevent::hub::v1::RequestContext& context,
    absl::string_view id) {
  prevent::hub::v1::ListBriefingsRequest request;
  *request.mutable_context() = context;
  request.mutable_context()->clear_request_id();
  ASSIGN_OR_RETURN(prevent::hub::v1::ListBriefingsResponse list,
                   client.ListBriefings(request));
  for (rec::BriefingListing& listing : *list.mutable_briefings()) {
    if (listing.briefing_id() == id) return std::move(listing);
  }
  return std::nullopt;
}

}  // namespace hub::client
