// BriefingService (SPEC §2.5, §3.11; docs/briefings.md): the CTLP owner
// publishes, supersedes and withdraws briefings; every recipient the
// agreements' BRIEFING rules name gets a copy of its audience's variant,
// accepts the handling conditions, reads its own rendition, assembled at the
// hub from that audience's bodies alone, and attests the purge once the
// briefing expires or ends; the owner and the coordinator see where every
// copy stands (AQ5). A briefing the caller has no copy of is NOT_FOUND, as a
// missing one. Publishing (owner side) is in briefing_service.cc, the
// recipient's side in briefing_copies.cc. Thread-safe.
#ifndef HUB_SERVICE_BRIEFING_SERVICE_H_
#define HUB_SERVICE_BRIEFING_SERVICE_H_

#include <optional>

#include "hub/service/briefing_records.h"
#include "hub/service/call_runner.h"
#include "hub/service/record_locks.h"
#include "hub/store/record_store.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

class BriefingService final
    : public prevent::hub::v1::BriefingService::CallbackService {
 public:
  // Every argument must outlive the service.
  BriefingService(const CallRunner* runner, store::RecordStore* store,
                  RecordLocks* locks)
      : runner_(runner), store_(store), locks_(locks) {}

  grpc::ServerUnaryReactor* Publish(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::PublishBriefingRequest* request,
      prevent::hub::v1::PublishBriefingResponse* response) override;
  grpc::ServerUnaryReactor* Supersede(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::SupersedeBriefingRequest* request,
      prevent::hub::v1::PublishBriefingResponse* response) override;
  grpc::ServerUnaryReactor* Withdraw(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::WithdrawBriefingRequest* request,
      prevent::hub::v1::WithdrawBriefingResponse* response) override;
  grpc::ServerUnaryReactor* DeliveryStatus(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::BriefingDeliveryStatusRequest* request,
      prevent::hub::v1::BriefingDeliveryStatusResponse* response) override;

  grpc::ServerUnaryReactor* List(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ListBriefingsRequest* request,
      prevent::hub::v1::ListBriefingsResponse* response) override;
  grpc::ServerUnaryReactor* Acknowledge(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::AcknowledgeBriefingRequest* request,
      prevent::hub::v1::AcknowledgeBriefingResponse* response) override;
  grpc::ServerUnaryReactor* Read(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ReadBriefingRequest* request,
      prevent::hub::v1::ReadBriefingResponse* response) override;
  grpc::ServerUnaryReactor* AttestPurge(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::AttestPurgeRequest* request,
      prevent::hub::v1::AttestPurgeResponse* response) override;

 private:
  // The caller's copy of a briefing, read under its lock.
  struct Copy {
    StoredBriefing stored;
    store::BriefingDeliveryRow row;
  };

  // The owner side's briefing `id`, read under its lock, once the caller's
  // partner is its owner and the policy lets them send it; NOT_FOUND
  // otherwise, as for a missing briefing.
  absl::StatusOr<StoredBriefing> OwnBriefing(
      Call& call, const prevent::hub::v1::RequestContext& context,
      absl::string_view id);

  // The caller's copy of `briefing_id`, read under its lock, once the policy
  // lets them READ it for context.purpose; NOT_FOUND otherwise, as for a
  // missing briefing.
  absl::StatusOr<Copy> OpenCopy(Call& call,
                                const prevent::hub::v1::RequestContext& context,
                                absl::string_view briefing_id);

  const CallRunner* const runner_;
  store::RecordStore* const store_;
  RecordLocks* const locks_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_BRIEFING_SERVICE_H_
