#include "client/commands/briefing_status_command.h"

#include <iomanip>
#include <vector>

#include "absl/strings/str_join.h"
#include "client/audit_trust.h"
#include "client/commands/briefing_text.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Delivery = rec::BriefingDelivery;

BriefingStatusCommand::BriefingStatusCommand(CLI::App& briefing)
    : command_(briefing.add_subcommand(
          "status",
          "who has received, acknowledged, opened and purged a briefing "
          "(AQ5; CTLP owner, coordinator)")) {
  command_->add_option("id", id_, "the briefing's id")->required();
  context_.Register(command_, /*with_request_id=*/false);
  context_.SetDefaultPurpose(pb::AUDIT_AND_ASSURANCE);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status BriefingStatusCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  api::BriefingDeliveryStatusRequest request;
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  request.set_briefing_id(id_);
  ASSIGN_OR_RETURN(api::BriefingDeliveryStatusResponse answer,
                   client->BriefingDeliveryStatus(request));
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(answer, out));
    return CheckHubAuditLog(profile, env.profile_dir, *client);
  }
  out << answer.briefing_id() << "  " << answer.title() << "  "
      << rec::Briefing::State_Name(answer.state()) << "\n";
  std::vector<std::string> unacknowledged;
  std::vector<std::string> overdue;
  for (const Delivery& d : answer.deliveries()) {
    out << "  " << std::left << std::setw(12) << d.principal_id()
        << std::setw(12) << d.partner_id() << std::setw(20)
        << pb::Audience_Name(d.audience()) << std::setw(16)
        << Delivery::State_Name(d.state()) << d.watermark_id();
    if (d.has_acknowledged_at()) {
      out << "  acknowledged " << FormatUtc(d.acknowledged_at());
    }
    out << "\n";
    if (d.state() == Delivery::QUEUED || d.state() == Delivery::DELIVERED) {
      unacknowledged.push_back(d.principal_id());
    }
    if (d.state() == Delivery::PURGE_OVERDUE)
      overdue.push_back(d.principal_id());
  }
  out << "not yet acknowledged (" << unacknowledged.size() << "): "
      << (unacknowledged.empty() ? "-" : absl::StrJoin(unacknowledged, ", "))
      << "\n";
  if (!overdue.empty()) {
    out << "purge attestation overdue (" << overdue.size()
        << "): " << absl::StrJoin(overdue, ", ") << "\n";
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
