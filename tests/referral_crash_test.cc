// TESTING §3.2 for referrals: hubd is killed with SIGKILL while clients
// stream submissions, then restarted on the same database, again and again.
// After every kill, every referral the hub acknowledged must be there
// exactly once (I1, I2), nothing may be there that no one attempted (I3),
// each stored referral has exactly one COLLECT event (I4), the audit log
// verifies (I5) and the database is sound (I8). The kill point is random
// (seeded, printed) and lands mid-stream. CI runs 50 kills; the extended
// tier sets HUB_CRASH_ITERATIONS (e.g. 1000). The last line printed is the
// suite's figures for docs/reliability.md.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/file_util.h"
#include "common/scoped_temp_dir.h"
#include "common/test_certs.h"
#include "gtest/gtest.h"
#include "proto/hub.grpc.pb.h"
#include "tests/budget.h"
#include "tests/referral_samples.h"

extern char** environ;

namespace hub {
namespace {

namespace api = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;
using ::hub::testing::EnvInt;

constexpr int kDefaultIterations = 50;
constexpr int kClients = 4;

// HUB_CRASH_ITERATIONS if set to a positive number, else the CI default.
int Iterations() { return EnvInt("HUB_CRASH_ITERATIONS", kDefaultIterations); }

std::string Pem(const std::string& name) { return common::ReadTestCert(name); }

// One hubd process, its stderr drained on a thread of its own.
class HubProcess {
 public:
  // Starts `hubd --config config` and waits until it logs hub_started.
  explicit HubProcess(const std::string& config)
      : spawned_(std::chrono::steady_clock::now()) {
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {HUBD_PATH, "--config", config};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, HUBD_PATH, &actions, nullptr, argv.data(),
                    environ) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    drain_ = std::thread([this, fd = out[0]] { Drain(fd); });
    started_.WaitForNotification();
  }

  ~HubProcess() {
    Kill();
    drain_.join();
  }

  int port() const { return port_; }
  // From the spawn to the hub_started line (for the report only).
  std::chrono::steady_clock::duration startup() const { return startup_; }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  void Drain(int fd) {
    FILE* in = fdopen(fd, "r");
    char line[4096];
    while (in != nullptr && fgets(line, sizeof line, in) != nullptr) {
      if (started_.HasBeenNotified()) continue;
      const std::string text = line;
      const size_t at = text.find("event=hub_started port=");
      if (at != std::string::npos) {
        const size_t begin = at + sizeof("event=hub_started port=") - 1;
        const size_t end = text.find(' ', begin);
        if (!absl::SimpleAtoi(text.substr(begin, end - begin), &port_)) {
          port_ = 0;
        }
        startup_ = std::chrono::steady_clock::now() - spawned_;
        started_.Notify();
      } else if (text.find("level=ERROR") != std::string::npos) {
        fprintf(stderr, "hubd: %s", line);
      }
    }
    if (in != nullptr) fclose(in);
    if (!started_.HasBeenNotified()) started_.Notify();  // it died: port 0
  }

  const std::chrono::steady_clock::time_point spawned_;
  std::chrono::steady_clock::duration startup_{};
  pid_t pid_ = -1;
  int port_ = 0;
  absl::Notification started_;
  std::thread drain_;
};

std::shared_ptr<grpc::Channel> Channel(int port) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = Pem("ca.pem");
  tls.pem_cert_chain = Pem("clients/u-drwhit.pem");
  tls.pem_private_key = Pem("clients/u-drwhit.key");
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::SslCredentials(tls));
}

grpc::Status Submit(api::ReferralService::Stub& stub,
                    const std::string& request_id,
                    api::SubmitReferralResponse* response) {
  api::SubmitReferralRequest request;
  request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  request.mutable_context()->set_request_id(request_id);
  *request.mutable_submission() = testing::AdultSubmission();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  return stub.Submit(&context, request, response);
}

// Rows of a one- or two-column query on the database, as text.
std::vector<std::pair<std::string, std::string>> Query(const std::string& db,
                                                       const char* sql) {
  std::vector<std::pair<std::string, std::string>> rows;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(handle, sql, -1, &stmt, nullptr);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      auto text = [&](int i) {
        const unsigned char* t = sqlite3_column_text(stmt, i);
        return t == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(t));
      };
      rows.emplace_back(text(0), sqlite3_column_count(stmt) > 1 ? text(1) : "");
    }
    sqlite3_finalize(stmt);
  } else {
    ADD_FAILURE() << "cannot open " << db;
  }
  sqlite3_close_v2(handle);
  return rows;
}

// What one check of the database after a kill found wrong, counted.
struct Violations {
  int lost = 0;        // I1: acknowledged, not stored
  int duplicated = 0;  // I2: stored more than once
  int phantom = 0;     // I3: stored, never attempted, or without its reply
  int unaudited = 0;   // I4: not exactly one COLLECT event
  int chain = 0;       // I5: the audit log does not verify
  int integrity = 0;   // I8: PRAGMA integrity_check is not ok

  int total() const {
    return lost + duplicated + phantom + unaudited + chain + integrity;
  }
};

// Checks I1-I5 and I8 on the database of a killed hub; adds what it finds
// to `found` and returns the number of referrals stored.
size_t CheckInvariants(const std::string& db, const std::string& certs,
                       const std::map<std::string, std::string>& acknowledged,
                       const std::set<std::string>& attempted,
                       Violations& found) {
  std::map<std::string, int> stored;  // ref -> rows
  for (const auto& [ref, unused] : Query(db, "SELECT ref, '' FROM referrals")) {
    ++stored[ref];
  }
  for (const auto& [request_id, ref] : acknowledged) {
    const int rows = stored.count(ref) ? stored[ref] : 0;
    if (rows == 0) {
      ++found.lost;
      ADD_FAILURE() << "lost: " << ref << " (request " << request_id << ")";
    }
  }
  for (const auto& [ref, rows] : stored) {
    if (rows > 1) {
      ++found.duplicated;
      ADD_FAILURE() << "duplicated: " << ref << " stored " << rows << " times";
    }
  }
  // Every stored referral came from an attempted request, whose first reply
  // is stored with it.
  size_t replies = 0;
  for (const auto& [request_id, unused] :
       Query(db, "SELECT request_id, '' FROM replies")) {
    ++replies;
    if (attempted.count(request_id) == 0) {
      ++found.phantom;
      ADD_FAILURE() << "phantom reply for " << request_id;
    }
  }
  if (replies != stored.size()) {
    ++found.phantom;
    ADD_FAILURE() << stored.size() << " referrals but " << replies
                  << " first replies";
  }
  for (const auto& [ref, count] :
       Query(db,
             "SELECT r.ref, (SELECT COUNT(*) FROM audit_events e WHERE "
             "e.referral = r.ref AND e.operation = 1) FROM referrals r")) {
    if (count != "1") {
      ++found.unaudited;
      ADD_FAILURE() << ref << " has " << count << " COLLECT events";
    }
  }
  const std::string verify =
      absl::StrCat(HUBD_PATH, " audit verify --database ", db, " --public-key ",
                   certs, "/audit/signing.pub >/dev/null");
  if (std::system(verify.c_str()) != 0) {
    ++found.chain;
    ADD_FAILURE() << "the audit log does not verify";
  }
  if (Query(db, "PRAGMA integrity_check")[0].first != "ok") {
    ++found.integrity;
    ADD_FAILURE() << "integrity_check failed";
  }
  return stored.size();
}

double PercentileMs(std::vector<std::chrono::steady_clock::duration> samples,
                    double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t at =
      std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()));
  return std::chrono::duration<double, std::milli>(samples[at]).count();
}

TEST(ReferralCrashTest, NoAcknowledgedReferralIsLostOrDuplicatedByKill9) {
  common::ScopedTempDir temp;
  const std::string dir = temp.path();
  const std::string certs = common::TestCertsDir();
  const std::string db = dir + "/hub.db";
  const std::string config = dir + "/hub.textproto";
  ASSERT_TRUE(
      common::WriteFileAtomically(
          config,
          absl::StrCat("listen_address: \"127.0.0.1:0\"\n", "cert_file: \"",
                       certs, "/hub.pem\"\n", "key_file: \"", certs,
                       "/hub.key\"\n", "ca_file: \"", certs, "/ca.pem\"\n",
                       "crl_file: \"", certs, "/crl.pem\"\n", "policy_file: \"",
                       HUB_SOURCE_DIR, "/tests/testdata/policy.textproto\"\n",
                       "database_path: \"", db, "\"\n",
                       "audit_signing_key_file: \"", certs,
                       "/audit/signing.key\"\n", "audit_pseudonym_key_file: \"",
                       certs, "/audit/pseudonym.key\"\n"))
          .ok());

  const int iterations = Iterations();
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::map<std::string, std::string> acknowledged;  // request id -> ref
  std::set<std::string> attempted;
  std::vector<std::chrono::steady_clock::duration> recoveries;
  Violations found;
  size_t stored = 0;

  for (int iteration = 0; iteration < iterations; ++iteration) {
    HubProcess hub(config);
    ASSERT_GT(hub.port(), 0)
        << "hubd did not start (iteration " << iteration << ")";
    // The first start creates the database; every later one recovers it.
    if (iteration > 0) recoveries.push_back(hub.startup());
    const int kill_after = std::uniform_int_distribution<int>(1, 40)(random);
    absl::Mutex mu;
    int acks = 0;
    absl::Notification kill_now;
    std::atomic<bool> stop{false};
    std::atomic<int> finished{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto stub = api::ReferralService::NewStub(Channel(hub.port()));
        for (int n = 0; !stop.load(); ++n) {
          const std::string id =
              absl::StrCat("crash-", iteration, "-", c, "-", n);
          {
            absl::MutexLock lock(&mu);
            attempted.insert(id);
          }
          api::SubmitReferralResponse response;
          grpc::Status status = Submit(*stub, id, &response);
          if (!status.ok()) break;  // the hub is gone
          absl::MutexLock lock(&mu);
          acknowledged[id] = response.referral_ref();
          if (++acks == kill_after) kill_now.Notify();
        }
        // Should every client fail early, the kill must not wait forever.
        absl::MutexLock lock(&mu);
        if (++finished == kClients && !kill_now.HasBeenNotified()) {
          kill_now.Notify();
        }
      });
    }
    kill_now.WaitForNotification();
    hub.Kill();
    stop = true;
    for (std::thread& t : clients) t.join();
    SCOPED_TRACE(absl::StrCat("after kill ", iteration + 1));
    stored = CheckInvariants(db, certs, acknowledged, attempted, found);
    if (found.total() > 0) break;  // the failures say what; stop here
  }

  // A retry of an acknowledged request, after the last kill, returns the
  // first answer and adds nothing.
  HubProcess hub(config);
  ASSERT_GT(hub.port(), 0);
  auto stub = api::ReferralService::NewStub(Channel(hub.port()));
  ASSERT_FALSE(acknowledged.empty());
  const auto& [request_id, ref] = *acknowledged.begin();
  api::SubmitReferralResponse again;
  ASSERT_TRUE(Submit(*stub, request_id, &again).ok());
  EXPECT_EQ(again.referral_ref(), ref);
  EXPECT_EQ(Query(db, "SELECT COUNT(*) FROM referrals")[0].first,
            std::to_string(stored));
  hub.Kill();

  std::fprintf(stderr,
               "crash test: iterations=%d acknowledged=%zu attempted=%zu "
               "stored=%zu lost=%d duplicated=%d phantom=%d unaudited=%d "
               "chain_failures=%d integrity_failures=%d "
               "recovery_p50_ms=%.1f recovery_p99_ms=%.1f\n",
               iterations, acknowledged.size(), attempted.size(), stored,
               found.lost, found.duplicated, found.phantom, found.unaudited,
               found.chain, found.integrity, PercentileMs(recoveries, 0.5),
               PercentileMs(recoveries, 0.99));
}

}  // namespace
}  // namespace hub
