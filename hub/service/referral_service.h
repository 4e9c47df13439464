// ReferralService: submit, read, list and move referrals (SPEC §2.1). Every
// answer is projected by the policy for the caller and purpose; a referral
// the caller may not see is NOT_FOUND, exactly as one that does not exist.
// Each data change commits with its call's audit event; a change to one
// referral (or one request id) is never interleaved with another.
// Thread-safe.
#ifndef HUB_SERVICE_REFERRAL_SERVICE_H_
#define HUB_SERVICE_REFERRAL_SERVICE_H_

#include <optional>

#include "absl/strings/string_view.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/deconfliction/match_index.h"
#include "hub/referrals/reference.h"
#include "hub/service/call_runner.h"
#include "hub/service/record_locks.h"
#include "hub/service/referral_records.h"
#include "hub/store/record_store.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

class ReferralService final
    : public prevent::hub::v1::ReferralService::CallbackService {
 public:
  // Every argument must outlive the service. `index` gives each new
  // referral's subject its deconfliction index entry, stored with it.
  ReferralService(const CallRunner* runner, store::RecordStore* store,
                  const audit::Pseudonymizer* pseudonymizer, RecordLocks* locks,
                  const deconfliction::MatchIndex* index)
      : runner_(runner),
        store_(store),
        pseudonymizer_(pseudonymizer),
        locks_(locks),
        index_(index),
        sequencer_(store) {}

  grpc::ServerUnaryReactor* Submit(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::SubmitReferralRequest* request,
      prevent::hub::v1::SubmitReferralResponse* response) override;
  grpc::ServerUnaryReactor* Get(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::GetReferralRequest* request,
      prevent::hub::v1::GetReferralResponse* response) override;
  grpc::ServerUnaryReactor* List(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ListReferralsRequest* request,
      prevent::hub::v1::ListReferralsResponse* response) override;
  grpc::ServerUnaryReactor* Transition(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::TransitionReferralRequest* request,
      prevent::hub::v1::TransitionReferralResponse* response) override;

  // Information gathering (referral_information.cc).
  grpc::ServerUnaryReactor* RequestInformation(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::RequestInformationRequest* request,
      prevent::hub::v1::RequestInformationResponse* response) override;
  grpc::ServerUnaryReactor* RespondInformation(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::RespondInformationRequest* request,
      prevent::hub::v1::RespondInformationResponse* response) override;
  grpc::ServerUnaryReactor* ListInformationRequests(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ListInformationRequestsRequest* request,
      prevent::hub::v1::ListInformationRequestsResponse* response) override;

  // Panel and consent (referral_decisions.cc).
  grpc::ServerUnaryReactor* RecordPanelDecision(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::RecordPanelDecisionRequest* request,
      prevent::hub::v1::RecordPanelDecisionResponse* response) override;
  grpc::ServerUnaryReactor* RecordConsent(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::RecordConsentRequest* request,
      prevent::hub::v1::RecordConsentResponse* response) override;

  // Feedback to the referrer (referral_feedback.cc).
  grpc::ServerUnaryReactor* ApproveFeedback(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ApproveFeedbackRequest* request,
      prevent::hub::v1::ApproveFeedbackResponse* response) override;
  grpc::ServerUnaryReactor* ReleaseFeedback(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ReleaseFeedbackRequest* request,
      prevent::hub::v1::ReleaseFeedbackResponse* response) override;

 private:
  const CallRunner* const runner_;
  store::RecordStore* const store_;
  const audit::Pseudonymizer* const pseudonymizer_;
  RecordLocks* const locks_;
  const deconfliction::MatchIndex* const index_;
  referrals::ReferenceSequencer sequencer_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_REFERRAL_SERVICE_H_
