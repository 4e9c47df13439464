#include "hub/audit/group_commit_audit_log.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "hub/audit/commitment.h"

namespace hub::audit {
namespace {

namespace pb = ::prevent::audit::v1;

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

// The stored row for `event`: its salted commitment, payload and the columns
// the audit queries select on.
store::AuditRow RowFor(const pb::AuditEvent& event) {
  store::AuditRow row;
  {
    google::protobuf::io::StringOutputStream out(&row.event);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    event.SerializeToCodedStream(&coded);
  }
  row.salt = NewSalt();
  row.commitment = HashBytes(EventCommitment(row.salt, row.event));
  row.time_ms = event.time_unix_ms();
  row.operation = event.operation();
  row.allowed = event.decision().allowed();
  row.police_domain =
      event.regime() == prevent::policy::v1::LegalBasis::DPA_PART3;
  row.actor_partner_id = event.actor().partner_id();
  auto add_partner = [&row](const std::string& id) {
    if (id.empty()) return;
    for (const std::string& seen : row.partner_ids) {
      if (seen == id) return;
    }
    row.partner_ids.push_back(id);
  };
  add_partner(event.actor().partner_id());
  add_partner(event.object().source_partner_id());
  for (const pb::Recipient& r : event.recipients()) add_partner(r.partner_id());
  row.subject_pseudonym = event.object().subject_pseudonym();
  row.referral_id = event.object().referral_id();
  return row;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GroupCommitAuditLog>> GroupCommitAuditLog::Open(
    store::AuditStore* store, common::Ed25519PrivateKey key,
    const common::Clock* clock, Options options) {
  RETURN_IF_ERROR(ValidateCheckpointOrigin(options.origin));
  std::unique_ptr<GroupCommitAuditLog> log(new GroupCommitAuditLog(
      store, std::move(key), clock, std::move(options)));
  RETURN_IF_ERROR(log->LoadTree());
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

absl::StatusOr<uint64_t> GroupCommitAuditLog::Append(
    const pb::AuditEvent& event) {
  Pending pending;
  pending.row = RowFor(event);
  ASSIGN_OR_RETURN(Pending done, Enqueue(std::move(pending)));
  return done.index;
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
  queue_.push_back(&pending);
  work_.Signal();
  while (!pending.done) done_.Wait(&mu_);
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
    mu_.Lock();
    for (Pending* p : batch) p->done = true;
    done_.SignalAll();
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
  bool want_checkpoint = false;
  for (Pending* p : batch) {
    want_checkpoint |= p->want_checkpoint;
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
  if (grown && (want_checkpoint ||
                now - last_checkpoint_time_ >= options_.checkpoint_interval)) {
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
        store_->AppendAudit(rows, nodes, stored ? &*stored : nullptr);
    if (!s.ok()) return fail(s);
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
  StoreNodeReader nodes(store_);
  return audit::InclusionProof(nodes, index, tree_size);
}

absl::StatusOr<std::vector<Hash>> GroupCommitAuditLog::ConsistencyProof(
    uint64_t old_size, uint64_t new_size) {
  const uint64_t committed = size();
  if (old_size > new_size || new_size > committed) {
    return absl::OutOfRangeError(
        absl::StrCat("no consistency proof from ", old_size, " to ", new_size,
                     " events; the log holds ", committed));
  }
  StoreNodeReader nodes(store_);
  return audit::ConsistencyProof(nodes, old_size, new_size);
}

absl::StatusOr<std::vector<store::AuditRow>> GroupCommitAuditLog::Select(
    const store::AuditSelection& selection) {
  return store_->SelectAudit(selection);
}

absl::Status GroupCommitAuditLog::Erase(uint64_t index) {
  return store_->EraseAuditPayload(index);
}

}  // namespace hub::audit
