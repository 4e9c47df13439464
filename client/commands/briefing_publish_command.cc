#include "client/commands/briefing_publish_command.h"

#include "client/audit_trust.h"
#include "client/commands/message_file.h"
#include "client/commands/print_json.h"
#include "client/commands/request_id.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;
namespace api = ::prevent::hub::v1;

BriefingPublishCommand::BriefingPublishCommand(CLI::App& briefing)
    : command_(briefing.add_subcommand(
          "publish", "publish a CTLP briefing to its audiences (CTLP owner)")) {
  command_
      ->add_option("file", file_,
                   "the briefing draft: prevent.records.v1.BriefingDraft as "
                   "text format or JSON (docs/briefings.md)")
      ->required();
  command_->add_option("--supersedes", supersedes_,
                       "the id of the briefing this one replaces; its copies "
                       "must then be purged");
  context_.Register(command_, /*with_request_id=*/true);
  context_.SetDefaultPurpose(pb::CTLP_BRIEFING);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status BriefingPublishCommand::Run(const CommandEnv& env) const {
  prevent::records::v1::BriefingDraft draft;
  RETURN_IF_ERROR(ReadMessageFile(
      file_, {"a briefing draft", "docs/briefings.md shows one"}, &draft));
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(api::RequestContext context, context_.Resolve(*client));
  absl::StatusOr<api::PublishBriefingResponse> answer;
  if (supersedes_.empty()) {
    api::PublishBriefingRequest request;
    *request.mutable_context() = context;
    *request.mutable_draft() = std::move(draft);
    answer = client->PublishBriefing(request);
  } else {
    api::SupersedeBriefingRequest request;
    *request.mutable_context() = context;
    request.set_briefing_id(supersedes_);
    *request.mutable_draft() = std::move(draft);
    answer = client->SupersedeBriefing(request);
  }
  if (!answer.ok()) return WithRetryHint(answer.status(), context.request_id());
  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(*answer, out));
  } else {
    out << "published briefing " << answer->briefing_id() << "\n";
    if (!answer->superseded().empty()) {
      out << "superseded " << answer->superseded()
          << "; its recipients must purge their copies\n";
    }
    for (const api::PublishBriefingResponse::Audience& a :
         answer->audiences()) {
      out << "  " << pb::Audience_Name(a.audience()) << ": " << a.recipients()
          << " recipient(s) queued\n";
    }
  }
  return CheckHubAuditLog(profile, env.profile_dir, *client);
}

}  // namespace hub::client
