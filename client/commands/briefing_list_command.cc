#include "client/commands/briefing_list_command.h"

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

BriefingListCommand::BriefingListCommand(CLI::App& briefing)
    : command_(briefing.add_subcommand(
          "list", "your CTLP briefings, with their marking and state")) {
  context_.Register(command_, /*with_request_id=*/false);
  context_.SetDefaultPurpose(pb::CTLP_BRIEFING);
  command_->add_flag("--json", json_, "print the list as JSON");
}

absl::Status BriefingListCommand::Run(const CommandEnv& env) const {
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  api::ListBriefingsRequest request;
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  ASSIGN_OR_RETURN(api::ListBriefingsResponse answer,
                   client->ListBriefings(request));
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(answer, out));
  } else if (answer.briefings().empty()) {
    out << "no briefings\n";
  } else {
    for (const rec::BriefingListing& b : answer.briefings()) {
      out << b.briefing_id() << "  " << b.marking_banner() << "  "
          << pb::Audience_Name(b.audience()) << "  "
          << rec::BriefingDelivery::State_Name(b.state()) << "  expires "
          << FormatUtc(b.expires_at()) << "\n    " << b.title() << "\n";
    }
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
