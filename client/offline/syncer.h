// `hubctl sync` (issue 8; docs/offline.md): pushes the outbox, then pulls
// what the user may hold from the hub into the encrypted cache, then sends
// the purge attestations the pull called for. Each pulled batch and the
// cursor (the items held) commit in one transaction, so a sync cut off at
// any point resumes where it stopped. Purge orders are applied before new
// items; items whose expiry has passed on this device's clock are deleted
// before anything is sent. Not thread-safe.
#ifndef HUB_CLIENT_OFFLINE_SYNCER_H_
#define HUB_CLIENT_OFFLINE_SYNCER_H_

#include <functional>

#include "absl/status/status.h"
#include "client/audit_trust.h"
#include "client/hub_client.h"
#include "client/offline/device_store.h"
#include "common/clock.h"
#include "proto/client.pb.h"

namespace hub::client {

struct SyncOptions {
  int batch_size = 0;  // 0: the hub's default
  // Called after each batch: items and purge orders applied so far in this
  // pull, and the pull's total.
  std::function<void(int applied, int total)> progress;
  // Tests only: stop after this many batches of a pull, as if the client
  // were killed there (0: no limit).
  int stop_after_batches = 0;
};

class Syncer {
 public:
  // All must outlive the syncer. `trust` may be null when the profile names
  // no audit key; the hub's checkpoints are then not verified.
  Syncer(HubClient* hub, DeviceStore* device, AuditTrust* trust,
         const common::Clock* clock)
      : hub_(hub), device_(device), trust_(trust), clock_(clock) {}

  // Push, Pull, Push; `summary` says what was done, whatever the result.
  // UNAVAILABLE if the hub could not be reached (queued writes stay
  // queued); PERMISSION_DENIED after wiping the cache if the hub no longer
  // recognises this user (revoked, suspended, or their partner offboarded;
  // queued writes are kept); DATA_LOSS if the hub's audit log does not
  // extend what this device saw.
  absl::Status Sync(const SyncOptions& options,
                    prevent::client::v1::SyncSummary& summary);

  // Sends every queued write, oldest first. A write the hub refuses is
  // kept with its reason; one it cannot be reached for stops the push.
  absl::Status Push(prevent::client::v1::SyncSummary& summary);

  // Deletes what expired on this device, then pulls until the hub has no
  // more changes.
  absl::Status Pull(const SyncOptions& options,
                    prevent::client::v1::SyncSummary& summary);

 private:
  // Queues the attestation that the briefing `id` was deleted.
  absl::Status QueueAttestation(const std::string& briefing_id);
  // Wipes the cache after the hub refused this user `refusal`.
  absl::Status WipeFor(const absl::Status& refusal,
                       prevent::client::v1::SyncSummary& summary);

  HubClient* const hub_;
  DeviceStore* const device_;
  AuditTrust* const trust_;
  const common::Clock* const clock_;
};

}  // namespace hub::client

#endif  // HUB_CLIENT_OFFLINE_SYNCER_H_
