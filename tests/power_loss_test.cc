// TESTING §3.3, power loss. LazyFS is not packaged in Debian, so the hub's
// database is opened through a VFS that simulates losing power the way
// SQLite's own crash tests do (hub/store/power_loss_vfs.h): at a random
// write, sync or truncate the power goes, and once the hub is stopped every
// file is put back as the disk would hold it, with each write since its
// last sync undone. In each iteration a fresh hub takes referrals from the
// NHS lead, each read back by the CT gateway, until the power goes; the
// database is then reopened as after a reboot. Every acknowledged referral
// must be there once with its COLLECT event, the database sound and the
// audit chain whole (I1, I2, I4, I5, I8). The control runs the same loop on
// a disk that keeps the WAL only once checkpointed (synchronous=NORMAL's
// promise): there the test must find acknowledged referrals lost, or it
// could not have seen a loss at all. Iterations: HUB_POWER_LOSS_ITERATIONS
// (CI 50; the extended tier 1,000), the control a fifth of them. The last
// line printed is the suite's figures for docs/reliability.md.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/ed25519.h"
#include "hub/audit/log_verifier.h"
#include "hub/store/power_loss_vfs.h"
#include "hub/store/sqlite_store.h"
#include "tests/audit_events.h"
#include "tests/budget.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub::testing {
namespace {

// Submissions per iteration when the power stays on (the calibration).
constexpr int kSubmissions = 12;

int Iterations() { return EnvInt("HUB_POWER_LOSS_ITERATIONS", 50); }

// What one run of the loop found.
struct Outcome {
  bool started = false;
  int acknowledged = 0;
  int lost = 0;
  int duplicated = 0;
  int unaudited = 0;
  bool integrity_ok = false;
  bool chain_ok = false;
};

class PowerLossTest : public DemoHubTest {
 protected:
  // One run on a new database: the power goes at the `cut_at`-th write,
  // sync or truncate (0: never), the disk keeping what `durability` keeps.
  void Run(int n, int cut_at, store::Durability durability, Outcome* out) {
    const std::string path = absl::StrCat(dir_, "/power-", n, ".db");
    config_.set_database_path(
        absl::StrCat("file:", path, "?vfs=", store::InstallPowerLossVfs()));
    store::ArmPowerLoss(cut_at, durability);
    auto server = HubServer::Start(config_, &clock_);
    std::map<std::string, std::string> acknowledged;  // request id -> ref
    if (server.ok()) {
      out->started = true;
      server_ = std::move(server).value();
      for (int i = 0; i < kSubmissions && !store::PowerLost(); ++i) {
        const std::string id = absl::StrCat("power-", n, "-", i);
        rec::ReferralSubmission submission = AdultSubmission();
        submission.mutable_subject()->mutable_identity()->set_surname(
            absl::StrCat("Outage", std::string(1 + i, 'x')));
        api::SubmitReferralResponse response;
        if (Submit("u-drwhit", submission, id, &response).ok()) {
          acknowledged[id] = response.referral_ref();
          api::GetReferralResponse got;
          static_cast<void>(Get("u-dsallenby", response.referral_ref(),
                                pb::PREVENT_GATEWAY_DECONFLICTION, &got,
                                "Power loss"));
        }
      }
      server_->Shutdown(absl::ZeroDuration());
      server_.reset();
      channels_.clear();
      stubs_.clear();
    }
    ASSERT_THAT(store::RestoreAfterPowerLoss(), IsOk());

    // The reboot: the database as the disk kept it, through the real VFS.
    auto reopened = store::SqliteStore::Open(path, &clock_);
    ASSERT_THAT(reopened, IsOk()) << "iteration " << n;
    out->integrity_ok = (*reopened)->CheckIntegrity().ok();
    auto key = common::Ed25519PublicKey::FromPem(Pem("audit/signing.pub"));
    ASSERT_THAT(key, IsOk());
    out->chain_ok = audit::VerifyStoredLog(**reopened, *key, {}).ok();
    reopened->reset();
    std::map<std::string, int> collects;
    for (const ab::AuditEvent& event : AuditEvents(path)) {
      if (event.operation() == ab::COLLECT) {
        ++collects[event.object().referral_id()];
      }
    }
    out->acknowledged = static_cast<int>(acknowledged.size());
    for (const auto& [id, ref] : acknowledged) {
      const int64_t rows = QueryInt(
          path, absl::StrCat("SELECT COUNT(*) FROM referrals WHERE ref = '",
                             ref, "'"));
      out->lost += rows == 0;
      out->duplicated += rows > 1;
      out->unaudited += rows == 1 && collects[ref] != 1;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::remove(absl::StrCat(path, suffix).c_str());
    }
  }
};

TEST_F(PowerLossTest, AcknowledgedReferralsSurviveAndTheControlLosesSome) {
  // How many operations a whole run makes, so the cuts fall anywhere in it:
  // start-up, the submissions, the reads and the shutdown.
  Outcome calibration;
  ASSERT_NO_FATAL_FAILURE(
      Run(0, /*cut_at=*/0, store::Durability::kFull, &calibration));
  ASSERT_EQ(calibration.acknowledged, kSubmissions);
  ASSERT_EQ(calibration.lost, 0);
  const int operations = store::PowerLossOperations();
  ASSERT_GT(operations, kSubmissions);

  std::mt19937 random(20261207);
  std::uniform_int_distribution<int> cut(1, operations);
  const int iterations = Iterations();
  const int controls = std::max(5, iterations / 5);
  Outcome full, control;
  int started = 0, integrity_failures = 0, chain_failures = 0;
  int control_iterations_with_loss = 0;
  for (int n = 1; n <= iterations + controls; ++n) {
    const bool is_control = n > iterations;
    Outcome o;
    const int at = cut(random);
    SCOPED_TRACE(absl::StrCat(is_control ? "control " : "", "iteration ", n,
                              ": power cut at operation ", at));
    ASSERT_NO_FATAL_FAILURE(Run(
        n, at,
        is_control ? store::Durability::kWalUnsynced : store::Durability::kFull,
        &o));
    Outcome& sum = is_control ? control : full;
    sum.acknowledged += o.acknowledged;
    sum.lost += o.lost;
    sum.duplicated += o.duplicated;
    sum.unaudited += o.unaudited;
    if (is_control) {
      control_iterations_with_loss += o.lost > 0;
      continue;
    }
    started += o.started;
    integrity_failures += !o.integrity_ok;
    chain_failures += !o.chain_ok;
    EXPECT_EQ(o.lost, 0);
    EXPECT_EQ(o.duplicated, 0);
    EXPECT_EQ(o.unaudited, 0);
    EXPECT_TRUE(o.integrity_ok);
    EXPECT_TRUE(o.chain_ok);
  }
  EXPECT_GT(full.acknowledged, 0);
  // The control must lose acknowledged referrals, or the test is blind.
  EXPECT_GT(control.lost, 0) << "the control lost nothing: the test could "
                                "not have detected a loss";
  std::fprintf(stderr,
               "power loss: iterations=%d operations_per_run=%d "
               "hub_started=%d acknowledged=%d lost=%d duplicated=%d "
               "unaudited=%d integrity_failures=%d chain_failures=%d "
               "control_iterations=%d control_acknowledged=%d "
               "control_lost=%d control_iterations_with_loss=%d "
               "control_loss_detected=%d\n",
               iterations, operations, started, full.acknowledged, full.lost,
               full.duplicated, full.unaudited, integrity_failures,
               chain_failures, controls, control.acknowledged, control.lost,
               control_iterations_with_loss, control.lost > 0 ? 1 : 0);
}

}  // namespace
}  // namespace hub::testing
