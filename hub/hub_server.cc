#include "hub/hub_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/ed25519.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/revocation_list.h"
#include "common/status_macros.h"
#include "common/x509_certificate.h"
#include "hub/audit/group_commit_audit_log.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/deconfliction/match_index.h"
#include "hub/deconfliction/matcher.h"
#include "hub/mutual_tls.h"
#include "hub/server_threads.h"
#include "hub/service/audit_service.h"
#include "hub/service/briefing_service.h"
#include "hub/service/call_auditor.h"
#include "hub/service/call_runner.h"
#include "hub/service/deconfliction_service.h"
#include "hub/service/identity_service.h"
#include "hub/service/peer_auth_processor.h"
#include "hub/service/peer_identity.h"
#include "hub/service/policy_service.h"
#include "hub/service/referral_service.h"
#include "hub/service/sync_service.h"
#include "hub/store/sqlite_store.h"
#include "policy/policy.h"

namespace hub {
namespace {

absl::Status WithField(const char* field, absl::Status s) {
  if (s.ok()) return s;
  return absl::Status(s.code(), absl::StrCat(field, ": ", s.message()));
}

// What identification trusts: the policy file's policy and the CA's
// revocation list, loaded and validated together.
struct Trust {
  std::shared_ptr<const policy::Policy> policy;
  std::shared_ptr<const common::RevocationList> revocations;
};

// Loads the CRL (verified against `ca`, refused once past its next update)
// and the policy file named by `config`. Errors name the config field.
absl::StatusOr<Trust> LoadTrust(const prevent::config::v1::HubConfig& config,
                                const common::X509Certificate& ca,
                                const common::Clock* clock) {
  ASSIGN_OR_RETURN(std::string crl_pem,
                   common::ReadConfiguredFile("crl_file", config.crl_file()));
  absl::StatusOr<common::RevocationList> crl =
      common::RevocationList::FromPem(crl_pem, ca);
  RETURN_IF_ERROR(WithField("crl_file", crl.status()));
  if (clock->Now() > crl->next_update()) {
    return absl::FailedPreconditionError(
        absl::StrCat("crl_file: the revocation list expired at ",
                     common::FormatUtc(crl->next_update()),
                     "; install a fresh one from the partnership CA"));
  }
  absl::StatusOr<std::unique_ptr<const policy::Policy>> loaded =
      policy::Policy::Load(config.policy_file(), clock->Now());
  RETURN_IF_ERROR(WithField("policy_file", loaded.status()));
  Trust trust;
  trust.policy = std::move(loaded).value();
  trust.revocations =
      std::make_shared<const common::RevocationList>(std::move(crl).value());
  return trust;
}

}  // namespace

// Everything the server owns, destroyed in reverse order of declaration:
// the gRPC server goes first, so no call can reach a destroyed service.
struct HubServer::Parts {
  Parts(prevent::config::v1::HubConfig config,
        std::shared_ptr<const common::X509Certificate> ca,
        const common::Clock* clock)
      : config(std::move(config)), ca(std::move(ca)), clock(clock) {}

  const prevent::config::v1::HubConfig config;
  const std::shared_ptr<const common::X509Certificate> ca;
  const common::Clock* const clock;
  absl::Mutex reload_mu;  // one reload at a time
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<audit::GroupCommitAuditLog> audit_log;
  std::optional<audit::Pseudonymizer> pseudonymizer;
  std::unique_ptr<service::CallAuditor> auditor;
  std::unique_ptr<service::PeerIdentity> identity;
  std::unique_ptr<service::CallRunner> runner;
  std::unique_ptr<service::IdentityService> identity_service;
  std::unique_ptr<service::PolicyService> policy_service;
  std::unique_ptr<service::AuditService> audit_service;
  std::unique_ptr<deconfliction::Matcher> matcher;
  std::unique_ptr<deconfliction::MatchIndex> match_index;
  service::RecordLocks record_locks;
  std::unique_ptr<service::ReferralService> referral_service;
  std::unique_ptr<service::DeconflictionService> deconfliction_service;
  std::unique_ptr<service::BriefingService> briefing_service;
  std::unique_ptr<service::SyncService> sync_service;
  std::unique_ptr<grpc::Server> server;
  absl::Mutex shutdown_mu;
  bool shut_down ABSL_GUARDED_BY(shutdown_mu) = false;
  // SERVING only while the audit log can be written (fail closed).
  bool audit_healthy ABSL_GUARDED_BY(shutdown_mu) = true;

  // Opens the audit log on `store` with the keys the config names.
  absl::Status OpenAudit();

  void SetAuditHealthy(bool healthy) {
    absl::MutexLock lock(&shutdown_mu);
    audit_healthy = healthy;
    if (server == nullptr || shut_down) return;
    if (grpc::HealthCheckServiceInterface* health =
            server->GetHealthCheckService()) {
      health->SetServingStatus(healthy);
    }
  }
};

absl::Status HubServer::Parts::OpenAudit() {
  Parts* const parts = this;
  ASSIGN_OR_RETURN(std::string key_pem,
                   common::ReadConfiguredFile("audit_signing_key_file",
                                              config.audit_signing_key_file()));
  absl::StatusOr<common::Ed25519PrivateKey> key =
      common::Ed25519PrivateKey::FromPem(key_pem);
  RETURN_IF_ERROR(WithField("audit_signing_key_file", key.status()));
  ASSIGN_OR_RETURN(
      std::string pseudonym_key,
      common::ReadConfiguredFile("audit_pseudonym_key_file",
                                 config.audit_pseudonym_key_file()));
  absl::StatusOr<audit::Pseudonymizer> pseudonymizer =
      audit::Pseudonymizer::FromKey(std::move(pseudonym_key));
  RETURN_IF_ERROR(
      WithField("audit_pseudonym_key_file", pseudonymizer.status()));
  parts->pseudonymizer.emplace(std::move(pseudonymizer).value());

  audit::GroupCommitAuditLog::Options options;
  options.origin = absl::StrCat("prevent-hub/", parts->store->instance_id());
  options.on_health_change = [parts](bool healthy) {
    parts->SetAuditHealthy(healthy);
  };
  absl::StatusOr<std::unique_ptr<audit::GroupCommitAuditLog>> log =
      audit::GroupCommitAuditLog::Open(parts->store.get(),
                                       std::move(key).value(), parts->clock,
                                       std::move(options));
  RETURN_IF_ERROR(WithField("database_path", log.status()));
  parts->audit_log = std::move(log).value();
  return absl::OkStatus();
}

HubServer::HubServer(std::unique_ptr<Parts> parts, int port)
    : parts_(std::move(parts)), port_(port) {}

HubServer::~HubServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<HubServer>> HubServer::Start(
    const prevent::config::v1::HubConfig& config, const common::Clock* clock) {
  ASSIGN_OR_RETURN(std::string cert_pem,
                   common::ReadConfiguredFile("cert_file", config.cert_file()));
  ASSIGN_OR_RETURN(std::string key_pem,
                   common::ReadConfiguredFile("key_file", config.key_file()));
  ASSIGN_OR_RETURN(std::string ca_pem,
                   common::ReadConfiguredFile("ca_file", config.ca_file()));

  absl::StatusOr<common::X509Certificate> hub_cert =
      common::X509Certificate::FromPem(cert_pem);
  RETURN_IF_ERROR(WithField("cert_file", hub_cert.status()));
  RETURN_IF_ERROR(WithField("key_file", hub_cert->MatchesPrivateKey(key_pem)));
  absl::StatusOr<common::X509Certificate> ca =
      common::X509Certificate::FromPem(ca_pem);
  RETURN_IF_ERROR(WithField("ca_file", ca.status()));
  // Revocation is checked against this one CA's list, so it must be the only
  // anchor TLS trusts (see docs/decisions/0002).
  if (int n = common::CountPemCertificates(ca_pem); n != 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "ca_file: holds ", n,
        " certificates; it must hold exactly one, the partnership CA whose "
        "revocation list is crl_file"));
  }
  ASSIGN_OR_RETURN(Trust trust, LoadTrust(config, *ca, clock));
  const int principals = trust.policy->file().principals_size();

  auto parts = std::make_unique<Parts>(
      config,
      std::make_shared<const common::X509Certificate>(std::move(ca).value()),
      clock);
  absl::StatusOr<std::unique_ptr<store::SqliteStore>> store =
      store::SqliteStore::Open(config.database_path(), clock);
  RETURN_IF_ERROR(WithField("database_path", store.status()));
  parts->store = std::move(store).value();
  RETURN_IF_ERROR(parts->OpenAudit());
  parts->auditor = std::make_unique<service::CallAuditor>(
      parts->audit_log.get(), &*parts->pseudonymizer);
  parts->identity = std::make_unique<service::PeerIdentity>(
      parts->ca, std::move(trust.policy), std::move(trust.revocations), clock);
  parts->runner = std::make_unique<service::CallRunner>(
      parts->identity.get(), parts->auditor.get(), clock);
  parts->identity_service =
      std::make_unique<service::IdentityService>(parts->runner.get());
  parts->policy_service =
      std::make_unique<service::PolicyService>(parts->runner.get());
  parts->audit_service = std::make_unique<service::AuditService>(
      parts->runner.get(), parts->audit_log.get(), &*parts->pseudonymizer);
  absl::StatusOr<std::unique_ptr<deconfliction::Matcher>> matcher =
      deconfliction::Matcher::Create();
  if (!matcher.ok()) return matcher.status();
  parts->matcher = std::move(matcher).value();
  parts->match_index = std::make_unique<deconfliction::MatchIndex>(
      parts->matcher.get(), &*parts->pseudonymizer, parts->store.get());
  // Referrals stored before the deconfliction index existed (schema 5).
  absl::StatusOr<int> backfilled = parts->match_index->Backfill();
  if (!backfilled.ok()) return backfilled.status();
  parts->referral_service = std::make_unique<service::ReferralService>(
      parts->runner.get(), parts->store.get(), &*parts->pseudonymizer,
      &parts->record_locks, parts->match_index.get());
  parts->deconfliction_service =
      std::make_unique<service::DeconflictionService>(
          parts->runner.get(), parts->store.get(), &parts->record_locks,
          parts->match_index.get());
  parts->briefing_service = std::make_unique<service::BriefingService>(
      parts->runner.get(), parts->store.get(), &parts->record_locks);
  parts->sync_service = std::make_unique<service::SyncService>(
      parts->runner.get(), parts->store.get(), parts->audit_log.get());

  // The TLS layer requires a client certificate chaining to the partnership
  // CA (gRPC's default floor is TLS 1.2); the auth processor then identifies
  // the principal on every call, for every service.
  std::shared_ptr<grpc::ServerCredentials> credentials =
      MutualTlsServerCredentials(ca_pem, key_pem, cert_pem);
  credentials->SetAuthMetadataProcessor(
      std::make_shared<service::PeerAuthProcessor>(
          parts->identity.get(), parts->auditor.get(), clock));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_address(), credentials, &port);
  ConfigureServerThreads(builder);
  builder.RegisterService(parts->identity_service.get());
  builder.RegisterService(parts->policy_service.get());
  builder.RegisterService(parts->audit_service.get());
  builder.RegisterService(parts->referral_service.get());
  builder.RegisterService(parts->deconfliction_service.get());
  builder.RegisterService(parts->briefing_service.get());
  builder.RegisterService(parts->sync_service.get());
  {
    absl::MutexLock lock(&parts->shutdown_mu);
    parts->server = builder.BuildAndStart();
  }
  if (parts->server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "listen_address: cannot listen on ", config.listen_address(),
        "; is another process using it?"));
  }

  // The audit log may have failed between opening and now.
  parts->SetAuditHealthy(parts->audit_log->healthy());
  store::SqliteStore::Settings settings = parts->store->settings();
  common::LogLine(common::Severity::kInfo, "hub_started")
      .Add("port", port)
      .Add("instance", parts->store->instance_id())
      .Add("schema_version", parts->store->schema_version())
      .Add("journal_mode", settings.journal_mode)
      .Add("synchronous", settings.synchronous)
      .Add("audit_events", static_cast<int64_t>(parts->audit_log->size()))
      .Add("principals", principals);
  return std::unique_ptr<HubServer>(new HubServer(std::move(parts), port));
}

absl::Status HubServer::Reload() {
  absl::MutexLock lock(&parts_->reload_mu);
  absl::StatusOr<Trust> trust =
      LoadTrust(parts_->config, *parts_->ca, parts_->clock);
  if (!trust.ok()) {
    common::LogLine(common::Severity::kError, "reload_refused")
        .Add("errors", common::LocationsOnly(trust.status().message()));
    return trust.status();
  }
  const int principals = trust->policy->file().principals_size();
  const int64_t revoked = static_cast<int64_t>(trust->revocations->size());
  parts_->identity->Replace(std::move(trust->policy),
                            std::move(trust->revocations));
  common::LogLine(common::Severity::kInfo, "reloaded")
      .Add("principals", principals)
      .Add("revoked", revoked);
  return absl::OkStatus();
}

void HubServer::Shutdown(absl::Duration drain) {
  {
    absl::MutexLock lock(&parts_->shutdown_mu);
    if (parts_->shut_down) return;
    parts_->shut_down = true;
  }
  if (grpc::HealthCheckServiceInterface* health =
          parts_->server->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  parts_->server->Shutdown(absl::ToChronoTime(absl::Now() + drain));
  parts_->server->Wait();
  common::LogLine(common::Severity::kInfo, "hub_stopped");
}

}  // namespace hub
