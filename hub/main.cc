// hubd: the Prevent partnership hub.
//   hubd --config FILE            serve until SIGTERM or SIGINT, then drain
//                                 and exit 0
//   hubd policy check FILE        validate a policy file (exit 0 valid,
//                                 1 invalid)
//   hubd audit verify --database DB --public-key PEM
//                                 verify a stored audit log offline (exit 0
//                                 intact, 4 tampered, 1 cannot check)
//   hubd backup --database DB --out FILE
//                                 a checked, durable copy of a database, taken
//                                 while the hub serves (exit 0, or 1)
#include <grpc/support/log.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/ed25519.h"
#include "common/file_util.h"
#include "common/log.h"
#include "hub/audit/log_verifier.h"
#include "hub/hub_config.h"
#include "hub/hub_server.h"
#include "hub/store/backup.h"
#include "hub/store/sqlite_store.h"
#include "policy/policy.h"

namespace {

// gRPC's own diagnostics (e.g. failed handshakes) go into the structured log.
void LogGrpc(gpr_log_func_args* args) {
  hub::common::LogLine(args->severity == GPR_LOG_SEVERITY_ERROR
                           ? hub::common::Severity::kError
                           : hub::common::Severity::kInfo,
                       "grpc")
      .Add("msg", args->message);
}

// Start-up failures go to stderr, which is the service's log: errors in the
// policy file are shown by location only (`hubd policy check` shows them
// whole).
int Fail(const absl::Status& status) {
  std::cerr << "hubd: " << hub::common::LocationsOnly(status.message()) << "\n";
  return 1;
}

int CheckPolicy(const std::string& path) {
  absl::StatusOr<std::unique_ptr<const hub::policy::Policy>> policy =
      hub::policy::Policy::Load(path, absl::Now());
  if (!policy.ok()) {
    std::cerr << policy.status().message() << "\n";
    return 1;
  }
  const hub::policy::PolicyFile& file = (*policy)->file();
  int flows = 0;
  for (const auto& agreement : file.agreements()) {
    flows += agreement.flows_size();
  }
  std::cout << path << ": OK (" << file.partners_size() << " partners, "
            << file.principals_size() << " principals, "
            << file.agreements_size() << " agreements with " << flows
            << " flow rules, " << file.standing_rules_size()
            << " standing rules; version " << (*policy)->version() << ")\n";
  return 0;
}

// Verifies a copy of a hub database's audit log against the audit public
// key. Run it on a copy: opening the database may migrate its schema.
int VerifyAudit(const std::string& database, const std::string& key_file) {
  absl::StatusOr<std::string> pem =
      hub::common::ReadConfiguredFile("--public-key", key_file);
  if (!pem.ok()) return Fail(pem.status());
  absl::StatusOr<hub::common::Ed25519PublicKey> key =
      hub::common::Ed25519PublicKey::FromPem(*pem);
  if (!key.ok()) return Fail(key.status());
  // Opening would create a missing file and find an empty, "intact" log.
  struct stat info;
  if (stat(database.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Fail(absl::NotFoundError(
        absl::StrCat("--database: no database file at ", database,
                     "; give a copy of the hub's database_path")));
  }
  absl::StatusOr<std::unique_ptr<hub::store::SqliteStore>> store =
      hub::store::SqliteStore::Open(database, hub::common::Clock::Real());
  if (!store.ok()) return Fail(store.status());
  const absl::Time start = absl::Now();
  absl::StatusOr<hub::audit::LogReport> report =
      hub::audit::VerifyStoredLog(**store, *key, {});
  if (!report.ok()) {
    std::cerr << "hubd: audit log " << database
              << " FAILED verification: " << report.status().message() << "\n";
    return report.status().code() == absl::StatusCode::kDataLoss ? 4 : 1;
  }
  std::cout << database << ": audit log intact: " << report->events
            << " events (" << report->erased << " erased payloads), "
            << report->nodes << " tree nodes, " << report->checkpoints
            << " checkpoints signed by key " << key->KeyId() << " verified; "
            << report->unsigned_tail << " events after the last checkpoint; "
            << absl::FormatDuration(absl::Now() - start) << "\n";
  return 0;
}

// Backs up the database at `database` to `out` while the hub may be serving.
int Backup(const std::string& database, const std::string& out) {
  absl::StatusOr<hub::store::BackupReport> report =
      hub::store::BackupDatabase(database, out);
  if (!report.ok()) return Fail(report.status());
  std::cout << out << ": backup of " << database << ", " << report->pages
            << " pages (" << report->bytes
            << " bytes), integrity ok; check its audit log with hubd audit "
               "verify before you rely on it\n";
  return 0;
}

int Serve(const std::string& config_path) {
  // Block our signals in every thread (gRPC's included, which inherit this
  // mask) so that only the sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  gpr_set_log_function(LogGrpc);

  absl::StatusOr<prevent::config::v1::HubConfig> config =
      hub::LoadHubConfig(config_path);
  if (!config.ok()) return Fail(config.status());
  absl::StatusOr<std::unique_ptr<hub::HubServer>> server =
      hub::HubServer::Start(*config, hub::common::Clock::Real());
  if (!server.ok()) return Fail(server.status());

  // Scripts wait for this one line on stdout to know the hub is serving.
  std::string host =
      config->listen_address().substr(0, config->listen_address().rfind(':'));
  std::cout << "hubd: serving on " << host << ":" << (*server)->port()
            << std::endl;

  int signal_number = 0;
  // A refused reload is logged by Reload(); the hub goes on as it was.
  while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
    (*server)->Reload().IgnoreError();
  }
  hub::common::LogLine(hub::common::Severity::kInfo, "hub_stopping")
      .Add("signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Shutdown(absl::Seconds(config->drain_seconds()));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#ifdef NDEBUG
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detector on: every lock then goes through a process-wide graph under
  // one spin lock, which profiling showed on every call. Tests and Debug
  // builds keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  CLI::App app{"hubd: the Prevent partnership data-sharing hub"};
  app.require_subcommand(0, 1);
  std::string config_path;
  app.add_option("--config", config_path, "hub configuration (text proto)");
  CLI::App* policy = app.add_subcommand("policy", "policy file tools");
  policy->require_subcommand(1);
  std::string policy_file;
  CLI::App* check = policy->add_subcommand("check", "validate a policy file");
  check->add_option("FILE", policy_file, "policy file (text proto)")
      ->required();
  CLI::App* audit = app.add_subcommand("audit", "audit log tools");
  audit->require_subcommand(1);
  std::string database, public_key;
  CLI::App* verify = audit->add_subcommand(
      "verify", "verify a copy of a hub database's audit log offline");
  verify->add_option("--database", database, "the hub database (a copy)")
      ->required();
  verify
      ->add_option("--public-key", public_key,
                   "the hub's audit checkpoint public key (PEM)")
      ->required();
  std::string backup_out;
  CLI::App* backup = app.add_subcommand(
      "backup", "copy a hub database, even while the hub serves");
  backup->add_option("--database", database, "the hub's database_path")
      ->required();
  backup->add_option("--out", backup_out, "the backup file (must not exist)")
      ->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  if (check->parsed()) return CheckPolicy(policy_file);
  if (verify->parsed()) return VerifyAudit(database, public_key);
  if (backup->parsed()) return Backup(database, backup_out);
  if (config_path.empty()) {
    std::cerr << "hubd: --config FILE is required (see --help)\n";
    return 1;
  }
  return Serve(config_path);
}
