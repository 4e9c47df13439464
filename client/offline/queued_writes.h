// The writes hubctl may make while the hub is out of reach (issue 8;
// docs/offline.md): queued in the outbox with their request id, sent by the
// next `hubctl sync`, and applied by the hub once however often they are
// sent.
#ifndef HUB_CLIENT_OFFLINE_QUEUED_WRITES_H_
#define HUB_CLIENT_OFFLINE_QUEUED_WRITES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/hub_client.h"
#include "client/outbox/outbox.h"
#include "common/clock.h"
#include "google/protobuf/message.h"
#include "proto/config.pb.h"

namespace hub::client {

// The RPCs an outbox entry may name.
inline constexpr char kSubmitReferralMethod[] =
    "/prevent.hub.v1.ReferralService/Submit";
inline constexpr char kTransitionReferralMethod[] =
    "/prevent.hub.v1.ReferralService/Transition";
inline constexpr char kAttestPurgeMethod[] =
    "/prevent.hub.v1.BriefingService/AttestPurge";

// True for a failure after which the hub may not have the write: it could
// not be reached (UNAVAILABLE, DEADLINE_EXCEEDED).
bool Unreachable(const absl::Status& status);

// Sends the queued `entry` to the hub with its own request id. Returns what
// the hub did (e.g. "submitted PRV-WXC-2026-000001"), or the hub's error.
absl::StatusOr<std::string> SendQueued(
    HubClient& hub, const prevent::client::v1::OutboxEntry& entry);

// Queues `request` (a write to `method` with `request_id`) in `outbox`.
// An entry already queued under the same request id is kept as it is.
absl::Status Queue(Outbox& outbox, absl::string_view method,
                   const google::protobuf::Message& request,
                   absl::string_view request_id, absl::string_view summary,
                   absl::Time now);

// The attestation that the caller deleted their copy of briefing
// `briefing_id`, with a request id of its own that is the same every time,
// so a purge ordered twice is queued once.
prevent::hub::v1::AttestPurgeRequest AttestationFor(
    absl::string_view briefing_id);

// Queues `attestation` (AttestationFor); one already queued is kept.
absl::Status QueueAttestation(
    Outbox& outbox, const prevent::hub::v1::AttestPurgeRequest& attestation,
    absl::Time now);

// For a write the hub could not be reached for (`failure`): queues it in
// the profile's outbox (asking for the cache passphrase) and returns
// UNAVAILABLE saying it was queued for the next `hubctl sync` (exit 3). If
// it cannot be queued, `failure` with the retry hint and the reason.
absl::Status QueueForSync(const prevent::config::v1::ClientProfile& profile,
                          const common::Clock* clock, absl::string_view method,
                          const google::protobuf::Message& request,
                          absl::string_view request_id,
                          absl::string_view summary,
                          const absl::Status& failure);

}  // namespace hub::client

#endif  // HUB_CLIENT_OFFLINE_QUEUED_WRITES_H_
