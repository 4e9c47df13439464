// The audit log against DESIGN.md §6, in one run (medians of the
// repetitions bench/run.sh asks for):
//   BM_RawSqliteDurableCommit    the baseline: raw SQLite, one ~250-byte row
//                                per transaction, WAL, synchronous=FULL
//                                (commits_per_s);
//   BM_GroupCommitAppend/threads:T  T callers appending WhoAmI events through
//                                GroupCommitAuditLog in a closed loop
//                                (appends_per_s, target >= 20,000;
//                                x_raw_commits, the ratio to raw commits/s
//                                measured just before and after; checkpoints
//                                signed and the largest gap between them,
//                                max_checkpoint_gap_ms, target <= 1,000, with
//                                the real clock and the hub's default
//                                interval);
//   BM_BuildProofLog             building the 1,000,000-event log below (once);
//   BM_InclusionProof            InclusionProof(random index, size) on it
//                                (p50_us, p99_us; target <= 100);
//   BM_VerifyInclusionProof      VerifyInclusion of such proofs against a
//                                signed checkpoint's root (p50_us, p99_us);
//   BM_VerifyStoredLog           VerifyStoredLog over it (seconds, target
//                                <= 5; events_per_s).
// Usage:
//   audit_bench [--quick] [--dir=DIR] [benchmark flags]
// The databases go in a fresh directory under DIR (default: the directory
// holding this binary, i.e. the build tree), removed at exit. DIR must be on
// a real disk: on tmpfs an fsync costs nothing and the durable figures mean
// nothing (the file system type is printed in the context, with a warning on
// tmpfs). --quick shrinks the sizes (100,000 events instead of 1,000,000, runs
// of 60,000 appends instead of 200,000) to finish well within a minute.
//
// Each benchmark makes one whole measurement per iteration (Iterations(1),
// manual time) and reports its figures as counters, so
// --benchmark_repetitions=N gives their medians over N measurements.
#include <sqlite3.h>
#include <sys/statfs.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "common/ed25519.h"
#include "hub/audit/checkpoint.h"
#include "hub/audit/event_id.h"
#include "hub/audit/group_commit_audit_log.h"
#include "hub/audit/log_verifier.h"
#include "hub/audit/merkle.h"
#include "hub/store/sqlite_store.h"
#include "proto/audit.pb.h"

namespace {

namespace ab = ::prevent::audit::v1;
namespace pb = ::prevent::policy::v1;
using Clock = std::chrono::steady_clock;
using hub::audit::GroupCommitAuditLog;
using hub::store::SqliteStore;

struct Sizes {
  int raw_commits;          // raw SQLite single-row transactions per run
  int paired_raw_commits;   // the same, before and after each append run
  int64_t appends_per_run;  // group-commit appends per run, all threads
  int64_t appends_at_one;   // the same with one thread (it is slow)
  int64_t log_events;       // the log proofs and verification run over
  int build_threads;        // appenders that build it
  int proofs;               // inclusion proofs timed per run
};
constexpr Sizes kFull{3000, 500, 200000, 10000, 1000000, 512, 20000};
constexpr Sizes kQuick{1000, 200, 60000, 3000, 100000, 256, 5000};
Sizes g_sizes = kFull;

std::string g_dir;  // this run's directory, removed at exit
std::unique_ptr<SqliteStore> g_append_store;
std::unique_ptr<SqliteStore> g_proof_store;
std::unique_ptr<GroupCommitAuditLog> g_proof_log;
std::optional<hub::common::Ed25519PublicKey> g_public_key;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The value at or below which `p` (0-1) of the sorted samples lie.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * sorted.size()));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// Reports per-proof latencies `us` (µs) on `size` events: p50, p99, max.
void ReportLatencies(benchmark::State& state, std::vector<double> us,
                     uint64_t size) {
  std::sort(us.begin(), us.end());
  state.counters["events"] = static_cast<double>(size);
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["max_us"] = us.empty() ? 0 : us.back();
}

hub::common::Ed25519PrivateKey Key() {
  return hub::common::Ed25519PrivateKey::FromRawSeed(std::string(32, '\x42'))
      .value();
}

GroupCommitAuditLog::Options LogOptions() {
  GroupCommitAuditLog::Options options;
  options.origin = "prevent-hub/audit-bench";
  // The hub's default (Options), as hubd runs it.
  return options;
}

// What the hub records for a WhoAmI by a coordinator (CallAuditor::RecordCall
// under standing rule S01): about 300 bytes serialised.
ab::AuditEvent WhoAmIEvent() {
  ab::AuditEvent event;
  event.set_regime(pb::LegalBasis::UK_GDPR);
  event.set_operation(ab::CONSULT);
  event.set_method("/prevent.hub.v1.IdentityService/WhoAmI");
  ab::Actor& actor = *event.mutable_actor();
  actor.set_principal_id("U-HOKORO");
  actor.set_partner_id("P-LBW");
  actor.add_roles(pb::LA_PREVENT_COORDINATOR);
  actor.set_cert_sha256(
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  actor.set_ip("10.20.30.40");
  ab::AuditObject& object = *event.mutable_object();
  object.set_record(pb::IDENTITY);
  object.set_id("U-HOKORO");
  object.set_source_partner_id("P-LBW");
  event.set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  event.set_rule_id("S01");
  event.add_fields("*");
  ab::AuditDecision& decision = *event.mutable_decision();
  decision.set_allowed(true);
  decision.set_reason(pb::ALLOWED);
  decision.set_policy_version("5d41402abc4b2a76");
  event.set_status("OK");
  return event;
}

// Stamps `event` as the hub does for each call: a new id and the time.
void Stamp(ab::AuditEvent& event) {
  const absl::Time now = absl::Now();
  event.set_event_id(hub::audit::NewEventId(now));
  event.set_time_unix_ms(absl::ToUnixMillis(now));
}

// `threads` threads append `total` events between them, each in a closed
// loop (the next Append once the last is durable). Returns the wall time
// from releasing them to the last one finishing, or nullopt on an error.
std::optional<Clock::duration> AppendConcurrently(GroupCommitAuditLog& log,
                                                  int threads, int64_t total) {
  absl::Notification go;
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    const int64_t count = total / threads + (t < total % threads ? 1 : 0);
    workers.emplace_back([&, count] {
      ab::AuditEvent event = WhoAmIEvent();
      go.WaitForNotification();
      for (int64_t i = 0; i < count; ++i) {
        Stamp(event);
        absl::StatusOr<uint64_t> index = log.Append(event);
        if (!index.ok()) {
          std::fprintf(stderr, "audit_bench: append: %s\n",
                       index.status().ToString().c_str());
          failed = true;
          return;
        }
      }
    });
  }
  const Clock::time_point start = Clock::now();
  go.Notify();
  for (std::thread& w : workers) w.join();
  const Clock::duration elapsed = Clock::now() - start;
  if (failed) return std::nullopt;
  return elapsed;
}

// Raw SQLite: one ~250-byte row per transaction (BEGIN IMMEDIATE, INSERT,
// COMMIT), WAL, synchronous=FULL: what one durable commit costs on this disk.
class RawSqlite {
 public:
  static std::unique_ptr<RawSqlite> Open(const std::string& path) {
    std::unique_ptr<RawSqlite> raw(new RawSqlite);
    if (sqlite3_open(path.c_str(), &raw->db_) != SQLITE_OK ||
        sqlite3_exec(raw->db_,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, "
                     "payload BLOB NOT NULL)",
                     nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(raw->db_, "BEGIN IMMEDIATE", -1, &raw->begin_,
                           nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(raw->db_, "INSERT INTO t (payload) VALUES (?)", -1,
                           &raw->insert_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(raw->db_, "COMMIT", -1, &raw->commit_, nullptr) !=
            SQLITE_OK) {
      std::fprintf(stderr, "audit_bench: %s: %s\n", path.c_str(),
                   sqlite3_errmsg(raw->db_));
      return nullptr;
    }
    return raw;
  }
  ~RawSqlite() {
    sqlite3_finalize(begin_);
    sqlite3_finalize(insert_);
    sqlite3_finalize(commit_);
    sqlite3_close(db_);
  }

  // Commits `n` rows one per transaction; returns commits/s, or 0 on error.
  double CommitsPerSecond(int n, const std::string& payload) {
    const Clock::time_point start = Clock::now();
    for (int i = 0; i < n; ++i) {
      sqlite3_reset(begin_);
      sqlite3_reset(insert_);
      sqlite3_reset(commit_);
      sqlite3_bind_blob(insert_, 1, payload.data(),
                        static_cast<int>(payload.size()), SQLITE_STATIC);
      if (sqlite3_step(begin_) != SQLITE_DONE ||
          sqlite3_step(insert_) != SQLITE_DONE ||
          sqlite3_step(commit_) != SQLITE_DONE) {
        std::fprintf(stderr, "audit_bench: raw commit: %s\n",
                     sqlite3_errmsg(db_));
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return 0;
      }
    }
    return n / Seconds(Clock::now() - start);
  }

 private:
  RawSqlite() = default;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
};

std::unique_ptr<RawSqlite> g_raw;
std::string g_payload;  // a serialised WhoAmI event

void BM_RawSqliteDurableCommit(benchmark::State& state) {
  for (auto _ : state) {
    const double rate = g_raw->CommitsPerSecond(g_sizes.raw_commits, g_payload);
    if (rate == 0) {
      state.SkipWithError("raw commit failed");
      return;
    }
    state.SetIterationTime(g_sizes.raw_commits / rate);
    state.counters["commits_per_s"] = rate;
    state.counters["commit_us"] = 1e6 / rate;
  }
}
BENCHMARK(BM_RawSqliteDurableCommit)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Group commit: `threads` callers appending WhoAmI events in a closed loop,
// with the real clock and the hub's checkpoint interval. Also reports the
// checkpoints signed during the run and the largest gap between consecutive
// ones (meaningful once the run lasts a few seconds: 64 and 128 threads).
void BM_GroupCommitAppend(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int64_t total =
      threads == 1 ? g_sizes.appends_at_one : g_sizes.appends_per_run;
  for (auto _ : state) {
    // The disk is shared: take the baseline just before and after, so the
    // ratio compares like with like even if other work comes and goes.
    const double raw_before =
        g_raw->CommitsPerSecond(g_sizes.paired_raw_commits, g_payload);
    auto log = GroupCommitAuditLog::Open(
        g_append_store.get(), Key(), hub::common::Clock::Real(), LogOptions());
    if (!log.ok()) {
      state.SkipWithError(log.status().ToString().c_str());
      return;
    }
    const uint64_t before = (*log)->size();
    std::optional<Clock::duration> elapsed =
        AppendConcurrently(**log, threads, total);
    const uint64_t after = (*log)->size();
    log->reset();  // commits anything queued and stops the writer
    const double raw_after =
        g_raw->CommitsPerSecond(g_sizes.paired_raw_commits, g_payload);
    if (!elapsed.has_value() ||
        after - before != static_cast<uint64_t>(total)) {
      state.SkipWithError("appends failed");
      return;
    }
    const double seconds = Seconds(*elapsed);
    state.SetIterationTime(seconds);
    const double rate = total / seconds;
    state.counters["appends_per_s"] = rate;
    if (raw_before > 0 && raw_after > 0) {
      // Harmonic mean: the rate of the 2n commits together.
      const double raw = 2 / (1 / raw_before + 1 / raw_after);
      state.counters["raw_commits_per_s"] = raw;
      state.counters["x_raw_commits"] = rate / raw;
    }

    std::vector<int64_t> times;
    absl::Status read = g_append_store->ReadAuditCheckpoints(
        [&](const hub::store::AuditCheckpointRow& row) {
          if (row.tree_size > before && row.tree_size <= after) {
            times.push_back(row.time_ms);
          }
        });
    if (!read.ok()) {
      state.SkipWithError(read.ToString().c_str());
      return;
    }
    int64_t max_gap = 0;
    for (size_t i = 1; i < times.size(); ++i) {
      max_gap = std::max(max_gap, times[i] - times[i - 1]);
    }
    state.counters["checkpoints"] = static_cast<double>(times.size());
    state.counters["max_checkpoint_gap_ms"] = static_cast<double>(max_gap);
  }
}
BENCHMARK(BM_GroupCommitAppend)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(16)
    ->Arg(64)
    ->Arg(128)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Builds the log the proof and verification figures use, once, as the hub
// would: many callers appending through group commit.
double g_build_seconds = 0;

bool BuildProofLog() {
  auto store =
      SqliteStore::Open(g_dir + "/proof.db", hub::common::Clock::Real());
  if (!store.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n",
                 store.status().ToString().c_str());
    return false;
  }
  g_proof_store = std::move(store).value();
  auto log = GroupCommitAuditLog::Open(
      g_proof_store.get(), Key(), hub::common::Clock::Real(), LogOptions());
  if (!log.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n", log.status().ToString().c_str());
    return false;
  }
  g_proof_log = std::move(log).value();
  std::optional<Clock::duration> elapsed = AppendConcurrently(
      *g_proof_log, g_sizes.build_threads, g_sizes.log_events);
  if (!elapsed.has_value() ||
      g_proof_log->size() != static_cast<uint64_t>(g_sizes.log_events)) {
    std::fprintf(stderr, "audit_bench: building the proof log failed\n");
    return false;
  }
  g_build_seconds = Seconds(*elapsed);
  return true;
}

bool EnsureProofLog() {
  static const bool ok = BuildProofLog();
  return ok;
}

// Building that log (once, whatever the repetitions): appends/s with many
// more callers than the runs above, so commits of up to max_batch events.
void BM_BuildProofLog(benchmark::State& state) {
  for (auto _ : state) {
    if (!EnsureProofLog()) {
      state.SkipWithError("building the proof log failed");
      return;
    }
    state.SetIterationTime(g_build_seconds);
    state.counters["events"] = static_cast<double>(g_sizes.log_events);
    state.counters["threads"] = g_sizes.build_threads;
    state.counters["appends_per_s"] = g_sizes.log_events / g_build_seconds;
  }
}
BENCHMARK(BM_BuildProofLog)
    ->Iterations(1)
    ->Repetitions(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Random event indexes below `size`, the same for every run.
std::vector<uint64_t> RandomIndexes(uint64_t size, int n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> pick(0, size - 1);
  std::vector<uint64_t> out(n);
  for (uint64_t& i : out) i = pick(rng);
  return out;
}

// InclusionProof(random index, whole log) through the log (SQLite reads on
// the store's reading connection): median and p99 per proof.
void BM_InclusionProof(benchmark::State& state) {
  if (!EnsureProofLog()) {
    state.SkipWithError("building the proof log failed");
    return;
  }
  const uint64_t size = g_proof_log->size();
  const std::vector<uint64_t> indexes = RandomIndexes(size, g_sizes.proofs, 1);
  std::vector<double> us(indexes.size());
  for (auto _ : state) {
    const Clock::time_point all = Clock::now();
    for (size_t k = 0; k < indexes.size(); ++k) {
      const Clock::time_point start = Clock::now();
      auto proof = g_proof_log->InclusionProof(indexes[k], size);
      us[k] = Seconds(Clock::now() - start) * 1e6;
      if (!proof.ok()) {
        state.SkipWithError(proof.status().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(proof);
    }
    state.SetIterationTime(Seconds(Clock::now() - all));
    ReportLatencies(state, us, size);
  }
}
BENCHMARK(BM_InclusionProof)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// VerifyInclusion of those proofs against the root of a signed checkpoint at
// the log's size, as a partner checks one: median and p99 per proof.
void BM_VerifyInclusionProof(benchmark::State& state) {
  if (!EnsureProofLog()) {
    state.SkipWithError("building the proof log failed");
    return;
  }
  auto signed_checkpoint = g_proof_log->Checkpoint();
  if (!signed_checkpoint.ok()) {
    state.SkipWithError(signed_checkpoint.status().ToString().c_str());
    return;
  }
  auto checkpoint =
      hub::audit::VerifyCheckpoint(*signed_checkpoint, *g_public_key);
  if (!checkpoint.ok()) {
    state.SkipWithError(checkpoint.status().ToString().c_str());
    return;
  }
  const uint64_t size = checkpoint->tree_size;
  const std::vector<uint64_t> indexes = RandomIndexes(size, g_sizes.proofs, 2);
  std::vector<hub::audit::Hash> leaves;
  std::vector<std::vector<hub::audit::Hash>> proofs;
  for (uint64_t index : indexes) {
    auto commitment = g_proof_store->AuditCommitment(index);
    auto proof = g_proof_log->InclusionProof(index, size);
    if (!commitment.ok() || !proof.ok()) {
      state.SkipWithError("cannot read a commitment or proof");
      return;
    }
    leaves.push_back(hub::audit::LeafHash(*commitment));
    proofs.push_back(*std::move(proof));
  }
  std::vector<double> us(indexes.size());
  for (auto _ : state) {
    const Clock::time_point all = Clock::now();
    for (size_t k = 0; k < indexes.size(); ++k) {
      const Clock::time_point start = Clock::now();
      absl::Status ok = hub::audit::VerifyInclusion(
          leaves[k], indexes[k], size, proofs[k], checkpoint->root);
      us[k] = Seconds(Clock::now() - start) * 1e6;
      if (!ok.ok()) {
        state.SkipWithError(ok.ToString().c_str());
        return;
      }
    }
    state.SetIterationTime(Seconds(Clock::now() - all));
    ReportLatencies(state, us, size);
  }
}
BENCHMARK(BM_VerifyInclusionProof)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// VerifyStoredLog over the whole log (what `hubd audit verify` does).
void BM_VerifyStoredLog(benchmark::State& state) {
  if (!EnsureProofLog()) {
    state.SkipWithError("building the proof log failed");
    return;
  }
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    auto report =
        hub::audit::VerifyStoredLog(*g_proof_store, *g_public_key, {});
    const double seconds = Seconds(Clock::now() - start);
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
    state.SetIterationTime(seconds);
    state.counters["events"] = static_cast<double>(report->events);
    state.counters["checkpoints"] = static_cast<double>(report->checkpoints);
    state.counters["seconds"] = seconds;
    state.counters["events_per_s"] = report->events / seconds;
  }
}
BENCHMARK(BM_VerifyStoredLog)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The file system `dir` is on, by statfs(2) magic number.
std::string FileSystemType(const std::string& dir) {
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53:
      return "ext2/3/4";
    case 0x01021994:
      return "tmpfs";
    case 0x858458f6:
      return "ramfs";
    case 0x58465342:
      return "xfs";
    case 0x9123683e:
      return "btrfs";
    case 0x794c7630:
      return "overlayfs";
    case 0x2fc12fc1:
      return "zfs";
    case 0x6969:
      return "nfs";
    case 0x65735546:
      return "fuse";
    default:
      return absl::StrFormat("0x%x", static_cast<unsigned long>(fs.f_type));
  }
}

std::string ExecutableDir() {
  std::error_code error;
  std::filesystem::path exe =
      std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "." : exe.parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  std::string parent = ExecutableDir();
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      g_sizes = kQuick;
    } else if (absl::StartsWith(arg, "--dir=")) {
      parent = arg.substr(6);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::string pattern = parent + "/audit_bench.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror(("audit_bench: cannot make a directory in " + parent).c_str());
    return 1;
  }
  g_dir = pattern;
  const std::string fs = FileSystemType(g_dir);
  benchmark::AddCustomContext("audit_db_dir", g_dir);
  benchmark::AddCustomContext("audit_db_fs", fs);
  if (fs == "tmpfs" || fs == "ramfs") {
    std::fprintf(stderr,
                 "audit_bench: WARNING: %s is on %s, where fsync costs "
                 "nothing; the durable figures mean nothing (use --dir)\n",
                 g_dir.c_str(), fs.c_str());
  }
  ab::AuditEvent sample = WhoAmIEvent();
  Stamp(sample);
  benchmark::AddCustomContext("audit_event_bytes",
                              std::to_string(sample.ByteSizeLong()));

  g_payload = sample.SerializeAsString();
  g_public_key.emplace(Key().PublicKey());

  int rc = 0;
  auto store =
      SqliteStore::Open(g_dir + "/append.db", hub::common::Clock::Real());
  g_raw = RawSqlite::Open(g_dir + "/raw.db");
  if (!store.ok()) {
    std::fprintf(stderr, "audit_bench: %s\n",
                 store.status().ToString().c_str());
    rc = 1;
  } else if (g_raw == nullptr) {
    rc = 1;
  } else {
    g_append_store = std::move(store).value();
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  g_proof_log.reset();
  g_proof_store.reset();
  g_append_store.reset();
  g_raw.reset();
  std::error_code error;
  std::filesystem::remove_all(g_dir, error);
  return rc;
}
