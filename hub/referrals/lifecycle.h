// The referral lifecycle of SPEC §2.1 as data: every move between states,
// who may make it, what it needs, and what the referrer is told of each
// state. The policy engine separately decides whether the caller may update
// the referral at all (purpose, agreement, area); a move is made only if
// both allow it. Pure; no I/O.
#ifndef HUB_REFERRALS_LIFECYCLE_H_
#define HUB_REFERRALS_LIFECYCLE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::referrals {

using ReferralState = prevent::policy::v1::ReferralState;
using Role = prevent::policy::v1::Role;

// How a move is made.
enum class MadeBy {
  kTransition,     // ReferralService.Transition, with a reason
  kPanelDecision,  // recording a panel decision (T9, T10, T13)
  kConsent,        // recording consent given, refused or withdrawn (T11, T12)
  kSystem,         // the hub itself: review dates, retention (T15)
};

// What a move needs beyond the caller's role.
enum class Guard {
  kNone,
  // T6: the CT gateway's routing outcome (matching the target state) and
  // PAF summary code.
  kGatewayDecision,
  // T8: no information request is still awaiting its answer.
  kInformationGathered,
  // T13, P17: the post-exit review the move opens is due (6 or 12 months
  // after exit).
  kReviewDue,
  // T14, P17: reviews extend at most to 24 months after exit.
  kWithinReviewLimit,
};

struct Move {
  const char* label;  // the SPEC row, e.g. "T5"
  ReferralState from;
  ReferralState to;
  std::vector<Role> roles;  // any of these may make it
  bool referrer = false;    // the referral's own referrer may make it
  MadeBy made_by = MadeBy::kTransition;
  Guard guard = Guard::kNone;
};

// Every move of the lifecycle.
const std::vector<Move>& Moves();

// The move from `from` to `to`; FAILED_PRECONDITION naming the states the
// referral can go to from `from` if there is none.
absl::StatusOr<const Move*> FindMove(ReferralState from, ReferralState to);

// Whether a caller holding `roles` (and, if `is_referrer`, the referral's
// referrer) may make `move`.
bool MayMake(const Move& move, const std::vector<Role>& roles,
             bool is_referrer);

// The routing outcome a T6 move to `to` records (UNSPECIFIED if `to` is not
// a gateway outcome state).
prevent::records::v1::RoutingOutcome OutcomeFor(ReferralState to);

// What the referrer is told of a referral in `state` (SPEC §2.1 buckets).
prevent::records::v1::Referral::StatusBucket BucketFor(ReferralState state,
                                                       bool feedback_released);

}  // namespace hub::referrals

#endif  // HUB_REFERRALS_LIFECYCLE_H_
