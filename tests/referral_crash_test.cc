// TESTING §3.2 for referrals: hubd is killed with SIGKILL while clients
// stream submissions, then restarted on the same database. Every referral
// the hub acknowledged must be there exactly once (I1, I2), nothing may be
// there that no one attempted (I3), each stored referral has exactly one
// COLLECT event (I4), the audit log verifies (I5) and the database is sound
// (I8). The kill point is random (seeded, printed) and lands mid-stream.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
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
#include "tests/referral_samples.h"

extern char** environ;

namespace hub {
namespace {

namespace api = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;

constexpr int kIterations = 20;
constexpr int kClients = 4;

std::string Pem(const std::string& name) { return common::ReadTestCert(name); }

// One hubd process, its stderr drained on a thread of its own.
class HubProcess {
 public:
  // Starts `hubd --config config` and waits until it logs hub_started.
  explicit HubProcess(const std::string& config) {
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
        started_.Notify();
      } else if (text.find("level=ERROR") != std::string::npos) {
        fprintf(stderr, "hubd: %s", line);
      }
    }
    if (in != nullptr) fclose(in);
    if (!started_.HasBeenNotified()) started_.Notify();  // it died: port 0
  }

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

  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::map<std::string, std::string> acknowledged;  // request id -> ref
  std::set<std::string> attempted;

  for (int iteration = 0; iteration < kIterations; ++iteration) {
    HubProcess hub(config);
    ASSERT_GT(hub.port(), 0)
        << "hubd did not start (iteration " << iteration << ")";
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
  }

  // After the last kill: restart and check every invariant.
  HubProcess hub(config);
  ASSERT_GT(hub.port(), 0);
  auto stub = api::ReferralService::NewStub(Channel(hub.port()));

  std::map<std::string, int> stored;  // ref -> rows
  for (const auto& [ref, unused] : Query(db, "SELECT ref, '' FROM referrals")) {
    ++stored[ref];
  }
  std::map<std::string, std::string>
      replies;  // request id -> ref-bearing reply
  for (const auto& [request_id, unused] :
       Query(db, "SELECT request_id, '' FROM replies")) {
    replies[request_id] = "";
  }
  // I1 and I2: every acknowledged referral, once.
  for (const auto& [request_id, ref] : acknowledged) {
    EXPECT_EQ(stored[ref], 1) << ref << " (request " << request_id << ")";
  }
  // I3: nothing no one attempted; as many referrals as first replies.
  for (const auto& [request_id, unused] : replies) {
    EXPECT_EQ(attempted.count(request_id), 1u) << request_id;
  }
  EXPECT_EQ(Query(db, "SELECT COUNT(*) FROM referrals")[0].first,
            std::to_string(replies.size()));
  // I4: each stored referral has exactly one COLLECT event.
  for (const auto& [ref, count] :
       Query(db,
             "SELECT r.ref, (SELECT COUNT(*) FROM audit_events e WHERE "
             "e.referral = r.ref AND e.operation = 1) FROM referrals r")) {
    EXPECT_EQ(count, "1") << ref;
  }
  // A retry of an acknowledged request returns the first answer and adds
  // nothing.
  const size_t before = stored.size();
  for (const auto& [request_id, ref] : acknowledged) {
    api::SubmitReferralResponse again;
    ASSERT_TRUE(Submit(*stub, request_id, &again).ok());
    EXPECT_EQ(again.referral_ref(), ref);
    break;  // one is enough for the replay path; the rest are checked above
  }
  EXPECT_EQ(Query(db, "SELECT COUNT(*) FROM referrals")[0].first,
            std::to_string(before));
  // I8.
  EXPECT_EQ(Query(db, "PRAGMA integrity_check")[0].first, "ok");
  hub.Kill();

  // I5: the audit log verifies offline.
  const std::string verify =
      absl::StrCat(HUBD_PATH, " audit verify --database ", db, " --public-key ",
                   certs, "/audit/signing.pub >/dev/null");
  EXPECT_EQ(std::system(verify.c_str()), 0);
  EXPECT_FALSE(acknowledged.empty());
  std::fprintf(stderr, "crash test: %d kills, %zu acknowledged, %zu stored\n",
               kIterations, acknowledged.size(), stored.size());
}

}  // namespace
}  // namespace hub
