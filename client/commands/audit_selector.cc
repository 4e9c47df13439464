#include "client/commands/audit_selector.h"

#include "absl/strings/str_cat.h"
#include "client/profile.h"
#include "common/clock.h"
#include "common/status_macros.h"

namespace hub::client {

void AuditSelector::Register(CLI::App* command) {
  command->add_option("--subject", subject_,
                      "AQ1: who received or viewed information about this "
                      "subject id or referral reference");
  command->add_option("--partner", partner_,
                      "AQ2: what this partner sent or received, by agreement "
                      "and rule");
  command->add_flag("--denials", denials_,
                    "AQ3: refused calls and attempted out-of-agreement "
                    "disclosures");
  command->add_option("--since", since_,
                      "from this time (YYYY-MM-DD or RFC 3339, UTC)");
  command->add_option("--until", until_,
                      "until this time (YYYY-MM-DD or RFC 3339, UTC)");
  command->add_option("--limit", limit_,
                      "at most this many events (default 1000, at most "
                      "10000)");
  command->add_option("--justification", justification_,
                      "why you are running this query (recorded in the "
                      "audit log)");
}

absl::StatusOr<absl::Time> ParseAuditTime(absl::string_view text,
                                          bool end_of_day) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  absl::StatusOr<absl::Time> day = common::ParseUtcDate(text);
  if (day.ok()) {
    return end_of_day ? *day + absl::Hours(24) - absl::Milliseconds(1) : *day;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", text,
                   "' is not a time; use YYYY-MM-DD or RFC 3339 such as "
                   "2026-11-21T10:00:00Z"));
}

absl::StatusOr<prevent::hub::v1::AuditQueryRequest> AuditSelector::Build()
    const {
  prevent::hub::v1::AuditQueryRequest request;
  request.mutable_context()->set_purpose(
      prevent::policy::v1::AUDIT_AND_ASSURANCE);
  request.mutable_context()->set_justification(justification_);
  const int chosen = (subject_.empty() ? 0 : 1) + (partner_.empty() ? 0 : 1) +
                     (denials_ ? 1 : 0);
  if (chosen != 1) {
    return absl::InvalidArgumentError(
        "give exactly one of --subject REF (AQ1), --partner ID (AQ2) or "
        "--denials (AQ3)");
  }
  if (!subject_.empty()) request.set_subject(subject_);
  if (!partner_.empty()) request.set_partner_id(partner_);
  if (denials_) request.set_denials(true);
  if (!since_.empty()) {
    absl::StatusOr<absl::Time> since = ParseAuditTime(since_, false);
    if (!since.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--since: ", since.status().message()));
    }
    request.set_since_unix_ms(absl::ToUnixMillis(*since));
  }
  if (!until_.empty()) {
    absl::StatusOr<absl::Time> until = ParseAuditTime(until_, true);
    if (!until.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--until: ", until.status().message()));
    }
    request.set_until_unix_ms(absl::ToUnixMillis(*until));
  }
  if (limit_ < 0 || limit_ > 10000) {
    return absl::InvalidArgumentError("--limit: give 1 to 10000");
  }
  request.set_limit(limit_);
  return request;
}

absl::StatusOr<AuditQueryRun> AuditSelector::Run(const CommandEnv& env) const {
  ASSIGN_OR_RETURN(prevent::hub::v1::AuditQueryRequest request, Build());
  ASSIGN_OR_RETURN(prevent::config::v1::ClientProfile profile,
                   LoadProfile(env.profile_dir));
  ASSIGN_OR_RETURN(AuditTrust trust,
                   AuditTrust::Load(profile, env.profile_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<HubClient> client,
                   HubClient::Create(profile, env.clock));
  ASSIGN_OR_RETURN(prevent::hub::v1::AuditQueryResponse answer,
                   client->QueryAudit(request));
  return AuditQueryRun{std::move(trust), std::move(client), std::move(answer)};
}

}  // namespace hub::client
