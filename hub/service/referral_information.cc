// ReferralService: information gathering (T7; SPEC §2.2, §3.8). The
// coordinator asks one partner questions about a referral; that partner,
// and no other, sees the request; its answer reaches the coordinator only as
// the policy allows for the answering partner (for the NHS, a consent
// decision or a public-interest justification with Caldicott approval,
// P13).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/audit/event_id.h"
#include "hub/service/information_records.h"
#include "hub/service/referral_service.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Request = rec::InformationRequest;

constexpr char kRequestInformation[] =
    "/prevent.hub.v1.ReferralService/RequestInformation";
constexpr char kRespondInformation[] =
    "/prevent.hub.v1.ReferralService/RespondInformation";
constexpr char kListInformationRequests[] =
    "/prevent.hub.v1.ReferralService/ListInformationRequests";

constexpr int kMaxQuestions = 20;
constexpr size_t kMaxQuestionId = 16;
constexpr int64_t kMaxQuestionChars = 500;
constexpr int64_t kMaxAnswerChars = 2000;
constexpr int64_t kMaxReasonChars = 1000;
constexpr int64_t kMaxJustificationChars = 2000;
constexpr size_t kMaxId = 64;
constexpr int kMaxListed = 500;
constexpr absl::Duration kMaxDue = absl::Hours(24 * 90);

absl::Status CheckQuestions(
    const google::protobuf::RepeatedPtrField<Request::Question>& questions) {
  if (questions.empty() || questions.size() > kMaxQuestions) {
    return absl::InvalidArgumentError(
        absl::StrCat("questions: ask 1 to ", kMaxQuestions,
                     " questions; the answer may only address those you ask"));
  }
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < questions.size(); ++i) {
    const Request::Question& q = questions[i];
    const std::string field = absl::StrCat("questions[", i, "]");
    bool id_ok = !q.q_id().empty() && q.q_id().size() <= kMaxQuestionId;
    for (char c : q.q_id()) {
      id_ok = id_ok && (absl::ascii_isalnum(c) || c == '-' || c == '_');
    }
    if (!id_ok) {
      return absl::InvalidArgumentError(absl::StrCat(
          field,
          ".q_id: give a short id of letters, digits, - or _ (e.g. Q1)"));
    }
    if (!ids.insert(q.q_id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".q_id: ", q.q_id(),
                       " is used twice; give each question "
                       "its own id"));
    }
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".text"), q.text(), kMaxQuestionChars));
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".field_hint"),
                              q.field_hint(), 100, /*optional=*/true));
  }
  return absl::OkStatus();
}

// SPEC §2.2: answers only to the request's own questions, each once; the
// NHS's consent decision or public-interest justification and approver
// (P13).
absl::Status CheckAnswer(const rec::InformationResponse& answer,
                         const Request& request, const AuthenticatedPeer& peer,
                         const policy::Policy& policy) {
  if (!answer.responding_partner_id().empty() ||
      !answer.responded_by().empty() || answer.has_responded_at() ||
      !answer.request_id().empty()) {
    return absl::InvalidArgumentError(
        "response: request_id, responding_partner_id, responded_by and "
        "responded_at are filled in by the hub; leave them out");
  }
  if (answer.answers().empty()) {
    return absl::InvalidArgumentError(
        "response.answers: answer at least one question (an answer may be "
        "no_trace), or give declined_reason instead");
  }
  absl::flat_hash_set<std::string> asked;
  for (const Request::Question& q : request.questions()) asked.insert(q.q_id());
  absl::flat_hash_set<std::string> answered;
  for (int i = 0; i < answer.answers_size(); ++i) {
    const auto& a = answer.answers(i);
    const std::string field = absl::StrCat("response.answers[", i, "]");
    if (!asked.contains(a.q_id())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".q_id: the request asks no question \"",
                       a.q_id(), "\"; answer only the questions asked"));
    }
    if (!answered.insert(a.q_id()).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ".q_id: ", a.q_id(), " is answered twice; answer once"));
    }
    RETURN_IF_ERROR(CheckText(absl::StrCat(field, ".text"), a.text(),
                              kMaxAnswerChars, /*optional=*/a.no_trace()));
  }
  using Response = rec::InformationResponse;
  if (!Response::ConsentDecision_IsValid(answer.consent_decision())) {
    return absl::InvalidArgumentError(
        "response.consent_decision: not a consent decision");
  }
  RETURN_IF_ERROR(CheckText("response.public_interest_justification",
                            answer.public_interest_justification(),
                            kMaxJustificationChars, /*optional=*/true));
  RETURN_IF_ERROR(CheckText("response.not_sought_reason",
                            answer.not_sought_reason(), kMaxReasonChars,
                            /*optional=*/true));
  if (peer.partner->type() != pb::Partner::NHS_TRUST) return absl::OkStatus();

  // P13: NHS confidentiality.
  if (answer.consent_decision() == Response::CONSENT_DECISION_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "response.consent_decision: an NHS answer records whether consent "
        "was sought: SOUGHT_GIVEN, SOUGHT_REFUSED or NOT_SOUGHT_REASON (P13)");
  }
  if (answer.consent_decision() == Response::NOT_SOUGHT_REASON &&
      answer.not_sought_reason().empty()) {
    return absl::InvalidArgumentError(
        "response.not_sought_reason: say why consent was not sought (P13)");
  }
  if (answer.consent_decision() == Response::SOUGHT_GIVEN) {
    return absl::OkStatus();
  }
  if (answer.public_interest_justification().empty()) {
    return absl::InvalidArgumentError(
        "response.public_interest_justification: sharing without consent "
        "needs the public-interest justification recorded (P13)");
  }
  const policy::Principal* approver =
      answer.ig_or_caldicott_approver().size() <= kMaxId
          ? policy.FindPrincipal(answer.ig_or_caldicott_approver())
          : nullptr;
  bool may_approve = false;
  if (approver != nullptr && approver->status() == pb::Principal::ACTIVE &&
      approver->partner_id() == peer.partner->id() &&
      approver->id() != peer.principal->id()) {
    for (int role : approver->roles()) {
      may_approve =
          may_approve || role == pb::CALDICOTT_APPROVER || role == pb::NHS_DPO;
    }
  }
  if (!may_approve) {
    return absl::InvalidArgumentError(
        "response.ig_or_caldicott_approver: sharing without consent needs "
        "the principal id of your trust's Caldicott guardian or IG lead "
        "(another person than the responder) who approved it (P13)");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ReferralService::RequestInformation(
    grpc::CallbackServerContext* context,
    const api::RequestInformationRequest* request,
    api::RequestInformationResponse* response) {
  return runner_->RunOnWorker(
      kRequestInformation, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        if (request->recipient_partner_id().empty() ||
            request->recipient_partner_id().size() > kMaxId) {
          return absl::InvalidArgumentError(
              "recipient_partner_id: name the partner to ask (e.g. P-NHS1)");
        }
        RETURN_IF_ERROR(
            CheckText("legal_gateway", request->legal_gateway(), 200));
        RETURN_IF_ERROR(CheckQuestions(request->questions()));
        const absl::Time due = absl::FromUnixMillis(request->due_by_unix_ms());
        if (due <= call.now() || due > call.now() + kMaxDue) {
          return absl::InvalidArgumentError(
              "due_by_unix_ms: give a deadline in the future, at most 90 "
              "days ahead");
        }

        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            LoadLocked(*store_, *locks_, call, request->referral()));
        RETURN_IF_ERROR(
            AuthorizeReferral(call, pb::READ, found, request->referral(), ctx));
        if (found->row.state != pb::INFO_GATHERING) {
          return absl::FailedPreconditionError(absl::StrCat(
              "referral: information requests are made while a referral is "
              "in INFO_GATHERING (T7); this one is in ",
              pb::ReferralState_Name(
                  static_cast<pb::ReferralState>(found->row.state))));
        }
        const AuthenticatedPeer& peer = call.peer();
        const policy::Partner* recipient =
            peer.policy->FindPartner(request->recipient_partner_id());
        bool serves_area = false;
        if (recipient != nullptr) {
          for (const std::string& area : recipient->areas()) {
            serves_area = serves_area || area == found->row.area;
          }
        }
        if (recipient == nullptr ||
            recipient->status() != pb::Partner::ACTIVE || !serves_area ||
            recipient->id() == peer.partner->id() ||
            recipient->type() == pb::Partner::CT_POLICE) {
          return absl::InvalidArgumentError(absl::StrCat(
              "recipient_partner_id: ", request->recipient_partner_id(),
              " is not an active partner serving area ", found->row.area,
              " that can be asked (the CT police hold the whole case "
              "already; your own partner needs no request)"));
        }

        // A retry is decided, and audited, against the request it made.
        ASSIGN_OR_RETURN(const bool replayed,
                         Replayed(*store_, call, kRequestInformation,
                                  ctx.request_id(), response));
        StoredRequest stored;
        stored.row.id =
            replayed ? response->request_id() : audit::NewEventId(call.now());
        stored.row.referral_id = found->row.id;
        stored.row.recipient_partner_id = recipient->id();
        stored.row.requester_principal_id = peer.principal->id();
        stored.exchange.mutable_information_request()->set_requester_partner_id(
            peer.partner->id());
        // T7: the disclosure of the questions to the addressed partner.
        RETURN_IF_ERROR(call.Authorize(pb::SEND,
                                       RequestResource(stored, *found), ctx,
                                       Visibility::kKnownToCaller));
        call.SetSubject(found->row.subject_id);
        call.SetReferral(found->row.ref);
        if (replayed) return absl::OkStatus();

        Request& out = *stored.exchange.mutable_information_request();
        out.set_request_id(stored.row.id);
        out.set_referral_ref(found->row.ref);
        out.set_requester_id(peer.principal->id());
        out.set_recipient_partner_id(recipient->id());
        out.set_legal_gateway(request->legal_gateway());
        *out.mutable_questions() = request->questions();
        SetTime(due, out.mutable_due_by());
        out.set_state(Request::SENT);
        SetTime(call.now(), out.mutable_sent_at());
        stored.row.state = Request::SENT;
        stored.row.sent_ms = absl::ToUnixMillis(call.now());
        stored.row.due_ms = request->due_by_unix_ms();
        stored.row.version = 1;
        stored.row.record = stored.exchange.SerializeAsString();

        response->set_request_id(stored.row.id);
        response->set_state(Request::SENT);
        store::RecordWrite write;
        write.information_requests.push_back(std::move(stored.row));
        if (!ctx.request_id().empty()) {
          write.reply =
              ReplyFor(call, kRequestInformation, ctx.request_id(), *response);
        }
        call.SetWrite(std::move(write));
        call.SetOperation(prevent::audit::v1::DISCLOSE);
        call.AddRecipient(recipient->id(), "");
        call.SetFields({"information_request"});
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReferralService::RespondInformation(
    grpc::CallbackServerContext* context,
    const api::RespondInformationRequest* request,
    api::RespondInformationResponse* response) {
  return runner_->RunOnWorker(
      kRespondInformation, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        const std::string& id = request->request_id();
        if (id.empty() || id.size() > kMaxId) {
          return absl::InvalidArgumentError(
              "request_id: give the information request's id");
        }
        ASSIGN_OR_RETURN(std::optional<store::InformationRequestRow> row,
                         store_->FindInformationRequest(id));
        std::optional<StoredReferral> referral;
        if (row.has_value()) {
          ASSIGN_OR_RETURN(
              referral, LoadLocked(*store_, *locks_, call, row->referral_id));
          ASSIGN_OR_RETURN(row, store_->FindInformationRequest(id));
        }
        const AuthenticatedPeer& peer = call.peer();
        std::optional<StoredRequest> stored;
        if (row.has_value() && referral.has_value()) {
          ASSIGN_OR_RETURN(stored, ParseRequest(std::move(*row)));
        }
        // Only the addressed partner may know the request exists.
        policy::Resource missing;
        missing.record = pb::INFORMATION;
        missing.id = id;
        const std::string requester =
            stored.has_value()
                ? stored->exchange.information_request().requester_partner_id()
                : "";
        if (stored.has_value()) {
          call.SetSubject(referral->row.subject_id);
          call.SetReferral(referral->row.ref);
        }
        if (!call.Authorize(pb::READ,
                            stored.has_value()
                                ? RequestResource(*stored, *referral)
                                : missing,
                            ctx, Visibility::kHidden)
                 .ok() ||
            !stored.has_value()) {
          return NotFound(pb::INFORMATION, id);
        }
        // Only the addressed partner answers. To anyone else, the
        // coordinator who follows the request (F26) included, it is as
        // missing.
        if (stored->row.recipient_partner_id != peer.partner->id()) {
          call.Refuse(pb::OUT_OF_SCOPE);
          return NotFound(pb::INFORMATION, id);
        }

        ASSIGN_OR_RETURN(const bool replayed,
                         Replayed(*store_, call, kRespondInformation,
                                  ctx.request_id(), response));
        if (replayed) return absl::OkStatus();
        rec::CaseFile& exchange = stored->exchange;
        Request& out = *exchange.mutable_information_request();
        const Request::State state = StateAt(stored->row, call.now());
        if (state != Request::SENT) {
          return absl::FailedPreconditionError(absl::StrCat(
              "request_id: this request is ", Request::State_Name(state),
              state == Request::EXPIRED
                  ? "; it passed its due date, so ask the coordinator to "
                    "send a new one"
                  : " and takes no further answer"));
        }

        const bool declining = !request->declined_reason().empty();
        if (declining) {
          if (request->has_response()) {
            return absl::InvalidArgumentError(
                "declined_reason: give either a response or a reason for "
                "declining, not both");
          }
          RETURN_IF_ERROR(CheckText(
              "declined_reason", request->declined_reason(), kMaxReasonChars));
          out.set_state(Request::DECLINED);
          out.set_declined_reason(request->declined_reason());
          call.SetOperation(prevent::audit::v1::ALTER);
          call.SetFields({"information_request.state",
                          "information_request.declined_reason"});
        } else {
          RETURN_IF_ERROR(
              CheckAnswer(request->response(), out, peer, *peer.policy));
          rec::InformationResponse& answer =
              *exchange.mutable_information_response();
          answer = request->response();
          answer.set_request_id(id);
          answer.set_responding_partner_id(peer.partner->id());
          answer.set_responded_by(peer.principal->id());
          SetTime(call.now(), answer.mutable_responded_at());
          // The answer is the partner's disclosure to the coordinator, with
          // P13's facts.
          RETURN_IF_ERROR(call.Authorize(
              pb::SEND, AnswerResource(*stored, *referral, answer), ctx,
              Visibility::kKnownToCaller));
          bool all_no_trace = true;
          for (const auto& a : answer.answers()) {
            all_no_trace = all_no_trace && a.no_trace();
          }
          out.set_state(all_no_trace ? Request::NO_TRACE : Request::RESPONDED);
          call.SetOperation(prevent::audit::v1::DISCLOSE);
          call.SetFields({"information_response.answers"});
          if (peer.partner->type() == pb::Partner::NHS_TRUST &&
              !answer.patient_record_annotated()) {
            response->add_checklist(
                "record this disclosure in the patient record (P13)");
          }
        }
        SetTime(call.now(), out.mutable_answered_at());
        if (!requester.empty()) call.AddRecipient(requester, "");

        stored->row.state = out.state();
        stored->row.version += 1;
        stored->row.record = exchange.SerializeAsString();
        response->set_request_id(id);
        response->set_state(out.state());
        store::RecordWrite write;
        write.information_requests.push_back(std::move(stored->row));
        if (!ctx.request_id().empty()) {
          write.reply =
              ReplyFor(call, kRespondInformation, ctx.request_id(), *response);
        }
        call.SetWrite(std::move(write));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReferralService::ListInformationRequests(
    grpc::CallbackServerContext* context,
    const api::ListInformationRequestsRequest* request,
    api::ListInformationRequestsResponse* response) {
  return runner_->Run(
      kListInformationRequests, context, [&](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        const AuthenticatedPeer& peer = call.peer();
        const bool by_referral = !request->referral().empty();

        std::optional<StoredReferral> referral;
        std::vector<store::InformationRequestRow> rows;
        if (by_referral) {
          // The coordinator's view of one referral's requests.
          RETURN_IF_ERROR(CheckReferralKey(request->referral()));
          ASSIGN_OR_RETURN(referral,
                           LoadReferral(*store_, request->referral()));
          RETURN_IF_ERROR(AuthorizeReferral(call, pb::READ, referral,
                                            request->referral(), ctx));
          ASSIGN_OR_RETURN(
              rows, store_->InformationRequestsForReferral(referral->row.id));
        } else {
          ASSIGN_OR_RETURN(rows, store_->InformationRequestsForPartner(
                                     peer.partner->id(), kMaxListed));
        }

        bool answers_released = false;
        std::optional<StoredRequest> first_request;
        std::optional<StoredReferral> first_referral;
        for (store::InformationRequestRow& row : rows) {
          if (response->requests_size() == kMaxListed) break;
          std::optional<StoredReferral> about = referral;
          if (!by_referral) {
            ASSIGN_OR_RETURN(about, LoadReferral(*store_, row.referral_id));
            if (!about.has_value()) continue;
          }
          ASSIGN_OR_RETURN(StoredRequest stored, ParseRequest(std::move(row)));
          std::optional<rec::CaseFile> view =
              InformationView(peer, by_referral ? pb::READ : pb::LIST,
                              ctx.purpose(), !ctx.justification().empty(),
                              stored, *about, call.now(), &answers_released);
          if (!view.has_value()) continue;
          *response->add_requests() = std::move(*view);
          if (!first_request.has_value()) {
            first_request = std::move(stored);
            first_referral = about;
          }
        }
        if (by_referral) {
          // Decided on the referral above; the event names what was shown.
          call.SetOperation(answers_released ? prevent::audit::v1::DISCLOSE
                                             : prevent::audit::v1::CONSULT);
        } else {
          // The call's own decision: for the first request shown, else for
          // one addressed to the caller's partner, which a caller with no
          // right to see any is refused.
          StoredRequest probe;
          probe.row.recipient_partner_id = peer.partner->id();
          StoredReferral probe_referral;
          if (!peer.principal->areas().empty()) {
            probe_referral.row.area = peer.principal->areas(0);
          }
          probe_referral.row.state = pb::INFO_GATHERING;
          const policy::Partner* council =
              Serving(*peer.policy, probe_referral.row.area,
                      pb::Partner::LOCAL_AUTHORITY);
          probe.exchange.mutable_information_request()
              ->set_requester_partner_id(council == nullptr ? ""
                                                            : council->id());
          RETURN_IF_ERROR(call.Authorize(
              pb::LIST,
              first_request.has_value()
                  ? RequestResource(*first_request, *first_referral)
                  : RequestResource(probe, probe_referral),
              ctx, Visibility::kKnownToCaller));
          call.SetOperation(prevent::audit::v1::CONSULT);
        }
        std::vector<std::string> fields = {"information_request"};
        if (answers_released) fields.push_back("information_response.answers");
        call.SetFields(std::move(fields));
        return absl::OkStatus();
      });
}

}  // namespace hub::service
