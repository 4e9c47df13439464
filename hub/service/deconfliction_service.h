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

class DeconflictionService final
    : public prevent::hub::v1::DeconflictionService::CallbackService {
 public:
  // Every argument must outlive the service.
  DeconflictionService(const CallRunner* runner, store::RecordStore* store,
                       RecordLocks* locks,
                       const deconfliction::MatchIndex* index)
      : runner_(runner), store_(store), locks_(locks), index_(index) {}

  grpc::ServerUnaryReactor* Check(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::DeconflictionQuery* request,
      prevent::hub::v1::DeconflictionAnswer* response) override;
  // One query at a time: each is read, checked on a worker and audited as
  // its own call, and its answer written before the next is read.
  grpc::ServerBidiReactor<prevent::hub::v1::DeconflictionQuery,
                          prevent::hub::v1::DeconflictionAnswer>*
  CheckBatch(grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* RecordOutcome(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::RecordOutcomeRequest* request,
      prevent::hub::v1::RecordOutcomeResponse* response) override;
  grpc::ServerUnaryReactor* GetStatus(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetDeconflictionStatusRequest* request,
      prevent::hub::v1::GetDeconflictionStatusResponse* response) override;

 private:
  class CheckBatchReactor;

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
