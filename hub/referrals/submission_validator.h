// Checks a referral submission (T1) before the hub accepts it: required
// fields, sizes, dates, enum values, NHS numbers, and that the referrer has
// not set anything the hub assigns. Pure functions, no I/O; thread-safe.
#ifndef HUB_REFERRALS_SUBMISSION_VALIDATOR_H_
#define HUB_REFERRALS_SUBMISSION_VALIDATOR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/records.pb.h"

namespace hub::referrals {

// Returns OK if `s` may be accepted as a new referral on the day `now` falls
// on (UTC), else InvalidArgumentError for the first problem found. The
// message starts with the field's path in proto names, then says what is
// wrong and what to do, e.g.
//   "submission.referral.indicators[2].detail: too long (1204 characters);
//    shorten it to at most 1000 characters".
// Messages never quote the submitted values, so they may be logged.
//
// The checks run in a fixed order, so the same submission always gives the
// same error:
//   1. referral.immediate_risk: a submission that sets it is refused with
//      "submission.referral.immediate_risk: ... call 999 now ...";
//   2. fields the hub assigns (ids, reference, state, dates, area code,
//      prior referrals, feedback, ...) must be left out;
//   3. every other field in proto order (subject, related_persons,
//      referral): required fields, lengths in Unicode code points, UTF-8,
//      control characters, dates, enum values and element counts.
absl::Status ValidateSubmission(
    const prevent::records::v1::ReferralSubmission& s, absl::Time now);

// The age in completed years, on the UTC calendar day of `when`, of a person
// born on `dob` ("YYYY-MM-DD"). The birthday counts from the start of its
// day; someone born on 29 February gains a year on 1 March in other years.
// Returns -1 if `dob` is not a valid date or falls after that day.
int AgeOn(absl::string_view dob, absl::Time when);

}  // namespace hub::referrals

#endif  // HUB_REFERRALS_SUBMISSION_VALIDATOR_H_
