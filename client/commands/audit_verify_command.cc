#include "client/commands/audit_verify_command.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "hub/audit/commitment.h"

namespace hub::client {

AuditVerifyCommand::AuditVerifyCommand(CLI::App& audit)
    : command_(audit.add_subcommand(
          "verify",
          "prove the hub's audit log was never rewritten, rolled back or "
          "forked since you last saw it (exit 4 if it was)")) {
  command_->add_option("--bundle", bundle_,
                       "check an export from `hubctl audit export` offline");
}

absl::StatusOr<int> VerifyBundle(const prevent::hub::v1::AuditBundle& bundle,
                                 const common::Ed25519PublicKey& key) {
  absl::StatusOr<audit::Checkpoint> checkpoint = audit::VerifyCheckpoint(
      {bundle.checkpoint().checkpoint(), bundle.checkpoint().signature()}, key);
  if (!checkpoint.ok()) {
    return absl::DataLossError(
        absl::StrCat("the bundle's checkpoint does not verify: ",
                     checkpoint.status().message()));
  }
  int verified = 0;
  for (const prevent::hub::v1::ProvenAuditRecord& proven : bundle.records()) {
    const prevent::hub::v1::AuditRecord& record = proven.record();
    absl::StatusOr<std::vector<audit::Hash>> proof =
        ProofHashes(proven.inclusion_proof());
    if (!proof.ok()) {
      return absl::DataLossError(absl::StrCat("event ", record.index(), ": ",
                                              proof.status().message()));
    }
    const audit::Hash leaf =
        audit::EventLeafHash(record.salt(), record.event());
    absl::Status included = audit::VerifyInclusion(
        leaf, record.index(), checkpoint->tree_size, *proof, checkpoint->root);
    if (!included.ok()) {
      return absl::DataLossError(absl::StrCat(
          "event ", record.index(),
          " is not in the signed log as exported (it was altered, or its "
          "proof is wrong): ",
          included.message()));
    }
    ++verified;
  }
  return verified;
}

absl::Status AuditVerifyCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(AuditTrust trust,
                   AuditTrust::Load(profile, env.profile_dir));
  std::ostream& out = *env.out;
  if (!bundle_.empty()) {
    ASSIGN_OR_RETURN(std::string json,
                     common::ReadConfiguredFile("--bundle", bundle_));
    prevent::hub::v1::AuditBundle bundle;
    if (!google::protobuf::util::JsonStringToMessage(json, &bundle).ok()) {
      return absl::DataLossError(absl::StrCat(
          bundle_, " is not an audit bundle from `hubctl audit export`"));
    }
    ASSIGN_OR_RETURN(int events, VerifyBundle(bundle, trust.key()));
    ASSIGN_OR_RETURN(
        audit::Checkpoint checkpoint,
        audit::ParseCheckpointBody(bundle.checkpoint().checkpoint()));
    out << "OK: " << events << " event(s) in " << bundle_
        << " are in the hub's signed log (" << checkpoint.tree_size
        << " events, signed " << common::FormatUtc(checkpoint.time) << ", key "
        << trust.key().KeyId() << ")\n";
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(TrustReport report, trust.VerifyAll(*client));
  out << "OK: the hub's audit log (" << report.latest.tree_size
      << " events, signed " << common::FormatUtc(report.latest.time) << ", key "
      << trust.key().KeyId() << ") extends all " << report.checkpoints
      << " checkpoint(s) you hold and includes all " << report.events
      << " event(s) you fetched\n";
  return absl::OkStatus();
}

}  // namespace hub::client
