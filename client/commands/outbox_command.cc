#include "client/commands/outbox_command.h"

#include "absl/time/time.h"
#include "client/commands/print_json.h"
#include "client/offline/device_store.h"
#include "client/profile.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {

OutboxCommand::OutboxCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "outbox", "writes queued while the hub was out of reach")) {
  command_->require_subcommand(1);
  list_ = command_->add_subcommand(
      "list", "each queued write, and why the hub refused any it refused");
  list_->add_flag("--json", json_, "print the list as JSON");
  discard_ = command_->add_subcommand(
      "discard", "delete a queued write for good (e.g. one the hub refused)");
  discard_->add_option("REQUEST_ID", request_id_, "the write's request id")
      ->required();
}

absl::Status OutboxCommand::Run(const CommandEnv& env) const {
  return list_->parsed() ? List(env) : Discard(env);
}

absl::Status OutboxCommand::List(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(DeviceStore device, UnlockDeviceStore(profile, env.clock));
  std::vector<Outbox::Quarantined> quarantined;
  ASSIGN_OR_RETURN(std::vector<Outbox::Entry> entries,
                   device.outbox->List(&quarantined));
  ASSIGN_OR_RETURN(std::vector<std::string> all_quarantined,
                   device.outbox->QuarantinedFiles());
  std::ostream& out = *env.out;
  if (json_) {
    prevent::client::v1::OutboxListing listing;
    for (const Outbox::Entry& e : entries) {
      prevent::client::v1::OutboxEntry& shown = *listing.add_entries();
      shown = e.entry;
      shown.clear_request();
    }
    for (const std::string& name : all_quarantined) {
      listing.add_quarantined(name);
    }
    return PrintJson(listing, out);
  }
  if (entries.empty()) out << "no queued writes\n";
  for (const Outbox::Entry& e : entries) {
    const auto& entry = e.entry;
    out << entry.request_id() << "  " << entry.summary() << "  queued "
        << common::FormatUtc(
               absl::FromUnixSeconds(entry.queued_at().seconds()));
    if (entry.refused_status().empty()) {
      out << "  waiting for the next sync\n";
    } else {
      out << "  REFUSED " << entry.refused_status() << ": "
          << entry.refused_reason()
          << "\n    (kept until you discard it: hubctl outbox discard "
          << entry.request_id() << ")\n";
    }
  }
  for (const Outbox::Quarantined& q : quarantined) {
    out << "quarantined just now: " << q.file << " (" << q.why << ")\n";
  }
  if (!all_quarantined.empty()) {
    out << all_quarantined.size()
        << " file(s) in quarantine could not be read and were not sent; "
           "make those writes again\n";
  }
  return absl::OkStatus();
}

absl::Status OutboxCommand::Discard(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(DeviceStore device, UnlockDeviceStore(profile, env.clock));
  RETURN_IF_ERROR(device.outbox->Remove(request_id_));
  *env.out << "discarded " << request_id_ << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
