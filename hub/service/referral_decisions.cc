// ReferralService: the panel's decisions (T9, T10, T13) and consent to
// Channel support (T11, T12), each moving the referral along the lifecycle
// table with the guards SPEC §2.1 and rules P10-P12 and P17 set.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "hub/audit/event_id.h"
#include "hub/referrals/lifecycle.h"
#include "hub/referrals/submission_validator.h"
#include "hub/service/referral_service.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Decision = rec::PanelDecision;
using Consent = rec::ConsentRecord;

constexpr char kRecordPanelDecision[] =
    "/prevent.hub.v1.ReferralService/RecordPanelDecision";
constexpr char kRecordConsent[] =
    "/prevent.hub.v1.ReferralService/RecordConsent";

constexpr int64_t kMaxRationaleChars = 2000;
constexpr int64_t kMaxPlanChars = 500;
constexpr int64_t kMaxNoteChars = 1000;
constexpr int kMaxAttendees = 30;
constexpr size_t kMaxId = 64;

// The states a decision moves a case through, in order, from `from`; an
// empty list for a decision that keeps the case where it is.
absl::StatusOr<std::vector<pb::ReferralState>> PathFor(
    Decision::Outcome outcome, pb::ReferralState from) {
  const pb::ReferralState needed = outcome == Decision::CONTINUE_SUPPORT ||
                                           outcome == Decision::REVISE_PLAN ||
                                           outcome == Decision::EXIT
                                       ? pb::SUPPORT_ACTIVE
                                       : pb::PANEL_LISTED;
  if (from != needed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "decision.outcome: a panel decides ", Decision::Outcome_Name(outcome),
        " for a case in ", pb::ReferralState_Name(needed), "; this one is in ",
        pb::ReferralState_Name(from)));
  }
  switch (outcome) {
    case Decision::ADOPT:
      return std::vector<pb::ReferralState>{pb::PANEL_DECIDED,
                                            pb::CONSENT_PENDING};
    case Decision::NOT_ADOPT_SIGNPOST:
      return std::vector<pb::ReferralState>{pb::PANEL_DECIDED, pb::SIGNPOSTED};
    case Decision::REFER_TO_POLICE_PCM:
      return std::vector<pb::ReferralState>{pb::PANEL_DECIDED,
                                            pb::POLICE_MANAGED};
    case Decision::EXIT:
      return std::vector<pb::ReferralState>{pb::EXITED};
    default:
      return std::vector<pb::ReferralState>{};
  }
}

// Every step of `path` from `from` is a move of the lifecycle made by
// `made_by` that the caller's roles may make.
absl::Status CheckMoves(Call& call, pb::ReferralState from,
                        const std::vector<pb::ReferralState>& path,
                        referrals::MadeBy made_by,
                        const policy::Principal& caller) {
  pb::ReferralState at = from;
  for (pb::ReferralState to : path) {
    ASSIGN_OR_RETURN(const referrals::Move* move, referrals::FindMove(at, to));
    if (move->made_by != made_by ||
        !referrals::MayMake(*move, RolesOf(caller), false)) {
      std::vector<std::string> who;
      for (pb::Role role : move->roles) who.push_back(pb::Role_Name(role));
      return call.Deny(
          pb::ROLE_NOT_IN_RULE,
          absl::StrCat("the move from ", pb::ReferralState_Name(at), " to ",
                       pb::ReferralState_Name(to), " (", move->label,
                       ") is recorded by ", absl::StrJoin(who, " or ")));
    }
    at = to;
  }
  return absl::OkStatus();
}

// T9's quorum [D]: the chair, the police, and for a child children's social
// care, each an active member of the partnership serving `area`.
absl::Status CheckQuorum(const Decision& decision, const policy::Policy& policy,
                         const AuthenticatedPeer& chair, absl::string_view area,
                         bool child) {
  if (decision.attendee_ids().empty() ||
      decision.attendee_ids_size() > kMaxAttendees) {
    return absl::InvalidArgumentError(absl::StrCat(
        "decision.attendee_ids: list the principal ids of the 1 to ",
        kMaxAttendees, " members present besides the chair"));
  }
  bool police = false;
  bool social_care = false;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& id : decision.attendee_ids()) {
    const policy::Principal* member =
        id.size() <= kMaxId ? policy.FindPrincipal(id) : nullptr;
    const policy::Partner* partner =
        member == nullptr ? nullptr : policy.FindPartner(member->partner_id());
    bool in_area = false;
    if (member != nullptr) {
      for (const std::string& a : member->areas()) in_area |= a == area;
    }
    if (member == nullptr || partner == nullptr ||
        member->status() != pb::Principal::ACTIVE || !in_area) {
      return absl::InvalidArgumentError(absl::StrCat(
          "decision.attendee_ids: \"", id.substr(0, kMaxId),
          "\" is not an active principal of this area's partnership"));
    }
    if (!seen.insert(id).second || id == chair.principal->id()) {
      return absl::InvalidArgumentError(
          absl::StrCat("decision.attendee_ids: \"", id,
                       "\" is listed twice (the chair is counted already)"));
    }
    police |= partner->type() == pb::Partner::CT_POLICE ||
              partner->type() == pb::Partner::LOCAL_POLICE_BCU;
    social_care |= partner->type() == pb::Partner::LA_MASH ||
                   HasRole(*member, pb::MASH_OFFICER) ||
                   HasRole(*member, pb::CSC_PREVENT_SOCIAL_WORKER);
  }
  if (!police) {
    return absl::FailedPreconditionError(
        "decision.attendee_ids: the panel is not quorate without the police "
        "(a CT police or BCU member) (T9)");
  }
  if (child && !social_care) {
    return absl::FailedPreconditionError(
        "decision.attendee_ids: for a child, or an adult living with one, "
        "the panel is not quorate without children's social care (T9, P12)");
  }
  return absl::OkStatus();
}

std::string PlusMonths(absl::CivilDay day, int months) {
  const absl::CivilDay later(day.year(), day.month() + months, day.day());
  return absl::FormatCivilTime(later);
}

// P10: who may consent for the subject, by age and capacity.
absl::Status CheckConsentGiver(const Consent& consent,
                               const rec::CaseFile& file, int age) {
  if (consent.capacity_assessed() &&
      consent.capacity_outcome() == Consent::CAPACITY_OUTCOME_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "consent.capacity_outcome: record the outcome of the capacity "
        "assessment");
  }
  const bool lacks_capacity =
      consent.capacity_assessed() &&
      consent.capacity_outcome() == Consent::LACKS_CAPACITY;
  if (age < 18) {
    if (consent.given_by() != Consent::PARENT_GUARDIAN) {
      return absl::InvalidArgumentError(absl::StrCat(
          "consent.given_by: the subject is ", age,
          "; for a child, consent comes from a parent or guardian with "
          "parental responsibility (P10)"));
    }
    for (const rec::RelatedPerson& person : file.related_persons()) {
      if (person.related_person_id() == consent.related_person_id() &&
          person.has_parental_responsibility()) {
        return absl::OkStatus();
      }
    }
    return absl::InvalidArgumentError(
        "consent.related_person_id: name the related person of this case "
        "who has parental responsibility and gave the decision (P10)");
  }
  if (consent.given_by() == Consent::PARENT_GUARDIAN) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consent.given_by: the subject is ", age,
        "; an adult decides for themself, or a court-appointed deputy or "
        "attorney if they lack capacity (P10)"));
  }
  if (consent.given_by() == Consent::SUBJECT && lacks_capacity) {
    return absl::InvalidArgumentError(
        "consent.given_by: the subject was assessed as lacking capacity; "
        "record the decision of their court-appointed deputy or attorney");
  }
  if (consent.given_by() == Consent::COURT_APPOINTED_DEPUTY_OR_ATTORNEY &&
      !lacks_capacity) {
    return absl::InvalidArgumentError(
        "consent.given_by: a deputy or attorney decides only for a subject "
        "assessed as lacking capacity; record the capacity assessment");
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* ReferralService::RecordPanelDecision(
    grpc::CallbackServerContext* context,
    const api::RecordPanelDecisionRequest* request,
    api::RecordPanelDecisionResponse* response) {
  return runner_->RunOnWorker(
      kRecordPanelDecision, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        const Decision& decision = request->decision();
        if (decision.outcome() == Decision::OUTCOME_UNSPECIFIED ||
            !Decision::Outcome_IsValid(decision.outcome())) {
          return absl::InvalidArgumentError(
              "decision.outcome: give the panel's decision (e.g. ADOPT)");
        }
        if (!decision.chair_id().empty() || decision.has_decided_at()) {
          return absl::InvalidArgumentError(
              "decision: chair_id and decided_at are filled in by the hub; "
              "leave them out");
        }
        RETURN_IF_ERROR(CheckText("decision.rationale", decision.rationale(),
                                  kMaxRationaleChars));
        RETURN_IF_ERROR(CheckText("decision.alternatives_considered",
                                  decision.alternatives_considered(),
                                  kMaxNoteChars, /*optional=*/true));
        const auto& plan = decision.consent_request();
        if (decision.outcome() == Decision::ADOPT) {
          // T10, s.36(5)(a).
          RETURN_IF_ERROR(CheckText("decision.consent_request.how", plan.how(),
                                    kMaxPlanChars));
          RETURN_IF_ERROR(CheckText("decision.consent_request.when",
                                    plan.when(), kMaxPlanChars));
          RETURN_IF_ERROR(CheckText("decision.consent_request.by_whom",
                                    plan.by_whom(), kMaxPlanChars));
        } else if (decision.has_consent_request()) {
          return absl::InvalidArgumentError(
              "decision.consent_request: only an ADOPT decision plans how "
              "consent is requested");
        }
        if (decision.outcome() == Decision::NOT_ADOPT_SIGNPOST &&
            decision.alternatives_considered().empty()) {
          return absl::InvalidArgumentError(
              "decision.alternatives_considered: record the health or social "
              "care referral considered for a case not adopted (s.36(6), "
              "P11)");
        }

        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kRecordPanelDecision, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat

        RETURN_IF_ERROR(
            RequirePurpose(call, ctx, pb::CHANNEL_PANEL, "a panel decision"));
        const AuthenticatedPeer& peer = call.peer();
        if (!HasRole(*peer.principal, pb::PANEL_CHAIR)) {
          return call.Deny(
              pb::ROLE_NOT_IN_RULE,
              "the panel's decisions are recorded by its chair (PANEL_CHAIR)");
        }
        const auto from = static_cast<pb::ReferralState>(found->row.state);
        ASSIGN_OR_RETURN(std::vector<pb::ReferralState> path,
                         PathFor(decision.outcome(), from));
        RETURN_IF_ERROR(CheckMoves(call, from, path,
                                   referrals::MadeBy::kPanelDecision,
                                   *peer.principal));
        RETURN_IF_ERROR(CheckQuorum(decision, *peer.policy, peer,
                                    found->row.area,
                                    ChildConcerned(found->file, call.now())));

        rec::CaseFile file = found->file;
        Decision& recorded = *file.add_panel_decisions();
        recorded = decision;
        recorded.set_chair_id(peer.principal->id());
        SetTime(call.now(), recorded.mutable_decided_at());
        std::vector<std::string> fields = {"panel_decisions"};
        const pb::ReferralState to = path.empty() ? from : path.back();
        if (decision.outcome() == Decision::EXIT) {
          // T13, P17: reviews at 6 and 12 months, extensible to 24.
          const absl::CivilDay today =
              absl::ToCivilDay(call.now(), absl::UTCTimeZone());
          rec::ReviewSchedule& schedule = *file.mutable_review_schedule();
          schedule.set_exited_on(absl::FormatCivilTime(today));
          schedule.set_review_6m_due(PlusMonths(today, 6));
          schedule.set_review_12m_due(PlusMonths(today, 12));
          schedule.set_review_limit(PlusMonths(today, 24));
          fields.push_back("review_schedule");
        }
        rec::Referral& referral = *file.mutable_referral();
        if (to != from) {
          referral.set_state(to);
          SetTime(call.now(), referral.mutable_state_changed_at());
          referral.set_status_bucket(
              referrals::BucketFor(to, referral.has_feedback()));
          referral.set_last_transition_reason(absl::StrCat(
              "panel decision: ", Decision::Outcome_Name(decision.outcome())));
          fields.push_back("referral.state");
        }

        response->set_referral_ref(found->row.ref);
        response->set_state(to);
        SetReferralWrite(call, *found, file, to, kRecordPanelDecision, ctx,
                         *response);
        call.SetFields(std::move(fields));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* ReferralService::RecordConsent(
    grpc::CallbackServerContext* context,
    const api::RecordConsentRequest* request,
    api::RecordConsentResponse* response) {
  return runner_->RunOnWorker(
      kRecordConsent, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        const Consent& consent = request->consent();
        if (!consent.consent_id().empty() ||
            consent.subject_age_at_consent() != 0 ||
            !consent.recorded_by().empty() || consent.has_recorded_at()) {
          return absl::InvalidArgumentError(
              "consent: consent_id, subject_age_at_consent, recorded_by and "
              "recorded_at are filled in by the hub; leave them out");
        }
        if (consent.type() != Consent::CHANNEL_SUPPORT) {
          return absl::InvalidArgumentError(
              "consent.type: record CHANNEL_SUPPORT consent here; it is the "
              "consent that gates support (P10)");
        }
        if (consent.status() == Consent::STATUS_UNSPECIFIED ||
            !Consent::Status_IsValid(consent.status())) {
          return absl::InvalidArgumentError(
              "consent.status: give GIVEN, REFUSED or WITHDRAWN");
        }
        if (consent.given_by() == Consent::GIVEN_BY_UNSPECIFIED ||
            !Consent::GivenBy_IsValid(consent.given_by())) {
          return absl::InvalidArgumentError(
              "consent.given_by: give SUBJECT, PARENT_GUARDIAN or "
              "COURT_APPOINTED_DEPUTY_OR_ATTORNEY");
        }
        if (consent.method() == Consent::METHOD_UNSPECIFIED ||
            !Consent::Method_IsValid(consent.method())) {
          return absl::InvalidArgumentError(
              "consent.method: give IN_PERSON, WRITTEN or VERBAL_WITNESSED");
        }
        if (!Consent::CapacityOutcome_IsValid(consent.capacity_outcome())) {
          return absl::InvalidArgumentError(
              "consent.capacity_outcome: not a capacity outcome");
        }
        RETURN_IF_ERROR(CheckText("consent.related_person_id",
                                  consent.related_person_id(), kMaxId,
                                  /*optional=*/true));
        RETURN_IF_ERROR(CheckText("consent.child_views_recorded",
                                  consent.child_views_recorded(),
                                  kMaxRationaleChars, /*optional=*/true));
        RETURN_IF_ERROR(CheckText("consent.alternatives_considered",
                                  consent.alternatives_considered(),
                                  kMaxNoteChars,
                                  /*optional=*/true));
        if (consent.status() != Consent::GIVEN &&
            consent.alternatives_considered().empty()) {
          return absl::InvalidArgumentError(
              "consent.alternatives_considered: when consent is refused or "
              "withdrawn, record the health or social care referral considered "
              "(s.36(4)(e), P11)");
        }

        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kRecordConsent, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat
        RETURN_IF_ERROR(RequirePurpose(call, ctx, pb::CHANNEL_SUPPORT_DELIVERY,
                                       "recording consent"));

        const auto from = static_cast<pb::ReferralState>(found->row.state);
        pb::ReferralState to = pb::REFERRAL_STATE_UNSPECIFIED;
        if (from == pb::CONSENT_PENDING && consent.status() == Consent::GIVEN) {
          to = pb::SUPPORT_ACTIVE;
        } else if (from == pb::CONSENT_PENDING &&
                   consent.status() == Consent::REFUSED) {
          to = pb::CONSENT_DECLINED;
        } else if (from == pb::SUPPORT_ACTIVE &&
                   consent.status() == Consent::WITHDRAWN) {
          to = pb::CONSENT_DECLINED;
        } else {
          return absl::FailedPreconditionError(absl::StrCat(
              "consent.status: ", Consent::Status_Name(consent.status()),
              " is not recorded for a case in ", pb::ReferralState_Name(from),
              "; consent is given or refused in CONSENT_PENDING and withdrawn "
              "in SUPPORT_ACTIVE"));
        }
        const AuthenticatedPeer& peer = call.peer();
        RETURN_IF_ERROR(CheckMoves(
            call, from, {to}, referrals::MadeBy::kConsent, *peer.principal));
        const int age = referrals::AgeOn(found->file.subject().identity().dob(),
                                         call.now());
        RETURN_IF_ERROR(CheckConsentGiver(consent, found->file, age));

        rec::CaseFile file = found->file;
        Consent& recorded = *file.add_consents();
        recorded = consent;
        recorded.set_consent_id(audit::NewEventId(call.now()));
        recorded.set_subject_age_at_consent(age);
        recorded.set_recorded_by(peer.principal->id());
        SetTime(call.now(), recorded.mutable_recorded_at());
        rec::Referral& referral = *file.mutable_referral();
        referral.set_state(to);
        SetTime(call.now(), referral.mutable_state_changed_at());
        referral.set_status_bucket(
            referrals::BucketFor(to, referral.has_feedback()));
        referral.set_last_transition_reason(
            absl::StrCat("consent ", Consent::Status_Name(consent.status())));

        response->set_referral_ref(found->row.ref);
        response->set_state(to);
        response->set_consent_id(recorded.consent_id());
        SetReferralWrite(call, *found, file, to, kRecordConsent, ctx,
                         *response);
        call.SetFields({"consents", "referral.state"});
        return absl::OkStatus();
      });
}

}  // namespace hub::service
