#include "hub/service/information_records.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace hub::service {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using Request = rec::InformationRequest;

absl::StatusOr<StoredRequest> ParseRequest(store::InformationRequestRow row) {
  StoredRequest stored;
  if (!stored.exchange.ParseFromString(row.record)) {
    return absl::DataLossError(
        absl::StrCat("information request ", row.id, " is stored damaged"));
  }
  stored.row = std::move(row);
  return stored;
}

Request::State StateAt(const store::InformationRequestRow& row,
                       absl::Time now) {
  if (row.state == Request::SENT && absl::ToUnixMillis(now) >= row.due_ms) {
    return Request::EXPIRED;
  }
  return static_cast<Request::State>(row.state);
}

policy::Resource RequestResource(const StoredRequest& request,
                                 const StoredReferral& referral) {
  policy::Resource resource;
  resource.record = pb::INFORMATION;
  resource.id = request.row.id;
  resource.source_partner_id =
      request.exchange.information_request().requester_partner_id();
  resource.owner_principal_id = request.row.requester_principal_id;
  resource.addressed_partner_id = request.row.recipient_partner_id;
  resource.area = referral.row.area;
  resource.state = static_cast<pb::ReferralState>(referral.row.state);
  return resource;
}

policy::Resource AnswerResource(const StoredRequest& request,
                                const StoredReferral& referral,
                                const rec::InformationResponse& answer) {
  policy::Resource resource;
  resource.record = pb::INFORMATION;
  resource.id = request.row.id;
  resource.source_partner_id = request.row.recipient_partner_id;
  resource.addressed_partner_id = request.row.recipient_partner_id;
  resource.area = referral.row.area;
  resource.state = static_cast<pb::ReferralState>(referral.row.state);
  const auto consent = answer.consent_decision();
  resource.consent_decision_recorded =
      consent != rec::InformationResponse::CONSENT_DECISION_UNSPECIFIED;
  resource.consent_given = consent == rec::InformationResponse::SOUGHT_GIVEN;
  resource.public_interest_justification =
      !answer.public_interest_justification().empty();
  resource.caldicott_approval = !answer.ig_or_caldicott_approver().empty();
  return resource;
}

std::optional<rec::CaseFile> InformationView(
    const AuthenticatedPeer& peer, policy::Action action,
    policy::Purpose purpose, bool has_justification,
    const StoredRequest& stored, const StoredReferral& about, absl::Time now,
    bool* answer_released) {
  const policy::Decision asked =
      DecideFor(peer, action, RequestResource(stored, about), purpose,
                has_justification, now);
  if (!asked.allowed) return std::nullopt;
  rec::CaseFile view;
  *view.mutable_subject() = about.file.subject();
  view.mutable_referral()->set_referral_ref(about.row.ref);
  *view.mutable_information_request() = stored.exchange.information_request();
  view.mutable_information_request()->set_state(StateAt(stored.row, now));
  asked.fields().Apply(&view);
  if (stored.exchange.has_information_response()) {
    // The answer, as the policy releases it from the answering partner.
    rec::CaseFile answer;
    *answer.mutable_information_response() =
        stored.exchange.information_response();
    const policy::Decision given =
        DecideFor(peer, pb::READ,
                  AnswerResource(stored, about, answer.information_response()),
                  purpose, has_justification, now);
    given.fields().Apply(&answer);
    if (answer.has_information_response()) {
      *view.mutable_information_response() =
          std::move(*answer.mutable_information_response());
      *answer_released = true;
    }
  }
  return view;
}

}  // namespace hub::service
