#include "client/commands/whoami_command.h"

#include "absl/strings/str_join.h"
#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

WhoAmICommand::WhoAmICommand(CLI::App& app)
    : command_(
          app.add_subcommand("whoami", "show who the hub takes you to be")) {
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status WhoAmICommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(prevent::hub::v1::WhoAmIResponse answer,
                   client->WhoAmI(prevent::hub::v1::RequestContext()));
  RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));
  const prevent::records::v1::Identity& me = answer.identity();

  std::ostream& out = *env.out;
  if (json_) return PrintJson(me, out);
  std::vector<std::string> roles;
  for (int role : me.roles()) {
    roles.push_back(prevent::policy::v1::Role_Name(role));
  }
  out << "principal    " << me.principal_id() << " (" << me.display_name()
      << ", " << me.job_title() << ")\n"
      << "partner      " << me.partner_id() << " (" << me.partner_name()
      << "), " << prevent::policy::v1::Partner::Type_Name(me.partner_type())
      << "\n"
      << "roles        " << absl::StrJoin(roles, ", ") << "\n"
      << "areas        " << absl::StrJoin(me.areas(), ", ") << "\n"
      << "identity     " << me.spiffe_id() << "\n"
      << "certificate  expires "
      << common::FormatUtc(
             absl::FromUnixSeconds(me.certificate_not_after().seconds()))
      << ", sha256 " << me.certificate_sha256() << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
