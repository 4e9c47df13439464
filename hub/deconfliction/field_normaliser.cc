#include "hub/deconfliction/field_normaliser.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace hub::deconfliction::internal {
namespace {

constexpr size_t kMinPhoneDigits = 6;

std::string DigitsOf(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  return digits;
}

// The value of `digits` (all ASCII digits), or -1 if it is not.
int ParseDigits(absl::string_view digits) {
  if (digits.empty()) return -1;
  int value = 0;
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

int DaysIn(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string NormalisePostcode(absl::string_view postcode) {
  std::string out;
  for (char c : postcode) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u)) out.push_back(absl::ascii_toupper(u));
  }
  return out;
}

std::string NormaliseNhsNumber(absl::string_view nhs_number) {
  std::string digits = DigitsOf(nhs_number);
  if (digits.size() != 10) return "";
  return digits;
}

std::string NormalisePhone(absl::string_view phone) {
  absl::string_view rest = absl::StripAsciiWhitespace(phone);
  bool uk_international = false;
  if (absl::ConsumePrefix(&rest, "+")) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    uk_international = absl::ConsumePrefix(&rest, "44");
    if (!uk_international) {
      std::string digits = DigitsOf(rest);
      return digits.size() < kMinPhoneDigits ? "" : digits;
    }
  } else {
    uk_international = absl::ConsumePrefix(&rest, "0044");
  }
  std::string digits = DigitsOf(rest);
  if (uk_international) {
    // "+44 (0)7700 ..." keeps its trunk zero: do not add another.
    if (!absl::StartsWith(digits, "0")) digits.insert(digits.begin(), '0');
  }
  return digits.size() < kMinPhoneDigits ? "" : digits;
}

std::string NormaliseEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

std::string NormaliseHandle(absl::string_view handle) {
  absl::string_view rest = absl::StripAsciiWhitespace(handle);
  while (absl::ConsumePrefix(&rest, "@")) {
  }
  return absl::AsciiStrToLower(rest);
}

Dob ParseDob(absl::string_view dob, bool year_only) {
  dob = absl::StripAsciiWhitespace(dob);
  Dob parsed;
  if (year_only && dob.size() == 4) {
    const int year = ParseDigits(dob);
    if (year > 0) parsed.year = year;
    return parsed;
  }
  if (dob.size() != 10 || dob[4] != '-' || dob[7] != '-') return parsed;
  const int year = ParseDigits(dob.substr(0, 4));
  const int month = ParseDigits(dob.substr(5, 2));
  const int day = ParseDigits(dob.substr(8, 2));
  if (year <= 0 || month < 1 || month > 12 || day < 1 ||
      day > DaysIn(year, month)) {
    return parsed;
  }
  parsed.year = year;
  if (year_only) return parsed;
  parsed.month = month;
  parsed.day = day;
  return parsed;
}

}  // namespace hub::deconfliction::internal
