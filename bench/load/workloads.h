// The calls hub_bench measures, as StartCalls for the load runner (spread
// round-robin over the channels given), and the workloads that are not a
// stream of unary calls: a full sync, and a reconnect storm.
#ifndef HUB_BENCH_LOAD_WORKLOADS_H_
#define HUB_BENCH_LOAD_WORKLOADS_H_

#include <grpcpp/channel.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load/load_runner.h"
#include "proto/hub.pb.h"
#include "proto/records.pb.h"

namespace hub::bench {

using ChannelList = std::vector<std::shared_ptr<grpc::Channel>>;

// bench_echo's Echo with a `payload_bytes` payload.
StartCall EchoCalls(const ChannelList& channels, int payload_bytes);

// IdentityService.WhoAmI: identity, policy (S01) and one audit event.
StartCall WhoAmICalls(const ChannelList& channels);

// ReferralService.Get of `referral` for `purpose`: identity, a read, the
// policy's projection and one audit event.
StartCall GetCalls(const ChannelList& channels, std::string referral,
                   prevent::policy::v1::Purpose purpose);

// Fills in the n-th submission of a run; called from many threads.
using MakeSubmission =
    std::function<void(int64_t n, prevent::records::v1::ReferralSubmission*)>;

// ReferralService.Submit of what `make` gives, each call with a new request
// id (`id_prefix` and a count): a durable write, indexing for
// deconfliction and one audit event.
StartCall SubmitCalls(const ChannelList& channels, MakeSubmission make,
                      std::string id_prefix);

// DeconflictionService.Check on `referral`, as the CT gateway, for each of
// `queries` in turn (their referral and context are set here).
StartCall CheckCalls(const ChannelList& channels, std::string referral,
                     std::vector<prevent::hub::v1::DeconflictionQuery> queries);

struct SyncResult {
  int64_t items = 0;    // items and purge orders received
  int64_t batches = 0;  // stream messages
  int64_t pulls = 0;    // calls of Pull
  double seconds = 0;
  prevent::hub::v1::SyncCursor cursor;  // what the device holds after it
};

// Pulls, as a device holding `cursor`, until the hub has nothing more
// (SyncService.Pull, `batch_size` items a batch), keeping what it sends.
absl::StatusOr<SyncResult> Sync(const std::shared_ptr<grpc::Channel>& channel,
                                prevent::hub::v1::SyncCursor cursor,
                                int batch_size);

struct StormResult {
  double seconds = 0;  // from the first connection started to the last answer
  LoadResult calls;    // each client's latency: connection, handshake, call
};

// `clients` new channels at once, from `connect` (each its own connection),
// each making one WhoAmI.
absl::StatusOr<StormResult> ReconnectStorm(
    int clients,
    const std::function<absl::StatusOr<std::shared_ptr<grpc::Channel>>(int)>&
        connect);

}  // namespace hub::bench

#endif  // HUB_BENCH_LOAD_WORKLOADS_H_
