#include "hub/service/referral_service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "hub/audit/event_id.h"
#include "hub/referrals/lifecycle.h"
#include "hub/referrals/submission_validator.h"
#include "hub/service/referral_records.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using referrals::AgeOn;

constexpr char kSubmit[] = "/prevent.hub.v1.ReferralService/Submit";
constexpr char kGet[] = "/prevent.hub.v1.ReferralService/Get";
constexpr char kList[] = "/prevent.hub.v1.ReferralService/List";
constexpr char kTransition[] = "/prevent.hub.v1.ReferralService/Transition";

constexpr int64_t kMaxReasonChars = 1000;
constexpr size_t kMaxPafCode = 32;
constexpr int kDefaultListLimit = 500;
constexpr int kMaxListLimit = 5000;
// What a list shows of each referral; Get shows the rest.
const std::vector<std::string>& ListFields() {
  static const auto* const fields = new std::vector<std::string>{
      "referral.referral_ref",  "referral.state",
      "referral.status_bucket", "referral.received_at",
      "referral.area_code",     "referral.repeat_referral_assurance"};
  return *fields;
}

const policy::Projection& ListProjection() {
  static const auto* const projection = new policy::Projection(
      *policy::Projection::Compile(rec::CaseFile::descriptor(), ListFields()));
  return *projection;
}

// P17: the date guards of the post-exit review moves.
absl::Status CheckDates(const referrals::Move& move, const rec::CaseFile& file,
                        absl::Time now) {
  const rec::ReviewSchedule& schedule = file.review_schedule();
  const std::string today =
      absl::FormatTime("%Y-%m-%d", now, absl::UTCTimeZone());
  if (move.guard == referrals::Guard::kReviewDue) {
    const std::string& due = move.to == pb::REVIEW_6M_DUE
                                 ? schedule.review_6m_due()
                                 : schedule.review_12m_due();
    if (due.empty() || today < due) {
      return absl::FailedPreconditionError(absl::StrCat(
          "to: the ", pb::ReferralState_Name(move.to), " review is due on ",
          due.empty() ? "a date set at exit" : due,
          "; it cannot be opened before then (P17)"));
    }
  }
  if (move.guard == referrals::Guard::kWithinReviewLimit &&
      (schedule.review_limit().empty() || today >= schedule.review_limit())) {
    return absl::FailedPreconditionError(
        absl::StrCat("to: reviews extend at most to 24 months after exit (",
                     schedule.review_limit().empty() ? "no exit recorded"
                                                     : schedule.review_limit(),
                     "); close the case or return it to panel (P17)"));
  }
  return absl::OkStatus();
}

// Fills in what depends on the reader: the earlier referrals about the same
// subject, counted only over those `call`'s caller may see for the purpose
// (SPEC §2.1 re-referral rule).
absl::Status AddPriorReferrals(store::RecordStore& store, const Call& call,
                               const api::RequestContext& context,
                               const StoredReferral& referral,
                               rec::CaseFile* file) {
  ASSIGN_OR_RETURN(std::vector<store::ReferralRow> rows,
                   store.ReferralsBySubjectKey(referral.row.subject_key));
  const absl::Time received = absl::FromUnixMillis(referral.row.received_ms);
  rec::Referral& out = *file->mutable_referral();
  out.clear_prior_referral_ids();
  int within_24m = 0;
  for (store::ReferralRow& row : rows) {
    // Earlier ones only: by time received, then by reference.
    if (std::make_pair(row.received_ms, row.ref) >=
        std::make_pair(referral.row.received_ms, referral.row.ref)) {
      continue;
    }
    ASSIGN_OR_RETURN(StoredReferral prior, ParseReferral(std::move(row)));
    const policy::Decision decision =
        DecideFor(call.peer(), pb::READ, ResourceOf(prior), context.purpose(),
                  !context.justification().empty(), call.now());
    if (!decision.allowed) continue;
    out.add_prior_referral_ids(prior.row.ref);
    if (absl::FromUnixMillis(prior.row.received_ms) >=
        received - absl::Hours(24 * 730)) {
      ++within_24m;
    }
  }
  out.set_prior_referrals_24m(within_24m);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ReferralService::Submit(
    grpc::CallbackServerContext* context,
    const api::SubmitReferralRequest* request,
    api::SubmitReferralResponse* response) {
  return runner_->RunOnWorker(
      kSubmit, context, [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        // T1 is bound to its purpose (SPEC §2.1, P01): a rule that lets a
        // role send case data for another purpose (the CT gateway's routing
        // outcome, F10) never makes that role a referrer.
        if (ctx.purpose() != pb::PREVENT_REFERRAL_SUBMISSION) {
          return absl::InvalidArgumentError(
              "context.purpose: a referral is submitted for "
              "PREVENT_REFERRAL_SUBMISSION");
        }
        if (ctx.request_id().empty()) {
          return absl::InvalidArgumentError(
              "context.request_id: required to submit; generate one per "
              "referral and send the same id again if you retry");
        }
        const rec::ReferralSubmission& submission = request->submission();
        RETURN_IF_ERROR(referrals::ValidateSubmission(submission, call.now()));

        const AuthenticatedPeer& peer = call.peer();
        HoldRequest(*locks_, call, ctx.request_id());
        ASSIGN_OR_RETURN(std::optional<std::string> replay,
                         Replay(*store_, call, kSubmit, ctx.request_id()));
        if (replay.has_value() && !response->ParseFromString(*replay)) {
          return absl::DataLossError("the stored reply is damaged");
        }
        // A retry is decided, and audited, against the referral it made.
        const std::string id = replay.has_value()
                                   ? response->referral_id()
                                   : audit::NewEventId(call.now());
        const std::string area = AreaOf(submission.subject());
        policy::Resource resource;
        resource.record = pb::CASE;
        resource.id = id;
        resource.source_partner_id = peer.partner->id();
        resource.owner_principal_id = peer.principal->id();
        resource.area = area;
        resource.state = pb::SUBMITTED;
        resource.subject_under_18_or_child_in_household =
            AgeOn(submission.subject().identity().dob(), call.now()) < 18 ||
            submission.referral().child_in_household();
        RETURN_IF_ERROR(call.Authorize(pb::SEND, resource, ctx,
                                       Visibility::kKnownToCaller));

        if (replay.has_value()) {
          // A retry: the first answer again, and nothing collected twice.
          call.SetOperation(prevent::audit::v1::CONSULT);
          call.SetReferral(response->referral_ref());
          return absl::OkStatus();
        }

        const policy::Policy& policy = *peer.policy;
        const policy::Partner* council =
            Serving(policy, area, pb::Partner::LOCAL_AUTHORITY);
        const policy::Partner* police =
            Serving(policy, area, pb::Partner::CT_POLICE);
        if (council == nullptr || police == nullptr) {
          return absl::FailedPreconditionError(absl::StrCat(
              "submission.subject.addresses.area_code: no local authority and "
              "CT "
              "police partner of this hub serve area ",
              area,
              "; check the code, or refer through that area's own route"));
        }

        rec::CaseFile file;
        *file.mutable_subject() = submission.subject();
        *file.mutable_related_persons() = submission.related_persons();
        *file.mutable_referral() = submission.referral();
        const std::string subject_key = pseudonymizer_->Pseudonym(
            referrals::SubjectKeyText(submission.subject().identity()));
        ASSIGN_OR_RETURN(std::vector<store::ReferralRow> prior,
                         store_->ReferralsBySubjectKey(subject_key));
        const std::string subject_id = prior.empty()
                                           ? audit::NewEventId(call.now())
                                           : prior.front().subject_id;
        file.mutable_subject()->set_subject_id(subject_id);
        file.mutable_subject()->set_age_at_referral(
            AgeOn(submission.subject().identity().dob(), call.now()));
        for (rec::RelatedPerson& person : *file.mutable_related_persons()) {
          person.set_related_person_id(audit::NewEventId(call.now()));
        }

        const int year = static_cast<int>(
            absl::ToCivilYear(call.now(), absl::UTCTimeZone()).year());
        ASSIGN_OR_RETURN(int seq, sequencer_.Next(area, year));
        const std::string ref = referrals::FormatReference(area, year, seq);
        const bool child = resource.subject_under_18_or_child_in_household;
        int recent = 0;
        for (const store::ReferralRow& row : prior) {
          recent += absl::FromUnixMillis(row.received_ms) >=
                    call.now() - absl::Hours(24 * 730);
        }
        rec::Referral& referral = *file.mutable_referral();
        referral.set_referral_id(id);
        referral.set_referral_ref(ref);
        referral.set_state(pb::SUBMITTED);
        referral.set_status_bucket(referrals::BucketFor(pb::SUBMITTED, false));
        SetTime(call.now(), referral.mutable_received_at());
        SetTime(call.now(), referral.mutable_state_changed_at());
        referral.set_area_code(area);
        referral.mutable_referrer()->set_principal_id(peer.principal->id());
        referral.mutable_referrer()->set_organisation_partner_id(
            peer.partner->id());
        referral.set_mash_notified(child);
        // P18: this is at least the third referral within 24 months.
        referral.set_repeat_referral_assurance(recent >= 2);

        store::ReferralRow row;
        row.id = id;
        row.ref = ref;
        row.area = area;
        row.year = year;
        row.seq = seq;
        row.source_partner_id = peer.partner->id();
        row.referrer_principal_id = peer.principal->id();
        row.subject_id = subject_id;
        row.subject_key = subject_key;
        row.state = pb::SUBMITTED;
        row.received_ms = absl::ToUnixMillis(call.now());
        row.version = 1;
        row.record = file.SerializeAsString();
        row.child_concerned =
            ChildConcerned(file, absl::FromUnixMillis(row.received_ms));

        response->set_referral_id(id);
        response->set_referral_ref(ref);
        response->set_status_bucket(referral.status_bucket());
        response->set_received_unix_ms(row.received_ms);

        store::RecordWrite write;
        write.referrals.push_back(std::move(row));
        write.match_entries.push_back(index_->EntryFor(id, file.subject()));
        write.reply = ReplyFor(call, kSubmit, ctx.request_id(), *response);
        call.SetWrite(std::move(write));
        call.SetSubject(subject_id);
        call.SetReferral(ref);
        // T1 routes it to the council and the CT gateway; T2 notifies the MASH
        // of a child.
        call.AddRecipient(council->id(), "");
        call.AddRecipient(police->id(), "");
        if (child) {
          if (const policy::Partner* mash =
                  Serving(policy, area, pb::Partner::LA_MASH)) {
            call.AddRecipient(mash->id(), "");
          }
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReferralService::Get(
    grpc::CallbackServerContext* context,
    const api::GetReferralRequest* request,
    api::GetReferralResponse* response) {
  return runner_->Run(kGet, context, [&](Call& call) -> absl::Status {
    const api::RequestContext& ctx = request->context();
    RETURN_IF_ERROR(ValidateRequestContext(ctx));
    RETURN_IF_ERROR(CheckReferralKey(request->referral()));
    ASSIGN_OR_RETURN(std::optional<StoredReferral> found,
                     LoadReferral(*store_, request->referral()));
    RETURN_IF_ERROR(
        AuthorizeReferral(call, pb::READ, found, request->referral(), ctx));

    rec::CaseFile file = found->file;
    RETURN_IF_ERROR(AddPriorReferrals(*store_, call, ctx, *found, &file));
    call.fields().Apply(&file);
    *response->mutable_case_file() = std::move(file);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralService::List(
    grpc::CallbackServerContext* context,
    const api::ListReferralsRequest* request,
    api::ListReferralsResponse* response) {
  return runner_->Run(kList, context, [&](Call& call) -> absl::Status {
    const api::RequestContext& ctx = request->context();
    RETURN_IF_ERROR(ValidateRequestContext(ctx));
    if (!pb::ReferralState_IsValid(request->state())) {
      return absl::InvalidArgumentError(
          "state: not a referral state; give one of SPEC §2.1's states or "
          "none");
    }
    if (request->limit() < 0 || request->limit() > kMaxListLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat("limit: give 1 to ", kMaxListLimit, ", or 0 for ",
                       kDefaultListLimit));
    }
    const int limit =
        request->limit() == 0 ? kDefaultListLimit : request->limit();
    const AuthenticatedPeer& peer = call.peer();

    store::ReferralSelection selection;
    selection.areas.assign(peer.principal->areas().begin(),
                           peer.principal->areas().end());
    selection.referrer_principal_id = peer.principal->id();
    selection.state = request->state();
    selection.limit = limit;
    ASSIGN_OR_RETURN(std::vector<store::ReferralRow> rows,
                     store_->SelectReferrals(selection));
    const policy::Projection& summary = ListProjection();

    std::optional<StoredReferral> first_shown;
    for (store::ReferralRow& row : rows) {
      ASSIGN_OR_RETURN(StoredReferral stored, ParseReferral(std::move(row)));
      const policy::Decision decision =
          DecideFor(peer, pb::LIST, ResourceOf(stored), ctx.purpose(),
                    !ctx.justification().empty(), call.now());
      if (!decision.allowed) continue;
      if (response->referrals_size() == limit) {
        response->set_truncated(true);
        break;
      }
      rec::CaseFile file = stored.file;
      summary.Apply(&file);
      decision.fields().Apply(&file);
      *response->add_referrals() = std::move(*file.mutable_referral());
      if (!first_shown.has_value()) first_shown = std::move(stored);
    }
    // The call's own decision: for the first referral shown, or else for
    // the caller's own kind of referral, which a caller with no right to
    // list any is refused.
    policy::Resource probe;
    probe.record = pb::CASE;
    probe.source_partner_id = peer.partner->id();
    probe.owner_principal_id = peer.principal->id();
    if (!peer.principal->areas().empty()) probe.area = peer.principal->areas(0);
    probe.state = request->state() != pb::REFERRAL_STATE_UNSPECIFIED
                      ? request->state()
                      : pb::SUBMITTED;
    RETURN_IF_ERROR(call.Authorize(
        pb::LIST, first_shown.has_value() ? ResourceOf(*first_shown) : probe,
        ctx, Visibility::kKnownToCaller));
    call.SetOperation(prevent::audit::v1::CONSULT);
    call.SetFields(ListFields());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ReferralService::Transition(
    grpc::CallbackServerContext* context,
    const api::TransitionReferralRequest* request,
    api::TransitionReferralResponse* response) {
  return runner_->RunOnWorker(
      kTransition, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        if (request->to() == pb::REFERRAL_STATE_UNSPECIFIED ||
            !pb::ReferralState_IsValid(request->to())) {
          return absl::InvalidArgumentError(
              "to: give the state to move the referral to (e.g. SCREENING)");
        }
        const int64_t reason_chars = common::Utf8Length(request->reason());
        if (reason_chars <= 0 || reason_chars > kMaxReasonChars) {
          return absl::InvalidArgumentError(absl::StrCat(
              "reason: say why, in 1 to ", kMaxReasonChars,
              " characters of plain text; it is kept with the referral"));
        }
        if (!prevent::records::v1::RoutingOutcome_IsValid(
                request->routing_outcome())) {
          return absl::InvalidArgumentError(
              "routing_outcome: not a routing outcome");
        }
        if (request->paf_summary_code().size() > kMaxPafCode) {
          return absl::InvalidArgumentError(absl::StrCat(
              "paf_summary_code: at most ", kMaxPafCode, " characters"));
        }

        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kTransition, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat

        const auto from = static_cast<pb::ReferralState>(found->row.state);
        const pb::ReferralState to = request->to();
        ASSIGN_OR_RETURN(const referrals::Move* move,
                         referrals::FindMove(from, to));
        switch (move->made_by) {
          case referrals::MadeBy::kTransition:
            break;
          case referrals::MadeBy::kPanelDecision:
            return absl::FailedPreconditionError(
                absl::StrCat("to: ", pb::ReferralState_Name(to),
                             " follows from the panel's recorded decision (",
                             move->label, "), not from a transition"));
          case referrals::MadeBy::kConsent:
            return absl::FailedPreconditionError(
                absl::StrCat("to: ", pb::ReferralState_Name(to),
                             " follows from recording the consent decision (",
                             move->label, "), not from a transition"));
          case referrals::MadeBy::kSystem:
            return absl::FailedPreconditionError(absl::StrCat(
                "to: the hub makes the move to ", pb::ReferralState_Name(to),
                " itself (", move->label, ")"));
        }
        const AuthenticatedPeer& peer = call.peer();
        const bool is_referrer =
            found->row.referrer_principal_id == peer.principal->id();
        if (!referrals::MayMake(*move, RolesOf(*peer.principal), is_referrer)) {
          std::vector<std::string> who;
          for (pb::Role role : move->roles) who.push_back(pb::Role_Name(role));
          if (move->referrer) who.push_back("the referrer");
          return call.Deny(
              pb::ROLE_NOT_IN_RULE,
              absl::StrCat("to: the move from ", pb::ReferralState_Name(from),
                           " to ", pb::ReferralState_Name(to), " (",
                           move->label, ") is made by ",
                           absl::StrJoin(who, " or ")));
        }

        rec::CaseFile file = found->file;
        rec::Referral& referral = *file.mutable_referral();
        std::vector<std::string> fields = {"referral.state",
                                           "referral.last_transition_reason"};
        if (move->guard == referrals::Guard::kGatewayDecision) {
          const rec::RoutingOutcome outcome = referrals::OutcomeFor(to);
          if (request->routing_outcome() != outcome) {
            return absl::InvalidArgumentError(
                absl::StrCat("routing_outcome: the gateway decision that moves "
                             "a referral to ",
                             pb::ReferralState_Name(to), " is ",
                             rec::RoutingOutcome_Name(outcome)));
          }
          if (request->paf_summary_code().empty()) {
            return absl::InvalidArgumentError(
                "paf_summary_code: record the Prevent Assessment Framework "
                "summary code with the gateway decision (it stays with the "
                "police)");
          }
          const rec::DeconflictionOutcome& checked = file.deconfliction();
          if (checked.status() != rec::DeconflictionOutcome::COMPLETE) {
            return absl::FailedPreconditionError(
                "to: record the deconfliction outcome first "
                "(DeconflictionService.Check, then RecordOutcome; T6)");
          }
          if (checked.routing_outcome() != outcome) {
            return absl::FailedPreconditionError(absl::StrCat(
                "to: the recorded deconfliction outcome routes this referral "
                "to ",
                rec::RoutingOutcome_Name(checked.routing_outcome()),
                "; record a new outcome to route it to ",
                rec::RoutingOutcome_Name(outcome)));
          }
          rec::GatewayDecision& gateway = *file.mutable_gateway();
          gateway.set_officer_id(peer.principal->id());
          SetTime(call.now(), gateway.mutable_decided_at());
          gateway.set_routing_outcome(outcome);
          gateway.set_paf_summary_code(request->paf_summary_code());
          gateway.set_pcm_transfer(request->pcm_transfer());
          fields.push_back("gateway");
          // P19: feedback to the referrer waits for the gateway's approval.
          rec::FeedbackReview& review = *file.mutable_feedback_review();
          review.set_status(rec::FeedbackReview::PENDING_POLICE_APPROVAL);
          SetTime(call.now(), review.mutable_queued_at());
          fields.push_back("feedback_review");
        }
        RETURN_IF_ERROR(CheckDates(*move, file, call.now()));
        if (to == pb::POLICE_GATEWAY) {
          // T5 opens the deconfliction check.
          file.mutable_deconfliction()->set_status(
              rec::DeconflictionOutcome::PENDING);
          fields.push_back("deconfliction.status");
        }
        if (move->guard == referrals::Guard::kInformationGathered) {
          const rec::DeconflictionOutcome& checked = file.deconfliction();
          if (checked.has_expires_at() &&
              absl::FromUnixSeconds(checked.expires_at().seconds()) <=
                  call.now()) {
            return absl::FailedPreconditionError(
                "to: the deconfliction outcome is more than 30 days old; the "
                "CT "
                "gateway checks again (DeconflictionService.Check, then "
                "RecordOutcome) before the case goes to panel (T8)");
          }
          ASSIGN_OR_RETURN(
              std::vector<store::InformationRequestRow> requests,
              store_->InformationRequestsForReferral(found->row.id));
          int waiting = 0;
          for (const store::InformationRequestRow& r : requests) {
            waiting += r.state == rec::InformationRequest::SENT &&
                       r.due_ms > absl::ToUnixMillis(call.now());
          }
          if (waiting > 0) {
            return absl::FailedPreconditionError(absl::StrCat(
                "to: ", waiting,
                " information request(s) on this referral await an answer and "
                "are not yet due; list the case for panel once each is "
                "answered "
                "or past its due date (T8)"));
          }
        }
        if (to == pb::CLOSED_NFA) {
          // P18: a second NFA for the same subject raises the assurance flag.
          ASSIGN_OR_RETURN(
              std::vector<store::ReferralRow> same,
              store_->ReferralsBySubjectKey(found->row.subject_key));
          for (const store::ReferralRow& other : same) {
            if (other.id != found->row.id && other.state == pb::CLOSED_NFA) {
              referral.set_repeat_referral_assurance(true);
            }
          }
        }
        referral.set_state(to);
        SetTime(call.now(), referral.mutable_state_changed_at());
        referral.set_status_bucket(
            referrals::BucketFor(to, referral.has_feedback()));
        referral.set_last_transition_reason(request->reason());

        response->set_referral_ref(found->row.ref);
        response->set_state(to);
        response->set_state_changed_unix_ms(absl::ToUnixMillis(call.now()));

        SetReferralWrite(call, *found, file, to, kTransition, ctx, *response);
        call.SetFields(std::move(fields));
        return absl::OkStatus();
      });
}

}  // namespace hub::service
