// AuditTrust is what this hubctl knows of the hub's audit log, kept in the
// profile directory: every signed checkpoint the hub has shown it
// (audit_checkpoints) and the events it fetched (audit_seen). On each
// contact it fetches the hub's latest checkpoint and proves that it extends
// the latest one held, so a hub whose log was rewritten, rolled back to an
// older copy or forked (shown differently to different partners) is caught
// by any partner who saw the earlier history (docs/audit.md).
#ifndef HUB_CLIENT_AUDIT_TRUST_H_
#define HUB_CLIENT_AUDIT_TRUST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/hub_client.h"
#include "common/ed25519.h"
#include "hub/audit/checkpoint.h"
#include "hub/audit/merkle.h"
#include "proto/config.pb.h"

namespace hub::client {

// An event this client fetched: its index and leaf hash.
struct SeenEvent {
  uint64_t index = 0;
  audit::Hash leaf{};
};

// What VerifyAll checked.
struct TrustReport {
  audit::Checkpoint latest;
  int checkpoints = 0;  // held checkpoints proved consistent with `latest`
  int events = 0;       // fetched events proved included in `latest`
};

class AuditTrust {
 public:
  // Reads the hub's audit public key (profile.audit_public_key_file) and the
  // state in `profile_dir`. FAILED_PRECONDITION if the key cannot be read;
  // DATA_LOSS if the state files are corrupt.
  static absl::StatusOr<AuditTrust> Load(
      const prevent::config::v1::ClientProfile& profile,
      const std::string& profile_dir);

  const common::Ed25519PublicKey& key() const { return key_; }

  // Fetches the hub's latest checkpoint, checks its signature and that it
  // extends the latest held one (a consistency proof), and keeps it.
  // DATA_LOSS saying what failed if the hub's log does not extend what this
  // client saw before; the hub's own errors otherwise.
  absl::StatusOr<audit::Checkpoint> Refresh(HubClient& client);

  // The tree size of the latest checkpoint held; 0 if none.
  uint64_t known_tree_size() const;

  // Checks `answer` (a signed checkpoint with the proof that it extends
  // known_tree_size(), as GetCheckpoint and a sync send it) as Refresh
  // does, and keeps it.
  absl::StatusOr<audit::Checkpoint> Accept(
      const prevent::records::v1::AuditProof& answer);

  // The DATA_LOSS error for a hub that refuses to prove its log extends the
  // latest checkpoint held (OUT_OF_RANGE): its log was rolled back.
  // REQUIRES: known_tree_size() > 0.
  absl::Status RolledBack() const;

  // Refresh(), then proves every held checkpoint consistent with the latest
  // and every fetched event included in it. DATA_LOSS on any failure.
  absl::StatusOr<TrustReport> VerifyAll(HubClient& client);

  // The latest checkpoint held, as signed. REQUIRES: Refresh() succeeded.
  const audit::SignedCheckpoint& latest_signed() const { return held_.back(); }

  // Remembers fetched events, for later VerifyAll() calls.
  absl::Status RememberSeen(const std::vector<SeenEvent>& events);

 private:
  AuditTrust(common::Ed25519PublicKey key, std::string dir)
      : key_(std::move(key)), dir_(std::move(dir)) {}

  absl::Status Save() const;
  // Checks `proof` shows `old` is a prefix of `latest`.
  absl::Status CheckExtends(const audit::Checkpoint& old,
                            const audit::Checkpoint& latest,
                            const std::vector<audit::Hash>& proof) const;

  common::Ed25519PublicKey key_;
  std::string dir_;
  // Held checkpoints, oldest first, with their parsed form.
  std::vector<audit::SignedCheckpoint> held_;
  std::vector<audit::Checkpoint> parsed_;
  std::vector<SeenEvent> seen_;
};

// What every command that reached the hub does last: Load() and Refresh(),
// so each contact checks the hub's log still extends what this client saw.
absl::Status CheckHubAuditLog(const prevent::config::v1::ClientProfile& profile,
                              const std::string& profile_dir,
                              HubClient& client);

// The hashes of a proof as sent on the wire (or in an export); DATA_LOSS if
// one is not 32 bytes.
absl::StatusOr<std::vector<audit::Hash>> ProofHashes(
    const google::protobuf::RepeatedPtrField<std::string>& proof);

}  // namespace hub::client

#endif  // HUB_CLIENT_AUDIT_TRUST_H_
