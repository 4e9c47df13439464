// What the hub accepts as a CTLP briefing to publish (SPEC §2.5, P05, P06):
// only OFFICIAL material (OFFICIAL-SENSITIVE at most), nothing derived from
// the intelligence services, every body for an audience the policy defines
// and within that audience's marking, and an approved, expiring variant for
// every audience given a body. Pure; thread-safe.
#ifndef HUB_BRIEFINGS_BRIEFING_VALIDATOR_H_
#define HUB_BRIEFINGS_BRIEFING_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::briefings {

// OK, or INVALID_ARGUMENT naming the first field that is wrong (e.g.
// "draft.sections[2].marking") and what to do about it. `audiences` are
// the policy file's briefing audiences; `now` the time of publishing.
absl::Status ValidateBriefing(
    const prevent::records::v1::BriefingDraft& draft,
    const google::protobuf::RepeatedPtrField<
        prevent::policy::v1::BriefingAudience>& audiences,
    absl::Time now);

}  // namespace hub::briefings

#endif  // HUB_BRIEFINGS_BRIEFING_VALIDATOR_H_
