#include "client/commands/audit_query_command.h"

#include <iomanip>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"
#include "hub/audit/commitment.h"
#include "proto/audit.pb.h"

namespace hub::client {
namespace {

namespace ab = ::prevent::audit::v1;
namespace pb = ::prevent::policy::v1;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

void PrintRow(std::ostream& out, uint64_t index, const ab::AuditEvent& e) {
  std::string actor =
      e.actor().principal_id().empty()
          ? absl::StrCat("cert:", e.actor().cert_sha256().substr(0, 12))
          : absl::StrCat(e.actor().principal_id(), "@", e.actor().partner_id());
  std::string object = e.object().record() == pb::RECORD_CLASS_UNSPECIFIED
                           ? "-"
                           : pb::RecordClass_Name(e.object().record());
  if (!e.object().id().empty()) absl::StrAppend(&object, " ", e.object().id());
  if (!e.object().referral_id().empty()) {
    absl::StrAppend(&object, " (", e.object().referral_id(), ")");
  }
  std::vector<std::string> recipients;
  for (const ab::Recipient& r : e.recipients()) {
    recipients.push_back(
        r.principal_id().empty()
            ? r.partner_id()
            : absl::StrCat(r.principal_id(), "@", r.partner_id()));
  }
  std::string rule = e.rule_id().empty() ? "-"
                     : e.agreement_id().empty()
                         ? e.rule_id()
                         : absl::StrCat(e.agreement_id(), "/", e.rule_id());
  std::string decision =
      e.decision().allowed()
          ? "ALLOW"
          : absl::StrCat("DENY ",
                         e.decision().reason() == pb::REASON_UNSPECIFIED
                             ? e.status()
                             : pb::ReasonCode_Name(e.decision().reason()));
  out << std::left << std::setw(6) << index << "  "
      << common::FormatUtc(absl::FromUnixMillis(e.time_unix_ms())) << "  "
      << std::setw(12) << ab::Operation_Name(e.operation()) << "  "
      << std::setw(26) << actor << "  " << std::setw(28) << object << "  "
      << std::setw(22) << Or(absl::StrJoin(recipients, ",")) << "  "
      << std::setw(24)
      << (e.purpose() == pb::PURPOSE_UNSPECIFIED
              ? "-"
              : pb::Purpose_Name(e.purpose()))
      << "  " << std::setw(18) << rule << "  " << std::setw(24) << decision
      << "  " << Or(absl::StrJoin(e.fields(), ",")) << "\n";
}

}  // namespace

AuditQueryCommand::AuditQueryCommand(CLI::App& audit)
    : command_(audit.add_subcommand(
          "query",
          "who shared what with whom (AQ1-AQ3), as your role "
          "allows")) {
  selector_.Register(command_);
  command_->add_flag("--json", json_, "print the events as JSON");
}

absl::Status AuditQueryCommand::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(AuditQueryRun run, selector_.Run(env));
  AuditTrust& trust = run.trust;
  HubClient* const client = run.client.get();
  const prevent::hub::v1::AuditQueryResponse& answer = run.answer;

  prevent::hub::v1::AuditQueryView view;
  std::vector<SeenEvent> seen;
  for (const prevent::hub::v1::AuditRecord& record : answer.records()) {
    prevent::hub::v1::AuditQueryView::Event& event = *view.add_events();
    event.set_index(record.index());
    if (!event.mutable_event()->ParseFromString(record.event())) {
      return absl::DataLossError(absl::StrCat(
          "the hub sent audit event ", record.index(), " that cannot be read"));
    }
    seen.push_back(
        {record.index(), audit::EventLeafHash(record.salt(), record.event())});
  }
  *view.mutable_police_summaries() = answer.police_summaries();
  view.set_truncated(answer.truncated());
  RETURN_IF_ERROR(trust.RememberSeen(seen));
  RETURN_IF_ERROR(trust.Refresh(*client).status());

  std::ostream& out = *env.out;
  if (json_) return PrintJson(view, out);
  out << std::left << std::setw(6) << "INDEX"
      << "  " << std::setw(20) << "TIME (UTC)"
      << "  " << std::setw(12) << "OPERATION"
      << "  " << std::setw(26) << "ACTOR"
      << "  " << std::setw(28) << "OBJECT"
      << "  " << std::setw(22) << "RECIPIENTS"
      << "  " << std::setw(24) << "PURPOSE"
      << "  " << std::setw(18) << "RULE"
      << "  DECISION  FIELDS\n";
  for (const auto& event : view.events()) {
    PrintRow(out, event.index(), event.event());
  }
  for (const prevent::hub::v1::PoliceSummary& s : view.police_summaries()) {
    out << "police-domain events, summarised: " << s.partner_id() << " "
        << ab::Operation_Name(s.operation()) << " (" << s.count() << ")\n";
  }
  out << view.events_size() << " event(s)"
      << (view.truncated() ? "; more matched: narrow --since/--until or raise "
                             "--limit"
                           : "")
      << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
