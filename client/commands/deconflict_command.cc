#include "client/commands/deconflict_command.h"

#include <iomanip>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/audit_trust.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

void PrintCandidates(const prevent::hub::v1::DeconflictionAnswer& answer,
                     std::ostream& out) {
  const rec::DeconflictionOutcome& d = answer.deconfliction();
  out << answer.referral_ref() << ": check " << d.query_id() << "\n";
  if (d.candidates().empty()) {
    out << "no candidates: the hub holds no other record matching this "
           "person\n";
    return;
  }
  out << std::left << std::setw(38) << "SUBJECT" << std::setw(10) << "SCORE"
      << std::setw(34) << "REASONS" << std::setw(30) << "HOLDING"
      << "RECORDS\n";
  for (const rec::MatchCandidate& c : d.candidates()) {
    std::vector<std::string> reasons;
    for (int r : c.reasons()) {
      reasons.push_back(rec::MatchCandidate::Reason_Name(r));
    }
    std::vector<std::string> records;
    for (const rec::MatchCandidate::HeldRecord& h : c.records()) {
      records.push_back(absl::StrCat(h.referral_ref(), " ",
                                     pb::ReferralState_Name(h.state())));
    }
    out << std::left << std::setw(38) << c.subject_id() << std::setw(10)
        << rec::MatchCandidate::Score_Name(c.score()) << std::setw(34)
        << absl::StrJoin(reasons, ",") << std::setw(30)
        << absl::StrJoin(c.holding_partner_ids(), ",")
        << absl::StrJoin(records, "; ") << "\n";
  }
}

void PrintStatus(const std::string& referral_ref,
                 const rec::DeconflictionOutcome& d, std::ostream& out) {
  out << referral_ref << ": deconfliction "
      << (d.status() == rec::DeconflictionOutcome::STATUS_UNSPECIFIED
              ? "not started"
              : rec::DeconflictionOutcome::Status_Name(d.status()));
  if (d.routing_outcome() != rec::ROUTING_OUTCOME_UNSPECIFIED) {
    out << ", routing outcome "
        << rec::RoutingOutcome_Name(d.routing_outcome());
  }
  out << ", prior referrals in the area within 24 months: "
      << d.prior_referrals_24m_in_your_area() << "\n";
}

}  // namespace

DeconflictCommand::DeconflictCommand(CLI::App& app)
    : command_(app.add_subcommand(
          "deconflict",
          "check a referral's subject against the hub's prior records (CT "
          "gateway), or see the check's status")),
      outcome_(*command_) {
  command_->require_subcommand(0, 1);
  command_->add_option("--referral", referral_,
                       "the referral's reference (PRV-WXC-2025-000123)");
  command_->add_option("--surname", surname_, "the person's surname");
  command_->add_option("--forenames", forenames_, "the person's forenames");
  command_->add_option("--dob", dob_, "date of birth, YYYY-MM-DD");
  command_->add_option("--postcode", postcode_, "home postcode");
  command_->add_option("--nhs-number", nhs_number_,
                       "NHS number, if the referral came from the NHS");
  command_->add_option("--alias", aliases_, "another name they use")
      ->take_all();
  context_.Register(command_, /*with_request_id=*/false);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status DeconflictCommand::Run(const CommandEnv& env) const {
  if (outcome_.selected()) return outcome_.Run(env);
  if (referral_.empty()) {
    return absl::InvalidArgumentError(
        "--referral: give the referral's reference (a check is bound to "
        "one referral)");
  }
  RETURN_IF_ERROR(context_.Validate());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(prevent::hub::v1::RequestContext context,
                   context_.Resolve(*client));
  std::ostream& out = *env.out;

  if (context.purpose() != pb::PREVENT_GATEWAY_DECONFLICTION) {
    // Not the gateway's check: the status this caller may see.
    prevent::hub::v1::GetDeconflictionStatusRequest request;
    *request.mutable_context() = context;
    request.set_referral(referral_);
    ASSIGN_OR_RETURN(prevent::hub::v1::GetDeconflictionStatusResponse answer,
                     client->GetDeconflictionStatus(request));
    RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));
    if (json_) return PrintJson(answer, out);
    PrintStatus(answer.referral_ref(), answer.deconfliction(), out);
    return absl::OkStatus();
  }

  if (surname_.empty()) {
    return absl::InvalidArgumentError(
        "--surname: required for a check (with --forenames and --dob where "
        "known)");
  }
  prevent::hub::v1::DeconflictionQuery query;
  *query.mutable_context() = context;
  query.set_referral(referral_);
  query.set_surname(surname_);
  query.set_forenames(forenames_);
  query.set_dob(dob_);
  query.set_postcode(postcode_);
  query.set_nhs_number(nhs_number_);
  for (const std::string& alias : aliases_) query.add_aliases(alias);
  ASSIGN_OR_RETURN(prevent::hub::v1::DeconflictionAnswer answer,
                   client->Deconflict(query));
  RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));
  if (json_) return PrintJson(answer, out);
  PrintCandidates(answer, out);
  return absl::OkStatus();
}

}  // namespace hub::client
