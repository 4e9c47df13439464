// GroupCommitAuditLog is the AuditLog over an AuditStore (SQLite): callers
// queue their events and one writer thread commits everything queued in one
// transaction (one fsync for the whole group), extends the Merkle tree, and
// signs a checkpoint when one was asked for or the last is older than the
// interval. A second thread, the completer, runs AppendAsync's completions
// in commit order while the writer commits the next group, so finishing one
// group's calls does not delay the next group's fsync. A failed commit
// fails every event in it with UNAVAILABLE and
// marks the log unhealthy; the writer then probes the store until writes
// work again, or the next append succeeds, and reports healthy again.
#ifndef HUB_AUDIT_GROUP_COMMIT_AUDIT_LOG_H_
#define HUB_AUDIT_GROUP_COMMIT_AUDIT_LOG_H_

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/ed25519.h"
#include "hub/audit/audit_log.h"
#include "hub/audit/merkle.h"
#include "hub/store/audit_store.h"

namespace hub::audit {

class GroupCommitAuditLog final : public AuditLog {
 public:
  struct Options {
    std::string origin;  // names the log in checkpoints
    // Sign a checkpoint in the first commit this long after the last one
    // (allowing for that commit's expected duration). The default leaves a
    // tenth for commit jitter, so that under load checkpoints are at most a
    // second apart (DESIGN.md §6).
    absl::Duration checkpoint_interval = absl::Milliseconds(900);
    // While unhealthy, probe the store this often (real time).
    absl::Duration probe_interval = absl::Seconds(1);
    size_t max_batch = 4096;
    // Called from the writer thread when healthy() changes.
    std::function<void(bool healthy)> on_health_change;
  };

  // Reads the log's size and right edge from `store` (O(log n) reads; no
  // scan) and starts the writer. `store` and `clock` must outlive the log.
  static absl::StatusOr<std::unique_ptr<GroupCommitAuditLog>> Open(
      store::AuditStore* store, common::Ed25519PrivateKey key,
      const common::Clock* clock, Options options);

  // Commits what is queued, then stops the writer.
  ~GroupCommitAuditLog() override;

  using AuditLog::Append;
  absl::StatusOr<uint64_t> Append(const prevent::audit::v1::AuditEvent& event,
                                  const store::RecordWrite* write) override;
  // `done` runs on the completer thread, after the commit, in commit order.
  void AppendAsync(const prevent::audit::v1::AuditEvent& event,
                   const store::RecordWrite* write, AppendDone done) override;
  absl::StatusOr<SignedCheckpoint> Checkpoint() override;
  uint64_t size() const override;
  bool healthy() const override;
  absl::StatusOr<std::vector<Hash>> InclusionProof(uint64_t index,
                                                   uint64_t tree_size) override;
  absl::StatusOr<std::vector<Hash>> ConsistencyProof(
      uint64_t old_size, uint64_t new_size) override;
  absl::StatusOr<std::vector<store::AuditRow>> Select(
      const store::AuditSelection& selection) override;

  // Erases event `index`'s payload, keeping its commitment (retention, P16).
  absl::Status Erase(uint64_t index);

 private:
  // One queued request: an event to append, or (row empty) a checkpoint.
  struct Pending {
    std::optional<store::AuditRow> row;
    const store::RecordWrite* write = nullptr;  // committed with `row`
    bool want_checkpoint = false;
    bool done = false;
    absl::CondVar* done_cv = nullptr;  // the waiting caller's, under mu_
    AppendDone on_done;  // instead of done_cv: AppendAsync's (owns this)
    absl::Status status;
    uint64_t index = 0;
    SignedCheckpoint checkpoint;
  };

  GroupCommitAuditLog(store::AuditStore* store, common::Ed25519PrivateKey key,
                      const common::Clock* clock, Options options);

  // Sets `pending` to append `event` with `write` (null if empty).
  static void FillEvent(const prevent::audit::v1::AuditEvent& event,
                        const store::RecordWrite* write, Pending& pending);
  absl::StatusOr<Pending> Enqueue(Pending pending);
  void WriterLoop();
  void CompleterLoop();
  // Commits `batch` (writer thread only); fills each entry's outcome.
  void Commit(std::deque<Pending*>& batch);
  void SetHealthy(bool healthy);
  absl::Status LoadTree();  // writer state from the store

  store::AuditStore* const store_;
  const common::Ed25519PrivateKey key_;
  const common::Clock* const clock_;
  const Options options_;

  // Writer-thread state: the tree's right edge and the last checkpoint.
  CompactRange range_;
  bool reload_tree_ = false;
  std::optional<SignedCheckpoint> last_checkpoint_;
  uint64_t last_checkpoint_size_ = 0;
  absl::Time last_checkpoint_time_ = absl::InfinitePast();
  absl::Duration last_commit_duration_ = absl::ZeroDuration();

  mutable absl::Mutex mu_;
  absl::CondVar work_;  // the writer waits here for work
  std::deque<Pending*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool healthy_ ABSL_GUARDED_BY(mu_) = true;
  uint64_t size_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread writer_;

  // Committed asynchronous appends, completed in order by completer_.
  absl::Mutex completions_mu_;
  absl::CondVar completions_cv_;
  std::deque<std::unique_ptr<Pending>> completions_
      ABSL_GUARDED_BY(completions_mu_);
  bool completions_stopping_ ABSL_GUARDED_BY(completions_mu_) = false;
  std::thread completer_;
};

}  // namespace hub::audit

#endif  // HUB_AUDIT_GROUP_COMMIT_AUDIT_LOG_H_
