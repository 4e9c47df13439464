// TESTING §3.1, concurrency and load: 32 clients run a mixed workload
// against a real hub for a minute (HUB_LOAD_CLIENTS and HUB_LOAD_SECONDS
// set the extended tier's 200 clients and an hour): 60% referral
// submissions, 20% briefing reads, 10% deconfliction checks, 5% changes, 5%
// syncs. A history records every operation (ok, fail, or info when the
// outcome is unknown); a submission refused as busy or cut off is retried
// with the same request id. Afterwards the hub's own records are reconciled
// with the history: every acknowledged referral stored exactly once (lost 0,
// duplicated 0), nothing stored that no one attempted, and the audit log
// holding one event for every call the hub answered (audit diff 0). The
// last line printed is the suite's figures for docs/reliability.md, with
// each operation's latency percentiles.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "hub/briefings/briefing_samples.h"
#include "tests/audit_events.h"
#include "tests/budget.h"
#include "tests/demo_hub_test.h"
#include "tests/process_stats.h"
#include "tests/referral_samples.h"

namespace hub::testing {
namespace {

using Clock = std::chrono::steady_clock;

enum Kind { kSubmit, kReadBriefing, kDeconflict, kChange, kSync, kKinds };
constexpr const char* kKindNames[kKinds] = {"submit", "read_briefing",
                                            "deconflict", "change", "sync"};
constexpr const char* kMethods[kKinds] = {
    "/prevent.hub.v1.ReferralService/Submit",
    "/prevent.hub.v1.BriefingService/Read",
    "/prevent.hub.v1.DeconflictionService/Check",
    "/prevent.hub.v1.ReferralService/Transition",
    "/prevent.hub.v1.SyncService/Pull"};

// What the history records of one kind of operation.
struct Tally {
  int invoked = 0, ok = 0, fail = 0, info = 0;
  int attempts_answered = 0;  // attempts the hub answered (one event each)
  int attempts_unknown = 0;   // cut off: answered or not
  std::vector<int64_t> latencies_us;  // of the ok ones
  std::map<int, int> codes;           // final status code -> operations
};

// Whether an attempt's status means the hub answered (and so audited) it.
// A busy refusal comes before any handler and is not audited; a call cut
// off or refused as unavailable may or may not have reached it.
enum class Answered { kYes, kNo, kUnknown };
Answered AnsweredBy(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Answered::kNo;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      return Answered::kUnknown;
    default:
      return Answered::kYes;
  }
}
bool Retriable(const grpc::Status& status) {
  return AnsweredBy(status) != Answered::kYes;
}

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))] / 1e3;
}

// The process's resident memory and open files, now and then during the
// load.
struct Sample {
  double minutes;  // since the load began
  int64_t rss_kib;
  int64_t fds;
};

// The least-squares slope, per minute, of `value` over the samples taken in
// the second half of the run (after the caches and pools have grown).
double SlopePerMinute(const std::vector<Sample>& samples,
                      int64_t Sample::*value) {
  if (samples.empty()) return 0;
  const double half = samples.back().minutes / 2;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const Sample& s : samples) {
    if (s.minutes < half) continue;
    const double y = static_cast<double>(s.*value);
    n += 1;
    sx += s.minutes;
    sy += y;
    sxx += s.minutes * s.minutes;
    sxy += s.minutes * y;
  }
  const double d = n * sxx - sx * sx;
  return n < 2 || d == 0 ? 0 : (n * sxy - sx * sy) / d;
}

class LoadTest : public DemoHubTest {};

TEST_F(LoadTest, NothingIsLostDuplicatedOrUnauditedUnderConcurrentLoad) {
  const int clients = EnvInt("HUB_LOAD_CLIENTS", 32);
  const int seconds = EnvInt("HUB_LOAD_SECONDS", 60);
  // Checks measure the hub, not the CT gateway's daily query limit.
  ASSERT_NO_FATAL_FAILURE(RaiseQueryLimit());
  StartHub();

  // A briefing the school DSL has accepted, and a referral to start from.
  std::string briefing;
  ASSERT_NO_FATAL_FAILURE(
      PublishOk(briefings::testing::SampleBriefing(clock_.Now()),
                "load-briefing", &briefing));
  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-rcaldwell", briefing));
  std::string first;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "load-first", &first));
  const size_t events_before = AuditEvents(db_path_).size();
  const int64_t referrals_before = ReferralRows();
  const int64_t fds_before = OpenFds();
  const int64_t rss_before = RssKib();

  const std::vector<std::string> referrers = {
      "u-drwhit", "u-nurse", "u-imercer", "u-rcaldwell", "u-dsl2"};
  absl::Mutex mu;
  Tally tally[kKinds];
  std::map<std::string, std::string> acknowledged;  // request id -> ref
  std::set<std::string> attempted;
  std::vector<std::string> refs = {first};
  const Clock::time_point began = Clock::now();
  const Clock::time_point until = began + std::chrono::seconds(seconds);
  std::vector<Sample> samples;  // taken by client 0 every 100 operations
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE(absl::StrCat("seed ", seed));

  // Every stub the clients use, made before they start: the fixture's stub
  // maps are not for concurrent first use.
  for (const std::string& user : referrers) {
    As(user);
    ChannelOf(user);
  }
  As("u-hokoro");
  Briefings("u-rcaldwell");
  Deconfliction("u-dsallenby");

  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 random(seed + c);
      const std::string referrer = referrers[c % referrers.size()];
      for (int n = 0; Clock::now() < until; ++n) {
        if (c == 0 && n % 100 == 0) {
          const Sample sample{std::chrono::duration<double, std::ratio<60>>(
                                  Clock::now() - began)
                                  .count(),
                              RssKib(), OpenFds()};
          absl::MutexLock lock(&mu);
          samples.push_back(sample);
        }
        const int roll = std::uniform_int_distribution<int>(0, 99)(random);
        const Kind kind = roll < 60   ? kSubmit
                          : roll < 80 ? kReadBriefing
                          : roll < 90 ? kDeconflict
                          : roll < 95 ? kChange
                                      : kSync;
        std::string target;
        {
          absl::MutexLock lock(&mu);
          target = refs[std::uniform_int_distribution<size_t>(
              0, refs.size() - 1)(random)];
          ++tally[kind].invoked;
        }
        const std::string request_id = absl::StrCat("load-", c, "-", n);
        if (kind == kSubmit) {
          absl::MutexLock lock(&mu);
          attempted.insert(request_id);
        }
        // Up to 5 attempts; a submission keeps its request id.
        grpc::Status status;
        std::string ref;
        Clock::time_point started;
        int answered = 0, unknown = 0;
        for (int attempt = 0; attempt < 5; ++attempt) {
          started = Clock::now();
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(10));
          if (kind == kSubmit) {
            api::SubmitReferralRequest request;
            request.mutable_context()->set_purpose(
                pb::PREVENT_REFERRAL_SUBMISSION);
            request.mutable_context()->set_request_id(request_id);
            // Each about a person of its own, as most referrals are.
            *request.mutable_submission() =
                n % 2 ? AdultSubmission() : OtherAdultSubmission();
            request.mutable_submission()
                ->mutable_subject()
                ->mutable_identity()
                ->set_surname(
                    absl::StrCat("Loadtest", Letters(c), "x", Letters(n)));
            request.mutable_submission()
                ->mutable_subject()
                ->clear_local_identifiers();
            api::SubmitReferralResponse response;
            status = As(referrer).Submit(&context, request, &response);
            ref = response.referral_ref();
          } else if (kind == kReadBriefing) {
            api::ReadBriefingRequest request;
            request.mutable_context()->set_purpose(pb::CTLP_BRIEFING);
            request.set_briefing_id(briefing);
            api::ReadBriefingResponse response;
            status =
                Briefings("u-rcaldwell").Read(&context, request, &response);
          } else if (kind == kDeconflict) {
            api::DeconflictionQuery query;
            query.mutable_context()->set_purpose(
                pb::PREVENT_GATEWAY_DECONFLICTION);
            query.mutable_context()->set_justification("Load test check");
            query.set_referral(target);
            query.set_surname("Marsh");
            query.set_forenames("Ryan");
            query.set_dob("2003-01-27");
            api::DeconflictionAnswer answer;
            status =
                Deconfliction("u-dsallenby").Check(&context, query, &answer);
          } else if (kind == kChange) {
            api::TransitionReferralRequest request =
                Move(target, pb::PREVENT_SCREENING, pb::SCREENING);
            api::TransitionReferralResponse response;
            status = As("u-hokoro").Transition(&context, request, &response);
          } else {
            auto sync = api::SyncService::NewStub(ChannelOf(referrer));
            api::PullRequest request;
            request.set_batch_size(500);
            auto reader = sync->Pull(&context, request);
            api::SyncBatch batch;
            while (reader->Read(&batch)) {
            }
            status = reader->Finish();
          }
          const Answered by = AnsweredBy(status);
          answered += by == Answered::kYes;
          unknown += by == Answered::kUnknown;
          if (!Retriable(status) || kind != kSubmit) break;
        }
        const int64_t us =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() -
                                                                  started)
                .count();
        absl::MutexLock lock(&mu);
        Tally& t = tally[kind];
        t.attempts_answered += answered;
        t.attempts_unknown += unknown;
        ++t.codes[status.error_code()];
        if (status.ok()) {
          ++t.ok;
          t.latencies_us.push_back(us);
          if (kind == kSubmit) {
            acknowledged[request_id] = ref;
            refs.push_back(ref);
          }
        } else if (Retriable(status)) {
          ++t.info;
        } else {
          ++t.fail;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  // Reconciliation: I1, I2 and I3 against the hub's own records.
  int lost = 0, duplicated = 0, phantom = 0;
  for (const auto& [request_id, ref] : acknowledged) {
    const int64_t rows = QueryInt(
        db_path_,
        absl::StrCat("SELECT COUNT(*) FROM referrals WHERE ref = '", ref, "'"));
    lost += rows == 0;
    duplicated += rows > 1;
    EXPECT_EQ(rows, 1) << request_id << " " << ref;
  }
  // One referral per stored first reply, and a reply only for an attempt.
  const int64_t replies =
      QueryInt(db_path_,
               "SELECT COUNT(*) FROM replies WHERE request_id LIKE 'load-%' "
               "AND request_id NOT IN ('load-first', 'load-briefing')");
  const int64_t created = ReferralRows() - referrals_before;
  if (created != replies) {
    duplicated += std::abs(created - replies);
    ADD_FAILURE() << created << " referrals created for " << replies
                  << " first replies";
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2(db_path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT request_id FROM replies WHERE request_id LIKE "
                       "'load-%' AND request_id NOT IN ('load-first', "
                       "'load-briefing')",
                       -1, &stmt, nullptr);
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      const std::string id =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      if (attempted.count(id) == 0) {
        ++phantom;
        ADD_FAILURE() << "a reply for " << id << ", never attempted";
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
  }
  EXPECT_GE(replies, static_cast<int64_t>(acknowledged.size()));

  // I4: an event for every call the hub answered, at most one for those cut
  // off, none for those refused as busy.
  std::map<std::string, int> events;
  const std::vector<ab::AuditEvent> all = AuditEvents(db_path_);
  for (size_t i = events_before; i < all.size(); ++i) ++events[all[i].method()];
  int audit_diff = 0;
  for (int k = 0; k < kKinds; ++k) {
    const int got = events[kMethods[k]];
    const Tally& t = tally[k];
    if (got < t.attempts_answered ||
        got > t.attempts_answered + t.attempts_unknown) {
      audit_diff += std::abs(got - t.attempts_answered);
      ADD_FAILURE() << kKindNames[k] << ": " << got << " events for "
                    << t.attempts_answered << " answered attempts ("
                    << t.attempts_unknown << " cut off)";
    }
  }
  EXPECT_THAT(server_->Reload(), IsOk());  // the hub still takes changes
  EXPECT_EQ(QueryInt(db_path_,
                     "SELECT COUNT(*) FROM pragma_integrity_check "
                     "WHERE integrity_check != 'ok'"),
            0);

  int total_ok = 0, total_invoked = 0;
  std::string per_rpc;
  for (int k = 0; k < kKinds; ++k) {
    const Tally& t = tally[k];
    total_ok += t.ok;
    total_invoked += t.invoked;
    absl::StrAppend(&per_rpc, " ", kKindNames[k], "={invoked=", t.invoked,
                    " ok=", t.ok, " fail=", t.fail, " info=", t.info,
                    " p50_ms=", Percentile(t.latencies_us, 0.5),
                    " p95_ms=", Percentile(t.latencies_us, 0.95),
                    " p99_ms=", Percentile(t.latencies_us, 0.99), " codes=");
    for (const auto& [code, count] : t.codes) {
      absl::StrAppend(&per_rpc, code, ":", count, ";");
    }
    absl::StrAppend(&per_rpc, "}");
  }
  EXPECT_GT(tally[kSubmit].ok, 0);
  std::error_code ignored;
  const auto wal = std::filesystem::file_size(db_path_ + "-wal", ignored);
  std::fprintf(
      stderr,
      "load test: clients=%d seconds=%d invoked=%d ok=%d "
      "ops_per_s=%.0f acknowledged=%zu lost=%d duplicated=%d "
      "phantom=%d audit_diff=%d fds_before=%lld fds_after=%lld "
      "rss_kib_before=%lld rss_kib_after=%lld samples=%zu "
      "rss_slope_kib_per_min=%.0f fd_slope_per_min=%.2f wal_bytes=%llu%s\n",
      clients, seconds, total_invoked, total_ok,
      static_cast<double>(total_ok) / seconds, acknowledged.size(), lost,
      duplicated, phantom, audit_diff, static_cast<long long>(fds_before),
      static_cast<long long>(OpenFds()), static_cast<long long>(rss_before),
      static_cast<long long>(RssKib()), samples.size(),
      SlopePerMinute(samples, &Sample::rss_kib),
      SlopePerMinute(samples, &Sample::fds),
      static_cast<unsigned long long>(ignored ? 0 : wal), per_rpc.c_str());
}

}  // namespace
}  // namespace hub::testing
