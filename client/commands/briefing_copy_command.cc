#include "client/commands/briefing_copy_command.h"

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/commands/briefing_text.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/offline/device_store.h"
#include "client/offline/queued_writes.h"
#include "client/profile.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;

BriefingCopyCommand::BriefingCopyCommand(CLI::App& briefing, Action action)
    : action_(action),
      command_(action == kAcknowledge
                   ? briefing.add_subcommand(
                         "ack",
                         "show a briefing's handling conditions; with "
                         "--accept, accept them so it can be read")
                   : briefing.add_subcommand(
                         "purge",
                         "attest that you deleted every copy of a briefing "
                         "you held")) {
  command_->add_option("id", id_, "the briefing's id")->required();
  if (action == kAcknowledge) {
    command_->add_flag("--accept", accept_,
                       "accept the handling conditions shown");
  }
  context_.Register(command_, /*with_request_id=*/false);
  context_.SetDefaultPurpose(pb::CTLP_BRIEFING);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status BriefingCopyCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(api::RequestContext context, context_.Resolve(*client));
  std::ostream& out = *env.out;

  if (action_ == kAttestPurge) return Purge(env, profile, *client, context);

  ASSIGN_OR_RETURN(std::optional<rec::BriefingListing> listing,
                   FindBriefingListing(*client, context, id_));
  if (!listing.has_value()) {
    return absl::NotFoundError(absl::StrCat(
        "no briefing '", id_,
        "' in your list; `hubctl briefing list` shows the ones you hold"));
  }
  if (!json_) PrintBriefingHeader(*listing, out);
  if (!accept_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "not acknowledged: read the handling conditions above, then run "
        "`hubctl briefing ack ",
        id_, " --accept` to accept them"));
  }
  api::AcknowledgeBriefingRequest request;
  *request.mutable_context() = context;
  request.set_briefing_id(id_);
  request.set_conditions_sha256(
      common::Sha256Hex(listing->handling_conditions()));
  ASSIGN_OR_RETURN(api::AcknowledgeBriefingResponse answer,
                   client->AcknowledgeBriefing(request));
  if (json_) {
    RETURN_IF_ERROR(PrintJson(answer, out));
  } else {
    out << "accepted the handling conditions of briefing "
        << answer.briefing_id() << " at " << FormatUtc(answer.acknowledged_at())
        << "; `hubctl briefing read " << answer.briefing_id() << "` shows it\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

absl::Status BriefingCopyCommand::Purge(
    const CommandEnv& env, const prevent::config::v1::ClientProfile& profile,
    HubClient& client, const api::RequestContext& context) const {
  std::ostream& out = *env.out;
  // The copy on this device goes first; the attestation follows it.
  std::optional<DeviceStore> device;
  if (!profile.cache_path().empty()) {
    ASSIGN_OR_RETURN(device, UnlockDeviceStore(profile, env.clock));
    RETURN_IF_ERROR(device->cache->Apply({}, {{"briefing", id_}}));
    if (!json_) out << "deleted this device's copy of briefing " << id_ << "\n";
  }
  api::AttestPurgeRequest request = AttestationFor(id_);
  request.mutable_context()->set_justification(context.justification());
  absl::StatusOr<api::AttestPurgeResponse> answer =
      client.AttestBriefingPurge(request);
  if (Unreachable(answer.status()) && device.has_value()) {
    RETURN_IF_ERROR(
        QueueAttestation(*device->outbox, request, env.clock->Now()));
    return absl::UnavailableError(
        absl::StrCat(answer.status().message(),
                     "\nqueued; will send on next sync (hubctl sync)"));
  }
  if (!answer.ok()) return answer.status();
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    out << "attested the purge of briefing " << answer->briefing_id() << " at "
        << FormatUtc(answer->purge_attested_at()) << "\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, client);
}

}  // namespace hub::client
