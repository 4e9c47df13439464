#include "client/commands/audit_export_command.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace hub::client {

AuditExportCommand::AuditExportCommand(CLI::App& audit)
    : command_(audit.add_subcommand(
          "export",
          "write audit events with the signed checkpoint and their proofs, "
          "for `hubctl audit verify --bundle`")) {
  selector_.Register(command_);
  command_->add_option("--out", out_, "the bundle file to write")->required();
}

absl::Status AuditExportCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(AuditQueryRun run, selector_.Run(env));
  AuditTrust& trust = run.trust;
  HubClient* const client = run.client.get();
  const prevent::hub::v1::AuditQueryResponse& answer = run.answer;

  // The checkpoint, checked against what this client saw before, covers
  // every event the query returned.
  ASSIGN_OR_RETURN(audit::Checkpoint exported, trust.Refresh(*client));
  const audit::SignedCheckpoint& signed_checkpoint = trust.latest_signed();

  prevent::hub::v1::AuditBundle bundle;
  bundle.mutable_checkpoint()->set_checkpoint(signed_checkpoint.body);
  bundle.mutable_checkpoint()->set_signature(signed_checkpoint.signature);
  for (const prevent::hub::v1::AuditRecord& record : answer.records()) {
    ASSIGN_OR_RETURN(
        prevent::records::v1::AuditProof proof,
        client->GetInclusionProof(record.index(), exported.tree_size));
    prevent::hub::v1::ProvenAuditRecord& proven = *bundle.add_records();
    *proven.mutable_record() = record;
    *proven.mutable_inclusion_proof() = proof.hashes();
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(bundle, &json, options)
           .ok()) {
    return absl::InternalError("could not write the bundle as JSON");
  }
  RETURN_IF_ERROR(common::WriteFileAtomically(out_, json));
  *env.out << "wrote " << bundle.records_size() << " event(s) with proofs to "
           << out_ << " (log of " << exported.tree_size
           << " events); check it with: hubctl audit verify --bundle " << out_
           << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
