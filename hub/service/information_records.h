// What the handlers that show information requests share: a stored request
// with its answer parsed, the facts the policy engine needs of each side,
// and the view of one request its reader is given. Internal to hub/service.
#ifndef HUB_SERVICE_INFORMATION_RECORDS_H_
#define HUB_SERVICE_INFORMATION_RECORDS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hub/service/call_runner.h"
#include "hub/service/referral_records.h"
#include "hub/store/record_store.h"
#include "policy/decide.h"
#include "proto/records.pb.h"

namespace hub::service {

// An information request as stored: the request and, once given, the
// answer.
struct StoredRequest {
  store::InformationRequestRow row;
  prevent::records::v1::CaseFile exchange;  // request and response
};

absl::StatusOr<StoredRequest> ParseRequest(store::InformationRequestRow row);

// What a reader is told of the request's state: one past its due date with
// no answer has EXPIRED.
prevent::records::v1::InformationRequest::State StateAt(
    const store::InformationRequestRow& row, absl::Time now);

// The request side, whose source is the requester's partner.
policy::Resource RequestResource(const StoredRequest& request,
                                 const StoredReferral& referral);

// The answer side, whose source is the answering partner, with the facts
// P13's requirements test.
policy::Resource AnswerResource(
    const StoredRequest& request, const StoredReferral& referral,
    const prevent::records::v1::InformationResponse& answer);

// The request `stored` on `about` as `peer` may see it by `action` for
// `purpose` at `now`: the subject, the referral's reference, the request,
// and the answer as the policy releases it from the answering partner;
// nullopt if the policy shows them nothing of it. Sets *answer_released if
// any of the answer is shown.
std::optional<prevent::records::v1::CaseFile> InformationView(
    const AuthenticatedPeer& peer, policy::Action action,
    policy::Purpose purpose, bool has_justification,
    const StoredRequest& stored, const StoredReferral& about, absl::Time now,
    bool* answer_released);

}  // namespace hub::service

#endif  // HUB_SERVICE_INFORMATION_RECORDS_H_
