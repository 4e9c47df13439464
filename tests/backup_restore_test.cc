// TESTING §3.11, backup and restore. Backups are taken with BackupDatabase
// (what `hubd backup` runs) while the NHS lead keeps submitting referrals
// from another thread. Each backup is then restored as an operator would
// (the file copied to a new database_path) and a hub started on it: every
// referral acknowledged before the backup began must be there once with its
// COLLECT event and be served, the database must pass its integrity check
// and the audit log its verification. A client holding a checkpoint signed
// after the backup must find the restored log rolled back: the verifier,
// given that checkpoint, refuses it. Backups: HUB_BACKUPS (default 10). The
// last line printed is the suite's figures for docs/reliability.md.
#include <atomic>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/ed25519.h"
#include "hub/audit/checkpoint.h"
#include "hub/audit/log_verifier.h"
#include "hub/store/backup.h"
#include "hub/store/sqlite_store.h"
#include "tests/audit_events.h"
#include "tests/budget.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub::testing {
namespace {

int Backups() { return EnvInt("HUB_BACKUPS", 10); }

// Referrals acknowledged so far, in order, shared with the submitter.
class Acknowledged {
 public:
  void Add(const std::string& ref) {
    absl::MutexLock lock(&mu_);
    refs_.push_back(ref);
  }
  // Waits until at least `n` are acknowledged; a copy of them.
  std::vector<std::string> AtLeast(size_t n) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, n]() { return refs_.size() >= n; };
    mu_.Await(absl::Condition(&enough));
    return refs_;
  }
  std::vector<std::string> All() {
    absl::MutexLock lock(&mu_);
    return refs_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> refs_;
};

class BackupRestoreTest : public DemoHubTest {
 protected:
  // The hub's latest signed checkpoint, as the coordinator is shown it.
  audit::SignedCheckpoint Checkpoint() {
    api::GetCheckpointRequest request;
    request.mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
    api::AuditProofResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    const grpc::Status status =
        api::AuditService::NewStub(ChannelOf("u-hokoro"))
            ->GetCheckpoint(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.proof().checkpoint(), response.proof().signature()};
  }

  void StopHub() {
    server_->Shutdown(absl::ZeroDuration());
    server_.reset();
    channels_.clear();
    stubs_.clear();
  }
};

TEST_F(BackupRestoreTest, EachBackupRestoresWholeAndARollbackIsFlagged) {
  StartHub();
  const int backups = Backups();
  Acknowledged acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};
  std::thread submitter([&] {
    for (int i = 0; !stop.load(); ++i) {
      rec::ReferralSubmission submission = AdultSubmission();
      submission.mutable_subject()->mutable_identity()->set_surname(
          absl::StrCat("Backup", std::string(1 + i % 20, 'x')));
      api::SubmitReferralResponse response;
      if (Submit("u-drwhit", submission, absl::StrCat("backup-", i), &response)
              .ok()) {
        acknowledged.Add(response.referral_ref());
      } else {
        ++refused;
      }
    }
  });

  // Each backup while submissions go on: what was acknowledged before it
  // began must be in it.
  std::vector<std::string> paths;
  std::vector<size_t> before;
  for (int b = 0; b < backups; ++b) {
    before.push_back(acknowledged.AtLeast(3 * (b + 1)).size());
    paths.push_back(absl::StrCat(dir_, "/backup-", b, ".db"));
    absl::StatusOr<store::BackupReport> report =
        store::BackupDatabase(db_path_, paths.back());
    ASSERT_THAT(report, IsOk()) << "backup " << b;
  }
  // More after the last one, then the checkpoint a client keeps.
  acknowledged.AtLeast(3 * (backups + 2));
  stop = true;
  submitter.join();
  const audit::SignedCheckpoint held = Checkpoint();
  StopHub();
  const std::vector<std::string> all = acknowledged.All();
  EXPECT_EQ(refused.load(), 0);

  auto key = common::Ed25519PublicKey::FromPem(Pem("audit/signing.pub"));
  ASSERT_THAT(key, IsOk());
  {
    // The live log itself verifies against the held checkpoint, so a
    // refusal below is the rollback's, not the checkpoint's.
    auto live = store::SqliteStore::Open(db_path_, &clock_);
    ASSERT_THAT(live, IsOk());
    ASSERT_THAT(audit::VerifyStoredLog(**live, *key, {held}), IsOk());
  }
  int restored = 0, served = 0, lost = 0, duplicated = 0, unaudited = 0;
  int integrity_failures = 0, chain_failures = 0, rollbacks_flagged = 0;
  int checked = 0;
  for (int b = 0; b < backups; ++b) {
    SCOPED_TRACE(absl::StrCat("backup ", b));
    // The restore: the file copied to a new database path.
    const std::string path = absl::StrCat(dir_, "/restored-", b, ".db");
    absl::StatusOr<std::string> bytes = common::ReadFile(paths[b]);
    ASSERT_THAT(bytes, IsOk());
    ASSERT_THAT(common::WriteFileAtomically(path, *bytes), IsOk());
    {
      auto store = store::SqliteStore::Open(path, &clock_);
      ASSERT_THAT(store, IsOk());
      const bool sound = (*store)->CheckIntegrity().ok();
      const bool chain = audit::VerifyStoredLog(**store, *key, {}).ok();
      // Given the checkpoint signed after the backup, the log is short.
      const absl::StatusOr<audit::LogReport> against_held =
          audit::VerifyStoredLog(**store, *key, {held});
      integrity_failures += !sound;
      chain_failures += !chain;
      rollbacks_flagged += !against_held.ok();
      EXPECT_TRUE(sound);
      EXPECT_TRUE(chain);
      EXPECT_FALSE(against_held.ok()) << "a rollback went unnoticed";
    }
    std::map<std::string, int> collects;
    for (const ab::AuditEvent& event : AuditEvents(path)) {
      if (event.operation() == ab::COLLECT) {
        ++collects[event.object().referral_id()];
      }
    }
    for (size_t i = 0; i < before[b]; ++i) {
      const int64_t rows =
          QueryInt(path, absl::StrCat("SELECT COUNT(*) FROM referrals WHERE "
                                      "ref = '",
                                      all[i], "'"));
      ++checked;
      lost += rows == 0;
      duplicated += rows > 1;
      unaudited += rows == 1 && collects[all[i]] != 1;
    }
    // And a hub serves it: the last referral acknowledged before the
    // backup reads back.
    config_.set_database_path(path);
    StartHub();
    api::GetReferralResponse got;
    const grpc::Status status =
        Get("u-dsallenby", all[before[b] - 1],
            pb::PREVENT_GATEWAY_DECONFLICTION, &got, "Restore check");
    served += status.ok();
    EXPECT_TRUE(status.ok()) << status.error_message();
    StopHub();
    ++restored;
  }
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicated, 0);
  EXPECT_EQ(unaudited, 0);
  std::fprintf(stderr,
               "backup: backups=%d acknowledged=%zu restored=%d served=%d "
               "referrals_checked=%d lost=%d duplicated=%d unaudited=%d "
               "integrity_failures=%d chain_failures=%d "
               "rollbacks_flagged=%d\n",
               backups, all.size(), restored, served, checked, lost, duplicated,
               unaudited, integrity_failures, chain_failures,
               rollbacks_flagged);
}

}  // namespace
}  // namespace hub::testing
