#include "hub/referrals/nhs_number.h"

#include "absl/strings/string_view.h"

namespace hub::referrals {

bool IsValidNhsNumber(absl::string_view value) {
  int digits[10];
  int count = 0;
  for (char c : value) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9' || count == 10) return false;
    digits[count++] = c - '0';
  }
  if (count != 10) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += digits[i] * (10 - i);
  int check = 11 - sum % 11;
  if (check == 11) check = 0;
  // A remainder giving 10 has no check digit: no such number is issued.
  if (check == 10) return false;
  return digits[9] == check;
}

}  // namespace hub::referrals
