#include "hub/audit/group_commit_audit_log.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/ed25519.h"
#include "common/fake_clock.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/audit/checkpoint.h"
#include "hub/audit/log_verifier.h"
#include "hub/audit/merkle.h"
#include "hub/store/fault_vfs.h"
#include "hub/store/sqlite_store.h"

namespace hub::audit {
namespace {

namespace pb = ::prevent::audit::v1;

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A deterministic signing key from a seed of 32 copies of `fill`.
common::Ed25519PrivateKey Key(char fill) {
  absl::StatusOr<common::Ed25519PrivateKey> key =
      common::Ed25519PrivateKey::FromRawSeed(std::string(32, fill));
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}

// Event `n`: an allowed disclosure from P-A to P-B about a subject, or every
// third one a denial by P-C.
pb::AuditEvent Event(int n) {
  pb::AuditEvent event;
  event.set_event_id(absl::StrCat("event-", n));
  event.set_time_unix_ms(1'760'000'000'000 + n);
  if (n % 3 == 2) {
    event.set_operation(pb::POLICY_DENY);
    event.mutable_actor()->set_partner_id("P-C");
    event.mutable_decision()->set_allowed(false);
  } else {
    event.set_operation(pb::DISCLOSE);
    event.mutable_actor()->set_partner_id("P-A");
    event.mutable_object()->set_subject_pseudonym(absl::StrCat("subject-", n));
    event.mutable_object()->set_referral_id(absl::StrCat("referral-", n));
    event.add_recipients()->set_partner_id("P-B");
    event.mutable_decision()->set_allowed(true);
  }
  return event;
}

// The hashes the tree holds: the leaf hashes of the stored commitments.
MemoryTree TreeOf(store::AuditStore& store) {
  MemoryTree tree;
  absl::StatusOr<uint64_t> size = store.AuditSize();
  EXPECT_THAT(size, IsOk());
  EXPECT_THAT(store.ReadAudit(0, size.value_or(0),
                              [&](const store::AuditRow& row) {
                                tree.Append(LeafHash(row.commitment));
                              }),
              IsOk());
  return tree;
}

// The stored events' ids, in log order.
std::vector<std::string> EventIds(store::AuditStore& store) {
  std::vector<std::string> ids;
  absl::StatusOr<uint64_t> size = store.AuditSize();
  EXPECT_THAT(size, IsOk());
  EXPECT_THAT(store.ReadAudit(0, size.value_or(0),
                              [&](const store::AuditRow& row) {
                                pb::AuditEvent event;
                                EXPECT_TRUE(event.ParseFromString(row.event));
                                ids.push_back(event.event_id());
                              }),
              IsOk());
  return ids;
}

class GroupCommitAuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(path_); }

  // A test that turned the fault VFS on must not leave it on for the next.
  void TearDown() override { store::SetFaultVfsFailing(false); }

  void OpenStore(const std::string& path) {
    store_.reset();
    absl::StatusOr<std::unique_ptr<store::SqliteStore>> store =
        store::SqliteStore::Open(path, &clock_);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(store).value();
  }

  GroupCommitAuditLog::Options DefaultOptions() {
    GroupCommitAuditLog::Options options;
    options.origin = "prevent-hub/test";
    options.checkpoint_interval = absl::Seconds(1);
    // Long enough that no probe runs during a test unless it asks for one.
    options.probe_interval = absl::Hours(1);
    return options;
  }

  std::unique_ptr<GroupCommitAuditLog> OpenLog(
      GroupCommitAuditLog::Options options) {
    absl::StatusOr<std::unique_ptr<GroupCommitAuditLog>> log =
        GroupCommitAuditLog::Open(store_.get(), Key('k'), &clock_,
                                  std::move(options));
    EXPECT_THAT(log, IsOk());
    return log.ok() ? std::move(log).value() : nullptr;
  }
  std::unique_ptr<GroupCommitAuditLog> OpenLog() {
    return OpenLog(DefaultOptions());
  }

  // The checkpoint `signed_checkpoint` states, checked with the log's key.
  Checkpoint Verified(const SignedCheckpoint& signed_checkpoint) {
    absl::StatusOr<Checkpoint> checkpoint =
        VerifyCheckpoint(signed_checkpoint, public_key_);
    EXPECT_THAT(checkpoint, IsOk());
    return checkpoint.value_or(Checkpoint{});
  }

  // Expects the inclusion proof of every event below `checkpoint`'s size
  // to lead from its stored commitment to the checkpoint's root.
  void ExpectEveryInclusionProofVerifies(GroupCommitAuditLog& log,
                                         const Checkpoint& checkpoint) {
    for (uint64_t i = 0; i < checkpoint.tree_size; ++i) {
      absl::StatusOr<std::string> commitment = store_->AuditCommitment(i);
      ASSERT_THAT(commitment, IsOk());
      absl::StatusOr<std::vector<Hash>> proof =
          log.InclusionProof(i, checkpoint.tree_size);
      ASSERT_THAT(proof, IsOk()) << "event " << i;
      EXPECT_THAT(
          VerifyInclusion(LeafHash(*commitment), i, checkpoint.tree_size,
                          *proof, checkpoint.root),
          IsOk())
          << "event " << i;
    }
  }

  int CountStoredCheckpoints() {
    int count = 0;
    EXPECT_THAT(store_->ReadAuditCheckpoints(
                    [&](const store::AuditCheckpointRow&) { ++count; }),
                IsOk());
    return count;
  }

  uint64_t LatestStoredCheckpointSize() {
    absl::StatusOr<std::optional<store::AuditCheckpointRow>> latest =
        store_->LatestAuditCheckpoint();
    EXPECT_THAT(latest, IsOk());
    if (!latest.ok() || !latest->has_value()) return UINT64_MAX;
    return (*latest)->tree_size;
  }

  common::FakeClock clock_{absl::FromUnixSeconds(1'760'000'000)};
  common::ScopedTempDir temp_;
  const std::string path_ = temp_.path() + "/hub.db";
  const common::Ed25519PublicKey public_key_ = Key('k').PublicKey();
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(GroupCommitAuditLogTest, AppendsGetConsecutiveIndexes) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_TRUE(log->healthy());
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<uint64_t> index = log->Append(Event(i));
    ASSERT_THAT(index, IsOk());
    EXPECT_EQ(*index, static_cast<uint64_t>(i));
    EXPECT_EQ(log->size(), static_cast<uint64_t>(i + 1));
  }
  EXPECT_THAT(store_->AuditSize(), IsOk());
  EXPECT_EQ(store_->AuditSize().value_or(0), 5u);
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-1", "event-2",
                                             "event-3", "event-4"));
}

TEST_F(GroupCommitAuditLogTest, ConcurrentAppendsAllCommitAndVerify) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);

  std::vector<std::vector<uint64_t>> indexes(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<uint64_t> index = log->Append(Event(t * kPerThread + i));
        if (index.ok()) {
          indexes[t].push_back(*index);
        } else {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<uint64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    // One thread's appends are committed in the order it made them.
    EXPECT_TRUE(std::is_sorted(indexes[t].begin(), indexes[t].end()));
    all.insert(all.end(), indexes[t].begin(), indexes[t].end());
  }
  std::sort(all.begin(), all.end());
  std::vector<uint64_t> want(kThreads * kPerThread);
  std::iota(want.begin(), want.end(), 0);
  EXPECT_EQ(all, want);
  EXPECT_EQ(log->size(), want.size());

  absl::StatusOr<SignedCheckpoint> checkpoint = log->Checkpoint();
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_EQ(Verified(*checkpoint).tree_size, want.size());
  absl::StatusOr<LogReport> report =
      VerifyStoredLog(*store_, public_key_, {*checkpoint});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->events, want.size());
  EXPECT_EQ(report->held, 1u);
  EXPECT_EQ(report->unsigned_tail, 0u);
}

// What AppendAsync reported, collected from the writer thread.
class AsyncOutcomes {
 public:
  explicit AsyncOutcomes(int expected) : expected_(expected) {}
  AuditLog::AppendDone Collector() {
    return [this](absl::StatusOr<uint64_t> outcome) {
      absl::MutexLock lock(&mu_);
      outcomes_.push_back(std::move(outcome));
    };
  }
  std::vector<absl::StatusOr<uint64_t>> Await() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &AsyncOutcomes::Complete));
    return outcomes_;
  }

 private:
  bool Complete() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return static_cast<int>(outcomes_.size()) >= expected_;
  }

  const int expected_;
  absl::Mutex mu_;
  std::vector<absl::StatusOr<uint64_t>> outcomes_ ABSL_GUARDED_BY(mu_);
};

TEST_F(GroupCommitAuditLogTest, AsyncAppendsReportTheirIndexesOnceCommitted) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Event(0)), IsOk());
  AsyncOutcomes outcomes(4);
  for (int i = 1; i < 5; ++i) {
    log->AppendAsync(Event(i), nullptr, outcomes.Collector());
  }
  const std::vector<absl::StatusOr<uint64_t>> got = outcomes.Await();
  ASSERT_EQ(got.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    ASSERT_THAT(got[i], IsOk());
    EXPECT_EQ(*got[i], static_cast<uint64_t>(i + 1));  // in queue order
  }
  // Reported only once durable: the store holds every one.
  EXPECT_EQ(store_->AuditSize().value_or(0), 5u);
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-1", "event-2",
                                             "event-3", "event-4"));
}

TEST_F(GroupCommitAuditLogTest, ClosingTheLogCommitsQueuedAsyncAppends) {
  AsyncOutcomes outcomes(3);
  {
    std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 3; ++i) {
      log->AppendAsync(Event(i), nullptr, outcomes.Collector());
    }
  }
  for (const absl::StatusOr<uint64_t>& outcome : outcomes.Await()) {
    EXPECT_THAT(outcome, IsOk());
  }
  EXPECT_EQ(store_->AuditSize().value_or(0), 3u);
}

TEST_F(GroupCommitAuditLogTest, TheEmptyLogHasACheckpointOfTheEmptyTree) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  absl::StatusOr<SignedCheckpoint> checkpoint = log->Checkpoint();
  ASSERT_THAT(checkpoint, IsOk());
  Checkpoint c = Verified(*checkpoint);
  EXPECT_EQ(c.origin, "prevent-hub/test");
  EXPECT_EQ(c.tree_size, 0u);
  EXPECT_EQ(c.root, EmptyRoot());
  EXPECT_THAT(VerifyStoredLog(*store_, public_key_, {*checkpoint}), IsOk());
}

TEST_F(GroupCommitAuditLogTest, CheckpointCoversEveryEventAppendedBeforeIt) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 11; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());
  clock_.Advance(absl::Milliseconds(250));

  absl::StatusOr<SignedCheckpoint> first = log->Checkpoint();
  ASSERT_THAT(first, IsOk());
  Checkpoint c1 = Verified(*first);
  EXPECT_EQ(c1.origin, "prevent-hub/test");
  EXPECT_EQ(c1.tree_size, 11u);
  EXPECT_EQ(c1.root, TreeOf(*store_).Root());
  EXPECT_EQ(c1.time, clock_.Now());
  // It is stored, as signed.
  absl::StatusOr<std::optional<store::AuditCheckpointRow>> latest =
      store_->LatestAuditCheckpoint();
  ASSERT_THAT(latest, IsOk());
  ASSERT_TRUE(latest->has_value());
  EXPECT_EQ((*latest)->tree_size, 11u);
  EXPECT_EQ((*latest)->body, first->body);
  EXPECT_EQ((*latest)->signature, first->signature);

  // Another key does not verify it.
  EXPECT_THAT(VerifyCheckpoint(*first, Key('x').PublicKey()),
              StatusIs(absl::StatusCode::kDataLoss, ::testing::_));

  // Nothing new: the same statement, not a new one.
  clock_.Advance(absl::Seconds(5));
  absl::StatusOr<SignedCheckpoint> again = log->Checkpoint();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->body, first->body);
  EXPECT_EQ(again->signature, first->signature);

  ExpectEveryInclusionProofVerifies(*log, c1);

  for (int i = 11; i < 30; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());
  absl::StatusOr<SignedCheckpoint> second = log->Checkpoint();
  ASSERT_THAT(second, IsOk());
  Checkpoint c2 = Verified(*second);
  EXPECT_EQ(c2.tree_size, 30u);
  EXPECT_EQ(c2.root, TreeOf(*store_).Root());
  ExpectEveryInclusionProofVerifies(*log, c2);
  // Old proofs still hold against the old checkpoint.
  ExpectEveryInclusionProofVerifies(*log, c1);

  absl::StatusOr<std::vector<Hash>> consistency =
      log->ConsistencyProof(c1.tree_size, c2.tree_size);
  ASSERT_THAT(consistency, IsOk());
  EXPECT_THAT(VerifyConsistency(c1.tree_size, c2.tree_size, c1.root, c2.root,
                                *consistency),
              IsOk());
  // And every prefix is consistent with the latest.
  const MemoryTree tree = TreeOf(*store_);
  for (uint64_t old_size = 0; old_size <= c2.tree_size; ++old_size) {
    absl::StatusOr<Hash> old_root = RootHash(tree, old_size);
    ASSERT_THAT(old_root, IsOk());
    absl::StatusOr<std::vector<Hash>> proof =
        log->ConsistencyProof(old_size, c2.tree_size);
    ASSERT_THAT(proof, IsOk()) << old_size;
    EXPECT_THAT(
        VerifyConsistency(old_size, c2.tree_size, *old_root, c2.root, *proof),
        IsOk())
        << old_size;
  }

  absl::StatusOr<LogReport> report =
      VerifyStoredLog(*store_, public_key_, {*first, *second});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->held, 2u);
  EXPECT_EQ(report->unsigned_tail, 0u);
}

TEST_F(GroupCommitAuditLogTest, OutOfRangeSizesAreRefused) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());
  const auto kOutOfRange = absl::StatusCode::kOutOfRange;
  EXPECT_THAT(log->InclusionProof(0, 7), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->InclusionProof(6, 6), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->InclusionProof(3, 3), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->InclusionProof(0, 0), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->InclusionProof(UINT64_MAX, UINT64_MAX),
              StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->ConsistencyProof(2, 7), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->ConsistencyProof(5, 4), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->ConsistencyProof(7, 7), StatusIs(kOutOfRange, ::testing::_));
  EXPECT_THAT(log->ConsistencyProof(0, UINT64_MAX),
              StatusIs(kOutOfRange, ::testing::_));
  // The edges themselves are in range.
  EXPECT_THAT(log->InclusionProof(5, 6), IsOk());
  EXPECT_THAT(log->ConsistencyProof(6, 6), IsOk());
  EXPECT_THAT(log->ConsistencyProof(0, 6), IsOk());
}

TEST_F(GroupCommitAuditLogTest, SignsACheckpointWhenTheIntervalHasPassed) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  // The first commit has no checkpoint before it, so it signs one.
  ASSERT_THAT(log->Append(Event(0)), IsOk());
  EXPECT_EQ(CountStoredCheckpoints(), 1);
  EXPECT_EQ(LatestStoredCheckpointSize(), 1u);

  // Within the interval: no new checkpoint.
  ASSERT_THAT(log->Append(Event(1)), IsOk());
  clock_.Advance(absl::Milliseconds(999));
  ASSERT_THAT(log->Append(Event(2)), IsOk());
  EXPECT_EQ(CountStoredCheckpoints(), 1);
  EXPECT_EQ(LatestStoredCheckpointSize(), 1u);

  // The interval since the last one has passed: the next commit signs.
  clock_.Advance(absl::Milliseconds(1));
  ASSERT_THAT(log->Append(Event(3)), IsOk());
  EXPECT_EQ(CountStoredCheckpoints(), 2);
  EXPECT_EQ(LatestStoredCheckpointSize(), 4u);

  for (int i = 4; i < 8; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_THAT(log->Append(Event(i)), IsOk());
    EXPECT_EQ(LatestStoredCheckpointSize(), static_cast<uint64_t>(i + 1));
  }
  EXPECT_EQ(CountStoredCheckpoints(), 6);

  // Time passing with nothing appended signs nothing.
  clock_.Advance(absl::Seconds(10));
  ASSERT_THAT(log->Append(Event(8)), IsOk());
  ASSERT_THAT(log->Append(Event(9)), IsOk());
  EXPECT_EQ(CountStoredCheckpoints(), 7);
  EXPECT_EQ(LatestStoredCheckpointSize(), 9u);

  absl::StatusOr<LogReport> report = VerifyStoredLog(*store_, public_key_, {});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->checkpoints, 7u);
  EXPECT_EQ(report->unsigned_tail, 1u);
}

TEST_F(GroupCommitAuditLogTest, ReopeningContinuesTheTree) {
  SignedCheckpoint before;
  {
    std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
    ASSERT_NE(log, nullptr);
    // 13 = 0b1101: the reopened log must load three subtrees' roots.
    for (int i = 0; i < 13; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());
    absl::StatusOr<SignedCheckpoint> checkpoint = log->Checkpoint();
    ASSERT_THAT(checkpoint, IsOk());
    before = *checkpoint;
  }
  OpenStore(path_);
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 13u);
  // Nothing new since: the stored checkpoint is the current one.
  absl::StatusOr<SignedCheckpoint> same = log->Checkpoint();
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->body, before.body);

  for (int i = 13; i < 20; ++i) {
    absl::StatusOr<uint64_t> index = log->Append(Event(i));
    ASSERT_THAT(index, IsOk());
    EXPECT_EQ(*index, static_cast<uint64_t>(i));
  }
  absl::StatusOr<SignedCheckpoint> after = log->Checkpoint();
  ASSERT_THAT(after, IsOk());
  Checkpoint c1 = Verified(before);
  Checkpoint c2 = Verified(*after);
  EXPECT_EQ(c2.tree_size, 20u);
  EXPECT_EQ(c2.root, TreeOf(*store_).Root());
  ExpectEveryInclusionProofVerifies(*log, c2);
  ExpectEveryInclusionProofVerifies(*log, c1);
  absl::StatusOr<std::vector<Hash>> proof = log->ConsistencyProof(13, 20);
  ASSERT_THAT(proof, IsOk());
  EXPECT_THAT(VerifyConsistency(13, 20, c1.root, c2.root, *proof), IsOk());
  EXPECT_THAT(VerifyStoredLog(*store_, public_key_, {before, *after}), IsOk());
}

TEST_F(GroupCommitAuditLogTest, ErasingAPayloadKeepsTheTreeVerifying) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());
  absl::StatusOr<SignedCheckpoint> signed_checkpoint = log->Checkpoint();
  ASSERT_THAT(signed_checkpoint, IsOk());
  const Checkpoint checkpoint = Verified(*signed_checkpoint);
  absl::StatusOr<std::string> commitment = store_->AuditCommitment(3);
  ASSERT_THAT(commitment, IsOk());

  ASSERT_THAT(log->Erase(3), IsOk());

  absl::StatusOr<LogReport> report =
      VerifyStoredLog(*store_, public_key_, {*signed_checkpoint});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->events, 6u);
  EXPECT_EQ(report->erased, 1u);

  std::vector<store::AuditRow> rows;
  ASSERT_THAT(
      store_->ReadAudit(
          3, 4, [&](const store::AuditRow& row) { rows.push_back(row); }),
      IsOk());
  ASSERT_EQ(rows.size(), 1u);
  const store::AuditRow& row = rows[0];
  EXPECT_TRUE(row.erased());
  EXPECT_THAT(row.event, IsEmpty());
  EXPECT_THAT(row.salt, IsEmpty());
  EXPECT_THAT(row.actor_partner_id, IsEmpty());
  EXPECT_THAT(row.partner_ids, IsEmpty());
  EXPECT_THAT(row.subject_pseudonym, IsEmpty());
  EXPECT_THAT(row.referral_id, IsEmpty());
  EXPECT_EQ(row.commitment, *commitment);
  // The time and operation stay, for counts.
  EXPECT_EQ(row.time_ms, Event(3).time_unix_ms());
  EXPECT_EQ(row.operation, pb::DISCLOSE);

  // Event 3's inclusion proof still verifies from its commitment.
  absl::StatusOr<std::vector<Hash>> proof = log->InclusionProof(3, 6);
  ASSERT_THAT(proof, IsOk());
  EXPECT_THAT(
      VerifyInclusion(LeafHash(*commitment), 3, 6, *proof, checkpoint.root),
      IsOk());

  // The queries no longer find it by its subject.
  store::AuditSelection by_subject;
  by_subject.kind = store::AuditSelection::Kind::kSubject;
  by_subject.subject_pseudonym = "subject-3";
  absl::StatusOr<std::vector<store::AuditRow>> found = log->Select(by_subject);
  ASSERT_THAT(found, IsOk());
  EXPECT_THAT(*found, IsEmpty());

  EXPECT_THAT(log->Erase(6),
              StatusIs(absl::StatusCode::kNotFound, ::testing::_));
  // The log goes on after an erasure.
  EXPECT_THAT(log->Append(Event(6)), IsOk());
  EXPECT_THAT(VerifyStoredLog(*store_, public_key_, {*signed_checkpoint}),
              IsOk());
}

TEST_F(GroupCommitAuditLogTest, SelectsByPartnerSubjectAndDenial) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 6; ++i) ASSERT_THAT(log->Append(Event(i)), IsOk());

  store::AuditSelection denials;
  denials.kind = store::AuditSelection::Kind::kDenials;
  absl::StatusOr<std::vector<store::AuditRow>> rows = log->Select(denials);
  ASSERT_THAT(rows, IsOk());
  std::vector<uint64_t> indexes;
  for (const store::AuditRow& row : *rows) indexes.push_back(row.index);
  EXPECT_THAT(indexes, ElementsAre(2, 5));

  store::AuditSelection recipient;
  recipient.kind = store::AuditSelection::Kind::kPartner;
  recipient.partner_id = "P-B";
  rows = log->Select(recipient);
  ASSERT_THAT(rows, IsOk());
  indexes.clear();
  for (const store::AuditRow& row : *rows) indexes.push_back(row.index);
  EXPECT_THAT(indexes, ElementsAre(0, 1, 3, 4));

  store::AuditSelection referral;
  referral.kind = store::AuditSelection::Kind::kSubject;
  referral.referral_id = "referral-4";
  rows = log->Select(referral);
  ASSERT_THAT(rows, IsOk());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].index, 4u);
  pb::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString((*rows)[0].event));
  EXPECT_EQ(event.event_id(), "event-4");
}

// A log over a database opened through the fault VFS, recording the
// health changes it reports.
class FailingDiskTest : public GroupCommitAuditLogTest {
 protected:
  void SetUp() override {
    OpenStore(absl::StrCat("file:", path_, "?vfs=", store::InstallFaultVfs()));
  }

  GroupCommitAuditLog::Options RecordingOptions() {
    GroupCommitAuditLog::Options options = DefaultOptions();
    options.on_health_change = [this](bool healthy) {
      absl::MutexLock lock(&mu_);
      changes_.push_back(healthy);
      if (healthy && recovered_ != nullptr && !recovered_->HasBeenNotified()) {
        recovered_->Notify();
      }
    };
    return options;
  }

  std::vector<bool> changes() {
    absl::MutexLock lock(&mu_);
    return changes_;
  }

  absl::Mutex mu_;
  std::vector<bool> changes_ ABSL_GUARDED_BY(mu_);
  absl::Notification* recovered_ ABSL_GUARDED_BY(mu_) = nullptr;
};

TEST_F(FailingDiskTest, FailsClosedAndRecoversWithTheNextAppend) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog(RecordingOptions());
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Event(0)), IsOk());
  ASSERT_THAT(log->Append(Event(1)), IsOk());
  absl::StatusOr<SignedCheckpoint> held = log->Checkpoint();
  ASSERT_THAT(held, IsOk());

  store::SetFaultVfsFailing(true);
  EXPECT_THAT(log->Append(Event(2)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_FALSE(log->healthy());
  EXPECT_THAT(changes(), ElementsAre(false));
  EXPECT_THAT(log->Append(Event(3)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  clock_.Advance(absl::Seconds(2));
  EXPECT_THAT(log->Append(Event(4)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(log->size(), 2u);
  // A checkpoint request with nothing new writes nothing, so it is no sign
  // that writes work again.
  absl::StatusOr<SignedCheckpoint> unchanged = log->Checkpoint();
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_EQ(unchanged->body, held->body);
  EXPECT_FALSE(log->healthy());
  EXPECT_THAT(changes(), ElementsAre(false));

  store::SetFaultVfsFailing(false);
  absl::StatusOr<uint64_t> index = log->Append(Event(5));
  ASSERT_THAT(index, IsOk());
  EXPECT_EQ(*index, 2u);
  EXPECT_TRUE(log->healthy());
  EXPECT_THAT(changes(), ElementsAre(false, true));
  EXPECT_EQ(log->size(), 3u);

  absl::StatusOr<SignedCheckpoint> latest = log->Checkpoint();
  ASSERT_THAT(latest, IsOk());
  EXPECT_EQ(Verified(*latest).tree_size, 3u);
  absl::StatusOr<LogReport> report =
      VerifyStoredLog(*store_, public_key_, {*held, *latest});
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->events, 3u);
  // The refused events are not in the log.
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-1", "event-5"));
  EXPECT_THAT(store_->CheckIntegrity(), IsOk());
}

TEST_F(FailingDiskTest, AnAsyncAppendThatCannotBeWrittenReportsUnavailable) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog(RecordingOptions());
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Event(0)), IsOk());
  store::SetFaultVfsFailing(true);
  AsyncOutcomes failed(1);
  log->AppendAsync(Event(1), nullptr, failed.Collector());
  EXPECT_THAT(failed.Await().front(),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_EQ(log->size(), 1u);
  store::SetFaultVfsFailing(false);
  AsyncOutcomes recovered(1);
  log->AppendAsync(Event(2), nullptr, recovered.Collector());
  ASSERT_THAT(recovered.Await().front(), IsOk());
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-2"));
}

// TESTING I4: a call's data change commits in the same transaction as its
// event, so neither is durable without the other.
TEST_F(FailingDiskTest, ADataChangeCommitsWithItsEventOrNotAtAll) {
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog(RecordingOptions());
  ASSERT_NE(log, nullptr);
  auto write_of = [](const std::string& ref) {
    store::RecordWrite write;
    store::ReferralRow row;
    row.id = "id-" + ref;
    row.ref = ref;
    row.area = "WXC";
    row.year = 2026;
    row.seq = static_cast<int>(ref.back() - '0');
    row.source_partner_id = "P-A";
    row.referrer_principal_id = "U-A";
    row.subject_id = "S-1";
    row.subject_key = "key";
    row.state = 2;
    row.version = 1;
    row.record = "record";
    write.referrals.push_back(row);
    write.reply = store::StoredReply{"P-A", "request-" + ref, "U-A", "m", "r"};
    return write;
  };
  const store::RecordWrite first = write_of("PRV-1");
  ASSERT_THAT(log->Append(Event(0), &first), IsOk());

  store::SetFaultVfsFailing(true);
  const store::RecordWrite refused = write_of("PRV-2");
  EXPECT_THAT(log->Append(Event(1), &refused),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  store::SetFaultVfsFailing(false);

  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0"));
  absl::StatusOr<std::optional<store::ReferralRow>> stored =
      store_->FindReferral("PRV-1");
  ASSERT_THAT(stored, IsOk());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->id, "id-PRV-1");
  absl::StatusOr<std::optional<store::ReferralRow>> lost =
      store_->FindReferral("PRV-2");
  ASSERT_THAT(lost, IsOk());
  EXPECT_FALSE(lost->has_value());
  absl::StatusOr<std::optional<store::StoredReply>> reply =
      store_->FindReply("P-A", "request-PRV-2");
  ASSERT_THAT(reply, IsOk());
  EXPECT_FALSE(reply->has_value());

  // Once the disk works again the same change goes in with its event.
  ASSERT_THAT(log->Append(Event(2), &refused), IsOk());
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-2"));
  stored = store_->FindReferral("id-PRV-2");
  ASSERT_THAT(stored, IsOk());
  EXPECT_TRUE(stored->has_value());
}

TEST_F(FailingDiskTest, RecoversByProbingWhileIdle) {
  GroupCommitAuditLog::Options options = RecordingOptions();
  options.probe_interval = absl::Milliseconds(1);
  std::unique_ptr<GroupCommitAuditLog> log = OpenLog(std::move(options));
  ASSERT_NE(log, nullptr);
  ASSERT_THAT(log->Append(Event(0)), IsOk());

  store::SetFaultVfsFailing(true);
  EXPECT_THAT(log->Append(Event(1)),
              StatusIs(absl::StatusCode::kUnavailable, ::testing::_));
  EXPECT_FALSE(log->healthy());

  absl::Notification recovered;
  {
    absl::MutexLock lock(&mu_);
    recovered_ = &recovered;
  }
  store::SetFaultVfsFailing(false);
  // No append: the writer's probe finds that writes work again.
  ASSERT_TRUE(recovered.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(log->healthy());
  EXPECT_THAT(changes(), ElementsAre(false, true));
  {
    absl::MutexLock lock(&mu_);
    recovered_ = nullptr;
  }

  absl::StatusOr<uint64_t> index = log->Append(Event(2));
  ASSERT_THAT(index, IsOk());
  EXPECT_EQ(*index, 1u);
  absl::StatusOr<SignedCheckpoint> checkpoint = log->Checkpoint();
  ASSERT_THAT(checkpoint, IsOk());
  EXPECT_THAT(VerifyStoredLog(*store_, public_key_, {*checkpoint}), IsOk());
  EXPECT_THAT(EventIds(*store_), ElementsAre("event-0", "event-2"));
}

}  // namespace
}  // namespace hub::audit
