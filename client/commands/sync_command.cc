#include "client/commands/sync_command.h"

#include <unistd.h>

#include <iostream>
#include <optional>

#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/offline/device_store.h"
#include "client/offline/syncer.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {

SyncCommand::SyncCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "sync",
          "send queued writes, then bring the offline cache up to date")) {
  command_->add_flag("--json", json_,
                     "print what was done as JSON, with no progress");
  command_
      ->add_option("--batch-size", batch_size_,
                   "items per batch from the hub (1-500); default 50")
      ->check(CLI::Range(1, 500));
}

absl::Status SyncCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(DeviceStore device, UnlockDeviceStore(profile, env.clock));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  std::optional<AuditTrust> trust;
  if (!profile.audit_public_key_file().empty()) {
    ASSIGN_OR_RETURN(trust, AuditTrust::Load(profile, env.profile_dir));
  }
  Syncer syncer(client.get(), &device, trust ? &*trust : nullptr, env.clock);

  SyncOptions options;
  options.batch_size = batch_size_;
  const bool show_progress = !json_ && isatty(STDERR_FILENO) == 1;
  if (show_progress) {
    options.progress = [](int applied, int total) {
      std::cerr << "\rsync: applied " << applied << "/" << total << std::flush;
    };
  }
  prevent::client::v1::SyncSummary summary;
  absl::Status status = syncer.Sync(options, summary);
  if (show_progress && summary.applied() > 0) std::cerr << "\n";

  std::ostream& out = *env.out;
  if (json_) {
    RETURN_IF_ERROR(PrintJson(summary, out));
    return status;
  }
  for (const std::string& note : summary.notes()) out << note << "\n";
  out << "sent " << summary.pushed() << " queued write(s), "
      << summary.refused() << " refused and kept, " << summary.still_queued()
      << " still queued\n"
      << "applied " << summary.applied() << " change(s) from the hub, purged "
      << summary.purged() << ", attested " << summary.attested()
      << " briefing purge(s)\n";
  if (summary.audit_tree_size() > 0) {
    out << "hub audit log: " << summary.audit_tree_size()
        << " events, checkpoint "
        << (trust ? "verified" : "not verified (no audit key in profile)")
        << "\n";
  }
  if (summary.refused() > 0) {
    out << "see `hubctl outbox list` for the refused write(s) and why\n";
  }
  return status;
}

}  // namespace hub::client
