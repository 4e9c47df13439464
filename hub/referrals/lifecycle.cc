#include "hub/referrals/lifecycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hub::referrals {
namespace {

namespace pb = ::prevent::policy::v1;
using prevent::records::v1::Referral;
using prevent::records::v1::RoutingOutcome;

constexpr Role kCoordinator = pb::LA_PREVENT_COORDINATOR;
constexpr Role kGateway = pb::CT_GATEWAY_OFFICER;
constexpr Role kChair = pb::PANEL_CHAIR;

std::vector<Move> BuildMoves() {
  std::vector<Move> moves = {
      {"T3", pb::SUBMITTED, pb::SCREENING, {kCoordinator, kGateway}},
      {"T4",
       pb::SCREENING,
       pb::AWAITING_REFERRER_INFO,
       {kCoordinator, kGateway}},
      {"T4",
       pb::AWAITING_REFERRER_INFO,
       pb::SCREENING,
       {kCoordinator, kGateway}},
      {"T5", pb::SCREENING, pb::POLICE_GATEWAY, {kGateway}},
      {"T8",
       pb::INFO_GATHERING,
       pb::PANEL_LISTED,
       {kCoordinator},
       false,
       MadeBy::kTransition,
       Guard::kInformationGathered},
      {"T9",
       pb::PANEL_LISTED,
       pb::PANEL_DECIDED,
       {kChair},
       false,
       MadeBy::kPanelDecision},
      {"T10",
       pb::PANEL_DECIDED,
       pb::CONSENT_PENDING,
       {kChair},
       false,
       MadeBy::kPanelDecision},
      {"T9",
       pb::PANEL_DECIDED,
       pb::SIGNPOSTED,
       {kChair},
       false,
       MadeBy::kPanelDecision},
      {"T9",
       pb::PANEL_DECIDED,
       pb::POLICE_MANAGED,
       {kChair},
       false,
       MadeBy::kPanelDecision},
      {"T11",
       pb::CONSENT_PENDING,
       pb::SUPPORT_ACTIVE,
       {kCoordinator},
       false,
       MadeBy::kConsent},
      {"T12",
       pb::CONSENT_PENDING,
       pb::CONSENT_DECLINED,
       {kCoordinator},
       false,
       MadeBy::kConsent},
      {"T12",
       pb::SUPPORT_ACTIVE,
       pb::CONSENT_DECLINED,
       {kCoordinator},
       false,
       MadeBy::kConsent},
      // s.36(4)(e): the panel re-assesses; the police may take the case.
      {"T12", pb::CONSENT_DECLINED, pb::PANEL_LISTED, {kCoordinator}},
      {"T12", pb::CONSENT_DECLINED, pb::CLOSED, {kCoordinator}},
      {"T12", pb::CONSENT_DECLINED, pb::POLICE_MANAGED, {kGateway}},
      {"T13",
       pb::SUPPORT_ACTIVE,
       pb::EXITED,
       {kChair},
       false,
       MadeBy::kPanelDecision},
      // P17: a review opens once its date has come (the hub schedules the
      // dates at exit; the coordinator or chair opens the review).
      {"T13",
       pb::EXITED,
       pb::REVIEW_6M_DUE,
       {kCoordinator, kChair},
       false,
       MadeBy::kTransition,
       Guard::kReviewDue},
      {"T13",
       pb::REVIEW_6M_DUE,
       pb::REVIEW_12M_DUE,
       {kCoordinator, kChair},
       false,
       MadeBy::kTransition,
       Guard::kReviewDue},
      {"T15", pb::CLOSED, pb::RETENTION_HOLD, {}, false, MadeBy::kSystem},
      {"T15", pb::RETENTION_HOLD, pb::ERASED, {}, false, MadeBy::kSystem},
      {"T15",
       pb::RETENTION_HOLD,
       pb::RETAIN_EXTENDED,
       {},
       false,
       MadeBy::kSystem},
      // Signposted cases close once the coordinator has handed them over.
      {"T6", pb::SIGNPOSTED, pb::CLOSED, {kCoordinator}},
      // A police-managed case may be transferred back to Channel.
      {"T6", pb::POLICE_MANAGED, pb::INFO_GATHERING, {kGateway}},
      // Before screening the referrer may withdraw (kept and logged).
      {"T1", pb::SUBMITTED, pb::WITHDRAWN, {}, true},
  };
  for (ReferralState to : {pb::CLOSED_NFA, pb::SIGNPOSTED, pb::POLICE_MANAGED,
                           pb::INFO_GATHERING}) {
    moves.push_back({"T6",
                     pb::POLICE_GATEWAY,
                     to,
                     {kGateway},
                     false,
                     MadeBy::kTransition,
                     Guard::kGatewayDecision});
  }
  for (ReferralState from :
       {pb::REVIEW_6M_DUE, pb::REVIEW_12M_DUE, pb::REVIEW_EXTENDED}) {
    for (ReferralState to :
         {pb::CLOSED, pb::PANEL_LISTED, pb::REVIEW_EXTENDED}) {
      if (from == to) continue;
      moves.push_back({"T14",
                       from,
                       to,
                       {kChair},
                       false,
                       MadeBy::kTransition,
                       to == pb::REVIEW_EXTENDED ? Guard::kWithinReviewLimit
                                                 : Guard::kNone});
    }
  }
  return moves;
}

}  // namespace

const std::vector<Move>& Moves() {
  static const auto* const moves = new std::vector<Move>(BuildMoves());
  return *moves;
}

absl::StatusOr<const Move*> FindMove(ReferralState from, ReferralState to) {
  std::vector<std::string> targets;
  for (const Move& move : Moves()) {
    if (move.from != from) continue;
    if (move.to == to) return &move;
    targets.push_back(pb::ReferralState_Name(move.to));
  }
  if (targets.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("to: a referral in ", pb::ReferralState_Name(from),
                     " cannot move to another state"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "to: a referral in ", pb::ReferralState_Name(from), " cannot move to ",
      pb::ReferralState_Name(to), "; from ", pb::ReferralState_Name(from),
      " it can move to ", absl::StrJoin(targets, ", ")));
}

bool MayMake(const Move& move, const std::vector<Role>& roles,
             bool is_referrer) {
  if (move.referrer && is_referrer) return true;
  for (Role role : roles) {
    for (Role allowed : move.roles) {
      if (role == allowed) return true;
    }
  }
  return false;
}

RoutingOutcome OutcomeFor(ReferralState to) {
  switch (to) {
    case pb::INFO_GATHERING:
      return prevent::records::v1::PROCEED_TO_CHANNEL_INFO_GATHERING;
    case pb::POLICE_MANAGED:
      return prevent::records::v1::POLICE_MANAGED;
    case pb::SIGNPOSTED:
      return prevent::records::v1::NOT_PREVENT_SIGNPOST;
    case pb::CLOSED_NFA:
      return prevent::records::v1::NO_FURTHER_ACTION;
    default:
      return prevent::records::v1::ROUTING_OUTCOME_UNSPECIFIED;
  }
}

Referral::StatusBucket BucketFor(ReferralState state, bool feedback_released) {
  switch (state) {
    case pb::SUBMITTED:
      return Referral::RECEIVED;
    case pb::SCREENING:
    case pb::AWAITING_REFERRER_INFO:
    case pb::POLICE_GATEWAY:
      return Referral::BEING_ASSESSED;
    case pb::CLOSED_NFA:
    case pb::SIGNPOSTED:
    case pb::CLOSED:
    case pb::WITHDRAWN:
    case pb::RETENTION_HOLD:
    case pb::RETAIN_EXTENDED:
    case pb::ERASED:
    case pb::MERGED:
      return feedback_released ? Referral::CLOSED_FEEDBACK_AVAILABLE
                               : Referral::BEING_ASSESSED;
    default:
      // Police-managed and Channel cases alike: the referrer is not told
      // which (P08).
      return Referral::IN_PROGRESS_WITH_PREVENT_PARTNERSHIP;
  }
}

}  // namespace hub::referrals
