#include "client/commands/briefing_read_command.h"

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/commands/briefing_text.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/offline/device_store.h"
#include "client/offline/queued_writes.h"
#include "client/profile.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;

BriefingReadCommand::BriefingReadCommand(CLI::App& briefing)
    : command_(briefing.add_subcommand(
          "read", "read your rendition of a briefing (after `ack`)")) {
  command_->add_option("id", id_, "the briefing's id")->required();
  context_.Register(command_, /*with_request_id=*/false);
  context_.SetDefaultPurpose(pb::CTLP_BRIEFING);
  command_->add_flag("--json", json_, "print the rendition as JSON");
}

absl::Status BriefingReadCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  api::ReadBriefingRequest request;
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  request.set_briefing_id(id_);
  std::ostream& out = *env.out;
  if (!json_) {
    // The banner and the conditions come first, whatever the hub then says
    // of the content; the hub's answer to Read is the one reported.
    absl::StatusOr<std::optional<rec::BriefingListing>> listing =
        FindBriefingListing(*client, request.context(), id_);
    if (listing.ok() && listing->has_value()) {
      PrintBriefingHeader(**listing, out);
    }
  }
  absl::StatusOr<api::ReadBriefingResponse> answer =
      client->ReadBriefing(request);
  if (Unreachable(answer.status()) && !profile.cache_path().empty()) {
    return ReadOffline(env, profile, answer.status());
  }
  if (!answer.ok()) return answer.status();
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    PrintBriefingSections(answer->rendition(), out);
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

absl::Status BriefingReadCommand::ReadOffline(
    const CommandEnv& env, const prevent::config::v1::ClientProfile& profile,
    const absl::Status& unreachable) const {
  ASSIGN_OR_RETURN(DeviceStore device, UnlockDeviceStore(profile, env.clock));
  ASSIGN_OR_RETURN(std::optional<Cache::Item> held,
                   device.cache->Get("briefing", id_));
  api::SyncItem item;
  if (!held.has_value() || !item.ParseFromString(held->value)) {
    return absl::Status(
        unreachable.code(),
        absl::StrCat(unreachable.message(),
                     "; and this device holds no copy of briefing ", id_));
  }
  if (!item.has_rendition()) {
    return absl::Status(
        unreachable.code(),
        absl::StrCat(
            unreachable.message(),
            "; this device holds only the listing of "
            "briefing ",
            id_,
            item.briefing().offline_allowed()
                ? ": accept its conditions (hubctl briefing ack) and sync "
                  "while the hub can be reached"
                : ": its audience may not keep a copy offline"));
  }
  std::ostream& out = *env.out;
  if (json_) {
    api::ReadBriefingResponse answer;
    *answer.mutable_rendition() = item.rendition();
    return PrintJson(answer, out);
  }
  PrintBriefingHeader(item.briefing(), out);
  PrintBriefingSections(item.rendition(), out);
  out << "(offline copy: the hub cannot be reached; last synced "
      << common::FormatUtc(device.cache->LastSync()) << ")\n";
  return absl::OkStatus();
}

}  // namespace hub::client
