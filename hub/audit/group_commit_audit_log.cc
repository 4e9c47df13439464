#include "hub/audit/group_commit_audit_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "hub/audit/event_row.h"

namespace hub::audit {
namespace {

// The tree's perfect nodes as the store holds them: leaves are the leaf
// hashes of the commitments, higher levels are stored as completed.
class StoreNodeReader final : public NodeReader {
 public:
  explicit StoreNodeReader(store::AuditStore* store) : store_(store) {}

  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    if (level == 0) {
      ASSIGN_OR_RETURN(std::string commitment, store_->AuditCommitment(index));
      return LeafHash(commitment);
    }
    ASSIGN_OR_RETURN(std::string hash, store_->AuditNodeHash(level, index));
    return HashFromBytes(hash);
  }

 private:
  store::AuditStore* const store_;
};

// Proofs read O(log n) nodes whose positions depend only on the sizes, so
// they are computed twice: once recording which nodes they read (hashes are
// placeholders), then from those nodes fetched in one store transaction.
class RecordingReader final : public NodeReader {
 public:
  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    keys_.emplace_back(level, index);
    return Hash{};
  }
  std::vector<std::pair<int, uint64_t>>& keys() const { return keys_; }

 private:
  mutable std::vector<std::pair<int, uint64_t>> keys_;
};

class ReplayReader final : public NodeReader {
 public:
  ReplayReader(const std::vector<std::pair<int, uint64_t>>& keys,
               std::vector<Hash> hashes)
      : keys_(keys), hashes_(std::move(hashes)) {}
  absl::StatusOr<Hash> Node(int level, uint64_t index) const override {
    if (next_ >= keys_.size() || keys_[next_] != std::make_pair(level, index)) {
      return absl::InternalError("proof read nodes in a different order");
    }
    return hashes_[next_++];
  }

 private:
  const std::vector<std::pair<int, uint64_t>>& keys_;
  const std::vector<Hash> hashes_;
  mutable size_t next_ = 0;
};

// Runs `proof` against the store's nodes with one batched read.
template <typename ProofFn>
absl::StatusOr<std::vector<Hash>> BatchedProof(store::AuditStore* store,
                                               ProofFn proof) {
  RecordingReader recording;
  RETURN_IF_ERROR(proof(recording).status());
  ASSIGN_OR_RETURN(std::vector<std::string> raw,
                   store->AuditTreeHashes(recording.keys()));
  std::vector<Hash> hashes;
  hashes.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (recording.keys()[i].first == 0) {
      hashes.push_back(LeafHash(raw[i]));
    } else {
      ASSIGN_OR_RETURN(Hash h, HashFromBytes(raw[i]));
      hashes.push_back(h);
    }
  }
  ReplayReader replay(recording.keys(), std::move(hashes));
  return proof(replay);
}

}  // namespace

absl::StatusOr<std::unique_ptr<GroupCommitAuditLog>> GroupCommitAuditLog::Open(
    store::AuditStore* store, common::Ed25519PrivateKey key,
    const common::Clock* clock, Options options) {
  RETURN_IF_ERROR(ValidateCheckpointOrigin(options.origin));
  std::unique_ptr<GroupCommitAuditLog> log(new GroupCommitAuditLog(
      store, std::move(key), clock, std::move(options)));
  RETURN_IF_ERROR(log->LoadTree());
  log->completer_ = std::thread([raw = log.get()] { raw->CompleterLoop(); });
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  return log;
}

GroupCommitAuditLog::GroupCommitAuditLog(store::AuditStore* store,
                                         common::Ed25519PrivateKey key,
                                         const common::Clock* clock,
                                         Options options)
    : store_(store),
      key_(std::move(key)),
      clock_(clock),
      options_(std::move(options)) {}

GroupCommitAuditLog::~GroupCommitAuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_.Signal();
  }
  writer_.join();
  {
    absl::MutexLock lock(&completions_mu_);
    completions_stopping_ = true;
    completions_cv_.Signal();
  }
  completer_.join();
}

absl::Status GroupCommitAuditLog::LoadTree() {
  ASSIGN_OR_RETURN(uint64_t size, store_->AuditSize());
  StoreNodeReader nodes(store_);
  ASSIGN_OR_RETURN(range_, CompactRange::Load(nodes, size));
  ASSIGN_OR_RETURN(std::optional<store::AuditCheckpointRow> latest,
                   store_->LatestAuditCheckpoint());
  if (latest.has_value()) {
    last_checkpoint_ = SignedCheckpoint{latest->body, latest->signature};
    last_checkpoint_size_ = latest->tree_size;
  }
  absl::MutexLock lock(&mu_);
  size_ = size;
  return absl::OkStatus();
}

void GroupCommitAuditLog::FillEvent(const prevent::audit::v1::AuditEvent& event,
                                    const store::RecordWrite* write,
                                    Pending& pending) {
  pending.row = RowForEvent(event);
  if (write != nullptr && !write->empty()) pending.write = write;
}

absl::StatusOr<uint64_t> GroupCommitAuditLog::Append(
    const prevent::audit::v1::AuditEvent& event,
    const store::RecordWrite* write) {
  Pending pending;
  FillEvent(event, write, pending);
  ASSIGN_OR_RETURN(Pending done, Enqueue(std::move(pending)));
  return done.index;
}

void GroupCommitAuditLog::AppendAsync(
    const prevent::audit::v1::AuditEvent& event,
    const store::RecordWrite* write, AppendDone done) {
  auto pending = std::make_unique<Pending>();
  FillEvent(event, write, *pending);
  pending->on_done = std::move(done);
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(pending.release());  // the writer deletes it
      work_.Signal();
      return;
    }
  }
  std::move(pending->on_done)(
      absl::UnavailableError("the hub is shutting down"));
}

absl::StatusOr<SignedCheckpoint> GroupCommitAuditLog::Checkpoint() {
  Pending pending;
  pending.want_checkpoint = true;
  ASSIGN_OR_RETURN(Pending done, Enqueue(std::move(pending)));
  return std::move(done.checkpoint);
}

absl::StatusOr<GroupCommitAuditLog::Pending> GroupCommitAuditLog::Enqueue(
    Pending pending) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    return absl::UnavailableError("the hub is shutting down");
  }
  absl::CondVar done;
  pending.done_cv = &done;
  queue_.push_back(&pending);
  work_.Signal();
  while (!pending.done) done.Wait(&mu_);
  if (!pending.status.ok()) return pending.status;
  return pending;
}

uint64_t GroupCommitAuditLog::size() const {
  absl::MutexLock lock(&mu_);
  return size_;
}

bool GroupCommitAuditLog::healthy() const {
  absl::MutexLock lock(&mu_);
  return healthy_;
}

void GroupCommitAuditLog::CompleterLoop() {
  while (true) {
    std::deque<std::unique_ptr<Pending>> done;
    {
      absl::MutexLock lock(&completions_mu_);
      while (completions_.empty() && !completions_stopping_) {
        completions_cv_.Wait(&completions_mu_);
      }
      if (completions_.empty()) return;
      done.swap(completions_);
    }
    for (std::unique_ptr<Pending>& owned : done) {
      std::move(owned->on_done)(owned->status.ok()
                                    ? absl::StatusOr<uint64_t>(owned->index)
                                    : absl::StatusOr<uint64_t>(owned->status));
    }
  }
}

void GroupCommitAuditLog::WriterLoop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    while (queue_.empty() && !stopping_) {
      if (healthy_) {
        work_.Wait(&mu_);
        continue;
      }
      // Unhealthy and idle: probe until writes work again.
      if (work_.WaitWithTimeout(&mu_, options_.probe_interval)) {
        mu_.Unlock();
        const bool ok = store_->ProbeWrite().ok();
        mu_.Lock();
        if (ok) {
          reload_tree_ = true;
          mu_.Unlock();
          SetHealthy(true);
          mu_.Lock();
        }
      }
    }
    if (queue_.empty()) return;  // stopping, nothing left
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < options_.max_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    mu_.Unlock();
    Commit(batch);
    // Asynchronous callers are completed by the completer thread, in order,
    // while this one commits the next batch.
    {
      std::vector<std::unique_ptr<Pending>> done;
      for (Pending*& p : batch) {
        if (p->on_done) done.emplace_back(std::exchange(p, nullptr));
      }
      if (!done.empty()) {
        absl::MutexLock completions_lock(&completions_mu_);
        for (auto& d : done) completions_.push_back(std::move(d));
        completions_cv_.Signal();
      }
    }
    mu_.Lock();
    // Each waiting caller has its own condition variable, so a commit wakes
    // only the callers it served. Signalled under mu_: a caller cannot see
    // `done` and destroy its variable before the signal.
    for (Pending* p : batch) {
      if (p == nullptr) continue;
      p->done = true;
      p->done_cv->Signal();
    }
  }
}

void GroupCommitAuditLog::Commit(std::deque<Pending*>& batch) {
  auto fail = [&](const absl::Status& cause) {
    common::LogLine(common::Severity::kError, "audit_write_failed")
        .Add("events", static_cast<int64_t>(batch.size()))
        .Add("error", cause.message());
    const absl::Status refused = absl::UnavailableError(
        "the hub cannot write its audit log, so it releases nothing; try "
        "again shortly (operators: docs/operations.md, audit failures)");
    for (Pending* p : batch) p->status = refused;
    reload_tree_ = true;
    SetHealthy(false);
  };
  if (reload_tree_) {
    // After a failure the store may hold more or less than we think.
    if (absl::Status s = LoadTree(); !s.ok()) return fail(s);
    reload_tree_ = false;
  }

  CompactRange range = range_;
  std::vector<store::AuditRow> rows;
  std::vector<store::AuditNode> nodes;
  std::vector<const store::RecordWrite*> writes;
  bool want_checkpoint = false;
  for (Pending* p : batch) {
    want_checkpoint |= p->want_checkpoint;
    if (p->write != nullptr) writes.push_back(p->write);
    if (!p->row.has_value()) continue;
    p->index = range.size();
    p->row->index = p->index;
    range.Append(LeafHash(p->row->commitment),
                 [&nodes](int level, uint64_t index, const Hash& hash) {
                   if (level > 0) {
                     nodes.push_back({level, index, HashBytes(hash)});
                   }
                 });
    rows.push_back(std::move(*p->row));
  }

  const absl::Time now = clock_->Now();
  std::optional<store::AuditCheckpointRow> stored;
  SignedCheckpoint signed_checkpoint;
  const bool grown =
      range.size() > last_checkpoint_size_ || !last_checkpoint_.has_value();
  // A checkpoint is signed when the next would otherwise come later than the
  // interval: this commit's expected duration is allowed for.
  if (grown &&
      (want_checkpoint || now - last_checkpoint_time_ + last_commit_duration_ >=
                              options_.checkpoint_interval)) {
    audit::Checkpoint checkpoint;
    checkpoint.origin = options_.origin;
    checkpoint.tree_size = range.size();
    checkpoint.root = range.Root();
    checkpoint.time = now;
    signed_checkpoint = SignCheckpoint(checkpoint, key_);
    stored = store::AuditCheckpointRow{
        checkpoint.tree_size, absl::ToUnixMillis(now), signed_checkpoint.body,
        signed_checkpoint.signature};
  }

  const bool wrote = !rows.empty() || stored.has_value();
  if (wrote) {
    absl::Status s =
        store_->AppendAudit(writes, rows, nodes, stored ? &*stored : nullptr);
    if (!s.ok()) return fail(s);
    last_commit_duration_ = clock_->Now() - now;
  }
  range_ = std::move(range);
  if (stored.has_value()) {
    last_checkpoint_ = signed_checkpoint;
    last_checkpoint_size_ = stored->tree_size;
    last_checkpoint_time_ = now;
  }
  for (Pending* p : batch) {
    p->status = absl::OkStatus();
    if (p->want_checkpoint) p->checkpoint = *last_checkpoint_;
  }
  {
    absl::MutexLock lock(&mu_);
    size_ = range_.size();
  }
  // Only a write that succeeded shows the store works again: a checkpoint
  // request with nothing new to sign writes nothing.
  if (wrote) SetHealthy(true);
}

void GroupCommitAuditLog::SetHealthy(bool healthy) {
  {
    absl::MutexLock lock(&mu_);
    if (healthy_ == healthy) return;
    healthy_ = healthy;
  }
  common::LogLine(healthy ? common::Severity::kInfo : common::Severity::kError,
                  healthy ? "audit_recovered" : "audit_unavailable");
  if (options_.on_health_change) options_.on_health_change(healthy);
}

absl::StatusOr<std::vector<Hash>> GroupCommitAuditLog::InclusionProof(
    uint64_t index, uint64_t tree_size) {
  const uint64_t committed = size();
  if (tree_size > committed || index >= tree_size) {
    return absl::OutOfRangeError(
        absl::StrCat("no event ", index, " in a tree of ", tree_size,
                     " events; the log holds ", committed));
  }
  return BatchedProof(store_, [&](const NodeReader& nodes) {
    return audit::InclusionProof(nodes, index, tree_size);
  });
}

absl::StatusOr<std::vector<Hash>> GroupCommitAuditLog::ConsistencyProof(
    uint64_t old_size, uint64_t new_size) {
  const uint64_t committed = size();
  if (old_size > new_size || new_size > committed) {
    return absl::OutOfRangeError(
        absl::StrCat("no consistency proof from ", old_size, " to ", new_size,
                     " events; the log holds ", committed));
  }
  return BatchedProof(store_, [&](const NodeReader& nodes) {
    return audit::ConsistencyProof(nodes, old_size, new_size);
  });
}

absl::StatusOr<std::vector<store::AuditRow>> GroupCommitAuditLog::Select(
    const store::AuditSelection& selection) {
  return store_->SelectAudit(selection);
}

absl::Status GroupCommitAuditLog::Erase(uint64_t index) {
  return store_->EraseAuditPayload(index);
}

}  // namespace hub::audit
