// DeconflictionService (SPEC §2.3, §3.9): the CT gateway's check of the
// person a referral is about against everyone the hub holds records about,
// the outcome it records, and the status the council and the MASH see.
// Candidates and the police result reach only the police (P08); to anyone
// else a check is NOT_FOUND, as for a missing referral, and the status they
// may read is the same whatever the hub holds. Each check is audited as
// COMBINE and counted against the rule's daily query limit. Thread-safe.
#ifndef HUB_SERVICE_DECONFLICTION_SERVICE_H_
#define HUB_SERVICE_DECONFLICTION_SERVICE_H_

#include "hub/deconfliction/match_index.h"
#include "hub/service/call_runner.h"
#include "hub/service/record_locks.h"
#include "hub/store/record_store.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

// GetStatus on gRPC's callback API; the calls that may wait for another
// call's commit, and the stream, on the synchronous one (CallRunner).
using DeconflictionServiceBase =
    prevent::hub::v1::DeconflictionService::WithCallbackMethod_GetStatus<
        prevent::hub::v1::DeconflictionService::Service>;

class DeconflictionService final : public DeconflictionServiceBase {
 public:
  // Every argument must outlive the service.
  DeconflictionService(const CallRunner* runner, store::RecordStore* store,
                       RecordLocks* locks,
                       const deconfliction::MatchIndex* index)
      : runner_(runner), store_(store), locks_(locks), index_(index) {}

  grpc::Status Check(grpc::ServerContext* context,
                     const prevent::hub::v1::DeconflictionQuery* request,
                     prevent::hub::v1::DeconflictionAnswer* response) override;
  grpc::Status CheckBatch(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<prevent::hub::v1::DeconflictionAnswer,
                               prevent::hub::v1::DeconflictionQuery>* stream)
      override;
  grpc::Status RecordOutcome(
      grpc::ServerContext* context,
      const prevent::hub::v1::RecordOutcomeRequest* request,
      prevent::hub::v1::RecordOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* GetStatus(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetDeconflictionStatusRequest* request,
      prevent::hub::v1::GetDeconflictionStatusResponse* response) override;

 private:
  // One check, for Check and each query of CheckBatch.
  absl::Status CheckOne(Call& call,
                        const prevent::hub::v1::DeconflictionQuery& query,
                        prevent::hub::v1::DeconflictionAnswer* answer);

  const CallRunner* const runner_;
  store::RecordStore* const store_;
  RecordLocks* const locks_;
  const deconfliction::MatchIndex* const index_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_DECONFLICTION_SERVICE_H_
