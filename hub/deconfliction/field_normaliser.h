// The normal forms of the identifying fields other than names: the form two
// spellings of the same postcode, NHS number, phone number, email address,
// handle or date of birth share. Pure functions; thread-safe.
#ifndef HUB_DECONFLICTION_FIELD_NORMALISER_H_
#define HUB_DECONFLICTION_FIELD_NORMALISER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

// `postcode` in upper case with only its letters and digits ("zz1 7pq" gives
// "ZZ17PQ"); "" if it has none.
std::string NormalisePostcode(absl::string_view postcode);

// The digits of `nhs_number` if there are exactly ten ("943 476 5919" gives
// "9434765919"), else "". The check digit is the referral validator's
// concern, not matching's.
std::string NormaliseNhsNumber(absl::string_view nhs_number);

// The digits of `phone` in UK national form: an international "+44" or
// "0044" prefix becomes "0", and the "(0)" some write after it is dropped
// ("+44 (0)7700 900123" gives "07700900123"). Other countries' numbers keep
// their digits. "" if fewer than six digits remain: too few to identify
// anyone.
std::string NormalisePhone(absl::string_view phone);

// `email` without surrounding white space, in lower case; "" if nothing
// remains.
std::string NormaliseEmail(absl::string_view email);

// `handle` without surrounding white space or leading '@', in lower case;
// "" if nothing remains.
std::string NormaliseHandle(absl::string_view handle);

// A date of birth; a part that is not known is 0.
struct Dob {
  int year = 0;
  int month = 0;
  int day = 0;
};

// `dob` read as "YYYY-MM-DD" (a real date: no 31 April, 29 February only in
// a leap year). With `year_only`, "YYYY" is accepted too and only the year
// is kept. Anything else is not known: all zero.
Dob ParseDob(absl::string_view dob, bool year_only);

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_FIELD_NORMALISER_H_
