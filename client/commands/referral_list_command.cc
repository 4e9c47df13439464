#include "client/commands/referral_list_command.h"

#include <iomanip>

#include "absl/strings/str_cat.h"
#include "client/audit_trust.h"
#include "client/commands/enum_flag.h"
#include "client/commands/print_json.h"
#include "client/hub_client.h"
#include "client/profile.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

std::string Or(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

void PrintReferralTable(const prevent::hub::v1::ListReferralsResponse& answer,
                        std::ostream& out) {
  // Widths fit the longest reference, state and status names.
  out << std::left << std::setw(21) << "REFERENCE"
      << "  " << std::setw(22) << "STATE"
      << "  " << std::setw(36) << "STATUS"
      << "  " << std::setw(20) << "RECEIVED (UTC)"
      << "  " << std::setw(6) << "AREA"
      << "  FLAGS\n";
  for (const rec::Referral& r : answer.referrals()) {
    const std::string state = r.state() == pb::REFERRAL_STATE_UNSPECIFIED
                                  ? "-"
                                  : pb::ReferralState_Name(r.state());
    const std::string status =
        r.status_bucket() == rec::Referral::STATUS_BUCKET_UNSPECIFIED
            ? "-"
            : rec::Referral::StatusBucket_Name(r.status_bucket());
    const std::string received = r.received_at().seconds() == 0
                                     ? "-"
                                     : common::FormatUtc(absl::FromUnixSeconds(
                                           r.received_at().seconds()));
    out << std::setw(21) << Or(r.referral_ref()) << "  " << std::setw(22)
        << state << "  " << std::setw(36) << status << "  " << std::setw(20)
        << received << "  " << std::setw(6) << Or(r.area_code()) << "  "
        << (r.repeat_referral_assurance() ? "repeat" : "-") << "\n";
  }
  out << answer.referrals_size() << " referral(s)\n";
  if (answer.truncated()) out << "(more: raise --limit)\n";
}

ReferralListCommand::ReferralListCommand(CLI::App& referral)
    : command_(referral.add_subcommand(
          "list", "the referrals you may see, by reference and status")) {
  command_->add_option("--state", state_,
                       "only referrals in this state, e.g. SCREENING");
  command_->add_option("--limit", limit_,
                       "at most this many (default 500, at most 5000)");
  context_.Register(command_, /*with_request_id=*/false);
  command_->add_flag("--json", json_, "print the answer as JSON");
}

absl::Status ReferralListCommand::Run(const CommandEnv& env) const {
  prevent::hub::v1::ListReferralsRequest request;
  if (!state_.empty()) {
    ASSIGN_OR_RETURN(int state, ParseEnumFlag(pb::ReferralState_descriptor(),
                                              "--state", state_));
    request.set_state(static_cast<pb::ReferralState>(state));
  }
  if (limit_ < 0 || limit_ > 5000) {
    return absl::InvalidArgumentError("--limit: give 1 to 5000");
  }
  request.set_limit(limit_);
  RETURN_IF_ERROR(context_.Validate());

  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(*request.mutable_context(), context_.Resolve(*client));
  ASSIGN_OR_RETURN(prevent::hub::v1::ListReferralsResponse answer,
                   client->ListReferrals(request));
  RETURN_IF_ERROR(CheckHubAuditLog(profile, env.profile_dir, *client));

  std::ostream& out = *env.out;
  if (json_) return PrintJson(answer, out);
  PrintReferralTable(answer, out);
  return absl::OkStatus();
}

}  // namespace hub::client
