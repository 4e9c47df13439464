// hubctl: the partner's command-line client for the hub.
//   hubctl --profile DIR whoami [--json]
//   hubctl --profile DIR policy explain --action A --resource R --purpose P ...
//   hubctl --profile DIR audit query|verify|export ...
//   hubctl --profile DIR referral template|submit|list|show|transition ...
//   hubctl --profile DIR deconflict [outcome] ...
//   hubctl --profile DIR briefing publish|withdraw|list|read|ack|purge|status
//   ...
//   hubctl --profile DIR sync [--json] | outbox list|discard ...
// Exit codes: 0 ok, 1 usage or local set-up, 2 refused or not found,
// 3 hub unavailable, 4 integrity failure (see client/exit_codes.h).
#include <grpc/support/log.h>

#include <cstdlib>
#include <iostream>

#include "CLI/CLI.hpp"
#include "client/commands/audit_export_command.h"
#include "client/commands/audit_query_command.h"
#include "client/commands/audit_verify_command.h"
#include "client/commands/briefing_command.h"
#include "client/commands/command_env.h"
#include "client/commands/deconflict_command.h"
#include "client/commands/outbox_command.h"
#include "client/commands/policy_explain_command.h"
#include "client/commands/referral_command.h"
#include "client/commands/sync_command.h"
#include "client/commands/whoami_command.h"
#include "client/exit_codes.h"

namespace {

// hubctl explains every failure itself; gRPC's internal log lines would only
// repeat them less clearly. Setting GRPC_VERBOSITY brings them back.
void DropGrpcLog(gpr_log_func_args*) {}

}  // namespace

int main(int argc, char** argv) {
  using hub::client::CommandEnv;
  if (std::getenv("GRPC_VERBOSITY") == nullptr)
    gpr_set_log_function(DropGrpcLog);
  CLI::App app{"hubctl: the Prevent partnership hub client"};
  app.require_subcommand(1);
  CommandEnv env;
  env.clock = hub::common::Clock::Real();
  env.out = &std::cout;
  app.add_option(
         "--profile", env.profile_dir,
         "directory holding profile.textproto (hub address, certificate, "
         "key, CA)")
      ->envname("HUBCTL_PROFILE");
  hub::client::WhoAmICommand whoami(app);
  hub::client::PolicyExplainCommand explain(app);
  CLI::App* audit = app.add_subcommand(
      "audit",
      "the audit log: who shared what, and proof it was not rewritten");
  audit->require_subcommand(1);
  hub::client::AuditQueryCommand audit_query(*audit);
  hub::client::AuditVerifyCommand audit_verify(*audit);
  hub::client::AuditExportCommand audit_export(*audit);
  hub::client::ReferralCommand referral(app);
  hub::client::DeconflictCommand deconflict(app);
  hub::client::BriefingCommand briefing(app);
  hub::client::SyncCommand sync(app);
  hub::client::OutboxCommand outbox(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? hub::client::kExitOk : hub::client::kExitUsage;
  }

  absl::Status status = absl::InvalidArgumentError("no command given");
  if (whoami.selected()) status = whoami.Run(env);
  if (explain.selected()) status = explain.Run(env);
  if (audit_query.selected()) status = audit_query.Run(env);
  if (audit_verify.selected()) status = audit_verify.Run(env);
  if (audit_export.selected()) status = audit_export.Run(env);
  if (referral.selected()) status = referral.Run(env);
  if (deconflict.selected()) status = deconflict.Run(env);
  if (briefing.selected()) status = briefing.Run(env);
  if (sync.selected()) status = sync.Run(env);
  if (outbox.selected()) status = outbox.Run(env);
  if (!status.ok()) {
    std::cerr << "hubctl: " << status.message() << "\n";
  }
  return hub::client::ExitCodeFor(status);
}
