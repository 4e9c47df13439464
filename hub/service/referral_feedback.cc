// ReferralService: feedback to the referrer (P19; SPEC §3.12). The gateway
// decision queues it; the CT gateway approves a code, because feedback "is
// not always possible due to case sensitivities"; the coordinator releases
// that code, with text of their own, into referral.feedback, which is all
// the referrer ever sees.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/referrals/lifecycle.h"
#include "hub/service/referral_service.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Review = rec::FeedbackReview;
using Feedback = rec::ReferrerFeedback;

constexpr char kApproveFeedback[] =
    "/prevent.hub.v1.ReferralService/ApproveFeedback";
constexpr char kReleaseFeedback[] =
    "/prevent.hub.v1.ReferralService/ReleaseFeedback";

constexpr int64_t kMaxFreeTextChars = 300;

absl::Status CheckCode(Feedback::Code code) {
  if (code == Feedback::CODE_UNSPECIFIED || !Feedback::Code_IsValid(code)) {
    return absl::InvalidArgumentError(
        "code: give an approved feedback code: NO_FURTHER_PREVENT_ACTION, "
        "SIGNPOSTED_TO_OTHER_SUPPORT, BEING_SUPPORTED or "
        "UNABLE_TO_PROVIDE_DETAIL");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ReferralService::ApproveFeedback(
    grpc::CallbackServerContext* context,
    const api::ApproveFeedbackRequest* request,
    api::ApproveFeedbackResponse* response) {
  return runner_->RunOnWorker(
      kApproveFeedback, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        RETURN_IF_ERROR(CheckCode(request->code()));
        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kApproveFeedback, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat
        RETURN_IF_ERROR(RequirePurpose(call, ctx, pb::REFERRER_FEEDBACK,
                                       "approving feedback (P19)"));
        const AuthenticatedPeer& peer = call.peer();
        if (!HasRole(*peer.principal, pb::CT_GATEWAY_OFFICER)) {
          return call.Deny(pb::ROLE_NOT_IN_RULE,
                           "feedback to the referrer is approved by the CT "
                           "gateway (CT_GATEWAY_OFFICER) (P19)");
        }
        rec::CaseFile file = found->file;
        Review& review = *file.mutable_feedback_review();
        if (review.status() == Review::STATUS_UNSPECIFIED) {
          return absl::FailedPreconditionError(
              "referral: feedback is queued by the gateway decision (T6); this "
              "referral has none to approve yet");
        }
        if (review.status() == Review::RELEASED) {
          return absl::FailedPreconditionError(
              "referral: the feedback was released already and cannot be "
              "changed");
        }
        review.set_status(Review::APPROVED);
        review.set_code(request->code());
        review.set_approved_by(peer.principal->id());
        SetTime(call.now(), review.mutable_approved_at());

        const auto state = static_cast<pb::ReferralState>(found->row.state);
        response->set_referral_ref(found->row.ref);
        response->set_status(Review::APPROVED);
        SetReferralWrite(call, *found, file, state, kApproveFeedback, ctx,
                         *response);
        call.SetFields({"feedback_review"});
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReferralService::ReleaseFeedback(
    grpc::CallbackServerContext* context,
    const api::ReleaseFeedbackRequest* request,
    api::ReleaseFeedbackResponse* response) {
  return runner_->RunOnWorker(
      kReleaseFeedback, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        RETURN_IF_ERROR(CheckCode(request->code()));
        RETURN_IF_ERROR(CheckText("free_text", request->free_text(),
                                  kMaxFreeTextChars, /*optional=*/true));
        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kReleaseFeedback, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat
        RETURN_IF_ERROR(RequirePurpose(call, ctx, pb::REFERRER_FEEDBACK,
                                       "releasing feedback (P19)"));
        const AuthenticatedPeer& peer = call.peer();
        if (!HasRole(*peer.principal, pb::LA_PREVENT_COORDINATOR)) {
          return call.Deny(pb::ROLE_NOT_IN_RULE,
                           "approved feedback is released to the referrer by "
                           "the Prevent coordinator (LA_PREVENT_COORDINATOR) "
                           "(P19)");
        }
        rec::CaseFile file = found->file;
        Review& review = *file.mutable_feedback_review();
        if (review.status() != Review::APPROVED) {
          return absl::FailedPreconditionError(absl::StrCat(
              "referral: the feedback is ",
              review.status() == Review::STATUS_UNSPECIFIED
                  ? "not queued yet (the gateway decision queues it)"
                  : Review::Status_Name(review.status()),
              "; only feedback the CT gateway approved can be released (P19)"));
        }
        if (request->code() != review.code()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "code: the CT gateway approved ",
              Feedback::Code_Name(review.code()),
              "; release that code, or ask the gateway to approve another"));
        }
        review.set_status(Review::RELEASED);
        rec::Referral& referral = *file.mutable_referral();
        Feedback& feedback = *referral.mutable_feedback();
        feedback.set_code(review.code());
        SetTime(call.now(), feedback.mutable_released_at());
        feedback.set_free_text(request->free_text());
        const auto state = static_cast<pb::ReferralState>(found->row.state);
        referral.set_status_bucket(referrals::BucketFor(state, true));

        response->set_referral_ref(found->row.ref);
        response->set_status_bucket(referral.status_bucket());
        SetReferralWrite(call, *found, file, state, kReleaseFeedback, ctx,
                         *response);
        // The feedback is disclosed to the referrer.
        call.SetOperation(prevent::audit::v1::DISCLOSE);
        call.AddRecipient(found->row.source_partner_id,
                          found->row.referrer_principal_id);
        call.SetFields({"referral.feedback", "referral.status_bucket"});
        return absl::OkStatus();
      });
}

}  // namespace hub::service
