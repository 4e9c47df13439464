#include "hub/deconfliction/soundex.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {
namespace {

// '0' for a vowel or y (which separates equal codes), '-' for h and w (which
// do not), else the consonant's digit.
char CodeOf(char lower) {
  switch (lower) {
    case 'b':
    case 'f':
    case 'p':
    case 'v':
      return '1';
    case 'c':
    case 'g':
    case 'j':
    case 'k':
    case 'q':
    case 's':
    case 'x':
    case 'z':
      return '2';
    case 'd':
    case 't':
      return '3';
    case 'l':
      return '4';
    case 'm':
    case 'n':
      return '5';
    case 'r':
      return '6';
    case 'h':
    case 'w':
      return '-';
    default:
      return '0';
  }
}

}  // namespace

std::string Soundex(absl::string_view word) {
  std::string code;
  char previous = 0;
  for (char c : word) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) continue;
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    const char digit = CodeOf(lower);
    if (code.empty()) {
      code.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
      // The first letter's own code still suppresses a repeat ("Pfister").
      previous = digit;
      continue;
    }
    if (digit == '-') continue;
    if (digit != '0' && digit != previous) {
      code.push_back(digit);
      if (code.size() == 4) return code;
    }
    previous = digit;
  }
  if (code.empty()) return code;
  code.resize(4, '0');
  return code;
}

}  // namespace hub::deconfliction::internal
