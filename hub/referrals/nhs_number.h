// NHS numbers: the ten-digit patient identifier used by the NHS in England,
// Wales and the Isle of Man, whose last digit is a Modulus 11 check digit.
// Pure functions; thread-safe.
#ifndef HUB_REFERRALS_NHS_NUMBER_H_
#define HUB_REFERRALS_NHS_NUMBER_H_

#include "absl/strings/string_view.h"

namespace hub::referrals {

// True if `value` is an NHS number: exactly ten ASCII digits once spaces and
// hyphens are ignored (so "999 526 0182" and "999-526-0182" are accepted),
// whose tenth digit is the Modulus 11 check digit of the first nine (weights
// 10 down to 2; check = 11 - sum % 11, where 11 means 0 and 10 means the
// number was never issued). False for anything else, including "".
bool IsValidNhsNumber(absl::string_view value);

}  // namespace hub::referrals

#endif  // HUB_REFERRALS_NHS_NUMBER_H_
