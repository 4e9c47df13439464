// libFuzzer target (TESTING §3.7 item 5): the audit-log verifier reads a log
// an attacker may have rewritten, so VerifyStoredLog must answer any stored
// log (events, tree nodes, checkpoints, partners' checkpoints) with a report
// or an error, never a crash, leak or undefined behaviour. The input drives
// mutations of a real log (built once by GroupCommitAuditLog, as the hub
// builds it): bytes flipped or replaced, rows dropped, swapped, renumbered or
// forged, nodes and checkpoints altered. And it must have teeth: a change to
// the payload or commitment of an event a stored checkpoint covers, leaving
// it a payload (not an erased row), is always reported.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/ed25519.h"
#include "hub/audit/group_commit_audit_log.h"
#include "hub/audit/log_verifier.h"
#include "hub/store/sqlite_store.h"

namespace {

namespace pb = ::prevent::audit::v1;
using hub::store::AuditCheckpointRow;
using hub::store::AuditNode;
using hub::store::AuditRow;

// A stored log, in memory.
struct Log {
  std::vector<AuditRow> rows;
  std::vector<AuditNode> nodes;
  std::vector<AuditCheckpointRow> checkpoints;
  uint64_t size = 0;  // what the store says it holds
};

// An AuditStore that serves `log` as it stands, however inconsistent.
class LogStore final : public hub::store::AuditStore {
 public:
  explicit LogStore(const Log& log) : log_(log) {}

  absl::StatusOr<uint64_t> AuditSize() override { return log_.size; }
  absl::Status ReadAudit(
      uint64_t begin, uint64_t end,
      absl::FunctionRef<void(const AuditRow&)> row) override {
    for (const AuditRow& r : log_.rows) {
      if (r.index >= begin && r.index < end) row(r);
    }
    return absl::OkStatus();
  }
  absl::Status ReadAuditNodes(
      absl::FunctionRef<void(const AuditNode&)> node) override {
    for (const AuditNode& n : log_.nodes) node(n);
    return absl::OkStatus();
  }
  absl::Status ReadAuditCheckpoints(
      absl::FunctionRef<void(const AuditCheckpointRow&)> checkpoint) override {
    for (const AuditCheckpointRow& c : log_.checkpoints) checkpoint(c);
    return absl::OkStatus();
  }

  // The verifier reads nothing else.
  absl::Status AppendAudit(absl::Span<const hub::store::RecordWrite* const>,
                           absl::Span<const AuditRow>,
                           absl::Span<const AuditNode>,
                           const AuditCheckpointRow*) override {
    return Unused();
  }
  absl::StatusOr<std::string> AuditCommitment(uint64_t) override {
    return Unused();
  }
  absl::StatusOr<std::string> AuditNodeHash(int, uint64_t) override {
    return Unused();
  }
  absl::StatusOr<std::vector<std::string>> AuditTreeHashes(
      absl::Span<const std::pair<int, uint64_t>>) override {
    return Unused();
  }
  absl::StatusOr<std::vector<AuditRow>> SelectAudit(
      const hub::store::AuditSelection&) override {
    return Unused();
  }
  absl::StatusOr<std::optional<AuditCheckpointRow>> LatestAuditCheckpoint()
      override {
    return Unused();
  }
  absl::Status EraseAuditPayload(uint64_t) override { return Unused(); }
  absl::Status ProbeWrite() override { return Unused(); }

 private:
  static absl::Status Unused() {
    return absl::UnimplementedError("not read by the verifier");
  }
  const Log& log_;
};

pb::AuditEvent Event(int n) {
  pb::AuditEvent event;
  event.set_event_id(absl::StrCat("event-", n));
  event.set_time_unix_ms(1'760'000'000'000 + n);
  event.set_operation(n % 3 == 2 ? pb::POLICY_DENY : pb::DISCLOSE);
  event.mutable_actor()->set_partner_id(n % 3 == 2 ? "P-C" : "P-A");
  if (n % 3 != 2) {
    event.mutable_object()->set_subject_pseudonym(absl::StrCat("subject-", n));
    event.mutable_object()->set_referral_id(absl::StrCat("referral-", n));
    event.add_recipients()->set_partner_id("P-B");
  }
  event.mutable_decision()->set_allowed(n % 3 != 2);
  return event;
}

// The log every input starts from: 10 events signed by a checkpoint, then
// 3 more not yet signed; and the hub's public key.
struct World {
  Log log;
  uint64_t signed_size = 0;
  std::unique_ptr<hub::common::Ed25519PublicKey> key;

  static World* Make() {
    auto* world = new World;
    char tmpl[] = "/tmp/hub_log_verifier_fuzz.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::abort();
    auto store = hub::store::SqliteStore::Open(std::string(tmpl) + "/hub.db",
                                               hub::common::Clock::Real());
    auto private_key =
        hub::common::Ed25519PrivateKey::FromRawSeed(std::string(32, 'k'));
    if (!store.ok() || !private_key.ok()) std::abort();
    world->key = std::make_unique<hub::common::Ed25519PublicKey>(
        private_key->PublicKey());
    {
      hub::audit::GroupCommitAuditLog::Options options;
      options.origin = "prevent-hub/fuzz";
      options.checkpoint_interval = absl::Hours(1);
      auto log = hub::audit::GroupCommitAuditLog::Open(
          store->get(), *std::move(private_key), hub::common::Clock::Real(),
          options);
      if (!log.ok()) std::abort();
      for (int n = 0; n < 13; ++n) {
        if (!(*log)->Append(Event(n)).ok()) std::abort();
        if (n == 9 && !(*log)->Checkpoint().ok()) std::abort();
      }
    }
    hub::store::AuditStore& s = **store;
    Log& l = world->log;
    l.size = s.AuditSize().value_or(0);
    if (!s.ReadAudit(0, l.size, [&](const AuditRow& r) { l.rows.push_back(r); })
             .ok() ||
        !s.ReadAuditNodes([&](const AuditNode& n) {
            l.nodes.push_back(n);
          }).ok() ||
        !s.ReadAuditCheckpoints([&](const AuditCheckpointRow& c) {
            l.checkpoints.push_back(c);
            if (c.tree_size > world->signed_size) {
              world->signed_size = c.tree_size;
            }
          }).ok()) {
      std::abort();
    }
    LogStore untouched(l);
    if (l.size != 13 || world->signed_size < 10 ||
        !hub::audit::VerifyStoredLog(untouched, *world->key, {}).ok()) {
      std::abort();  // the starting log must verify
    }
    return world;
  }
};

void Flip(FuzzedDataProvider& in, std::string& s) {
  if (s.empty()) return;
  s[in.ConsumeIntegralInRange<size_t>(0, s.size() - 1)] ^=
      static_cast<char>(in.ConsumeIntegralInRange<int>(1, 255));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = World::Make();
  FuzzedDataProvider in(data, size);
  Log log = world->log;
  std::vector<hub::audit::SignedCheckpoint> held;
  for (int op = 0; op < 8 && in.remaining_bytes() > 0; ++op) {
    const size_t row = log.rows.empty() ? 0
                                        : in.ConsumeIntegralInRange<size_t>(
                                              0, log.rows.size() - 1);
    switch (in.ConsumeIntegralInRange<int>(0, 11)) {
      case 0:
        if (!log.rows.empty()) Flip(in, log.rows[row].event);
        break;
      case 1:
        if (!log.rows.empty()) Flip(in, log.rows[row].salt);
        break;
      case 2:
        if (!log.rows.empty()) Flip(in, log.rows[row].commitment);
        break;
      case 3:
        if (!log.rows.empty()) {
          log.rows[row].event = in.ConsumeRandomLengthString(512);
        }
        break;
      case 4:
        if (!log.rows.empty()) log.rows.erase(log.rows.begin() + row);
        break;
      case 5:
        if (log.rows.size() > 1) {
          std::swap(log.rows[row], log.rows[in.ConsumeIntegralInRange<size_t>(
                                       0, log.rows.size() - 1)]);
        }
        break;
      case 6:
        if (!log.rows.empty()) {
          log.rows[row].index = in.ConsumeIntegral<uint64_t>();
        }
        break;
      case 7:
        if (!log.rows.empty()) {
          log.rows[row].actor_partner_id = in.ConsumeRandomLengthString(16);
          log.rows[row].time_ms = in.ConsumeIntegral<int64_t>();
        }
        break;
      case 8:
        if (!log.nodes.empty()) {
          AuditNode& node = log.nodes[in.ConsumeIntegralInRange<size_t>(
              0, log.nodes.size() - 1)];
          Flip(in, node.hash);
          node.level = in.ConsumeIntegralInRange<int>(-2, 70);
          node.index = in.ConsumeIntegral<uint64_t>();
        }
        break;
      case 9:
        if (!log.checkpoints.empty()) {
          AuditCheckpointRow& c =
              log.checkpoints[in.ConsumeIntegralInRange<size_t>(
                  0, log.checkpoints.size() - 1)];
          if (in.ConsumeBool()) {
            Flip(in, c.body);
          } else {
            c.body = in.ConsumeRandomLengthString(256);
          }
          c.tree_size = in.ConsumeIntegral<uint64_t>();
        }
        break;
      case 10:
        log.size = in.ConsumeIntegralInRange<uint64_t>(0, 64);
        break;
      case 11: {
        hub::audit::SignedCheckpoint forged;
        forged.body = in.ConsumeRandomLengthString(256);
        forged.signature = in.ConsumeRandomLengthString(80);
        held.push_back(std::move(forged));
        break;
      }
    }
  }

  LogStore store(log);
  const bool verified =
      hub::audit::VerifyStoredLog(store, *world->key, held).ok();

  // Teeth: a payload or commitment of a signed event changed, the row still
  // holding a payload, the stored checkpoints untouched.
  bool signed_payload_changed = false;
  const bool checkpoints_untouched =
      log.checkpoints.size() == world->log.checkpoints.size();
  for (const AuditRow& r : log.rows) {
    if (r.index >= world->signed_size || r.event.empty()) continue;
    const AuditRow& was = world->log.rows[r.index];
    signed_payload_changed |= r.event != was.event || r.salt != was.salt ||
                              r.commitment != was.commitment;
  }
  if (checkpoints_untouched && signed_payload_changed && verified) {
    std::abort();  // a rewritten signed event went unnoticed
  }
  return 0;
}
