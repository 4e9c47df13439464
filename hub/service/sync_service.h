// SyncService (SPEC P24, issue 8; docs/offline.md): what a partner's device
// may hold offline. Pull compares the device's cursor (the version of every
// item it holds) with what the policy lets the caller hold now, and streams
// the difference: new or changed items first checked one by one by the
// policy, then purge orders for what the device must delete. The whole
// answer is decided, and its audit event committed, before the first batch
// leaves. Thread-safe.
#ifndef HUB_SERVICE_SYNC_SERVICE_H_
#define HUB_SERVICE_SYNC_SERVICE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "hub/audit/audit_log.h"
#include "hub/service/call_runner.h"
#include "hub/store/record_store.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

class SyncService final
    : public prevent::hub::v1::SyncService::CallbackService {
 public:
  // Most items and purge orders one pull carries; a device with more to
  // change is told to pull again (SyncBatch.more).
  static constexpr int kMaxChangesPerPull = 5000;

  // All must outlive the service.
  SyncService(const CallRunner* runner, store::RecordStore* store,
              audit::AuditLog* log)
      : runner_(runner), store_(store), log_(log) {}

  // The answer is worked out and audited on a worker; its batches are then
  // written one at a time, each once the last has gone.
  grpc::ServerWriteReactor<prevent::hub::v1::SyncBatch>* Pull(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::PullRequest* request) override;

 private:
  class PullReactor;

  // Pull's body: decides and audits (through `call`) what `request`'s
  // device must change, as the batches to send.
  absl::Status Answer(Call& call, const prevent::hub::v1::PullRequest& request,
                      std::vector<prevent::hub::v1::SyncBatch>& batches);

  // What the caller may hold now: items, and the briefings whose copies
  // ended (purge orders the device must attest, held or not).
  using Key = std::pair<int, std::string>;  // kind, id
  struct View {
    // Items to compare with the cursor, and send if new or changed.
    std::vector<prevent::hub::v1::SyncItem> items;
    // Items the caller may hold that the device holds unchanged, and
    // changes past this pull's cap: kept (no purge order), not sent.
    std::vector<Key> unchanged;
    std::vector<Key> past_cap;
    std::vector<prevent::hub::v1::PurgeOrder> ended;
  };
  // The version of each item the device holds.
  using Held = absl::flat_hash_map<Key, std::string>;
  // Whether the device holds `key` at `version`.
  static bool Holds(const Held& held, const Key& key,
                    const std::string& version) {
    auto it = held.find(key);
    return it != held.end() && it->second == version;
  }

  absl::Status AddReferrals(const Call& call, const Held& held, View& view);
  absl::Status AddInformationRequests(const Call& call, View& view);
  absl::Status AddBriefings(const Call& call, View& view,
                            store::RecordWrite& write);

  const CallRunner* const runner_;
  store::RecordStore* const store_;
  audit::AuditLog* const log_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_SYNC_SERVICE_H_
