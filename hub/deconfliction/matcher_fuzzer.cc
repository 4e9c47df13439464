// libFuzzer target (TESTING §3.7, item 3): the names, dates and identifiers a
// deconfliction query carries are untrusted input, in any script. Any bytes,
// split into a query and a candidate person, must normalise, key and grade
// without a crash, leak or undefined behaviour; the grade must not depend on
// which side is the query; and every pair graded POSSIBLE or better must
// share a blocking key, or the index would never find it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "hub/deconfliction/matcher.h"

namespace {

using hub::deconfliction::Comparison;
using hub::deconfliction::Grade;
using hub::deconfliction::Matcher;
using hub::deconfliction::MatchProfile;
using hub::deconfliction::Person;

// Fields one per line: forenames, surname, alias, dob, postcode, NHS number,
// phone, email.
Person PersonFrom(const std::vector<absl::string_view>& lines, size_t at) {
  auto line = [&](size_t i) {
    return at + i < lines.size() ? std::string(lines[at + i]) : std::string();
  };
  Person person;
  person.forenames = line(0);
  person.surname = line(1);
  if (!line(2).empty()) person.aliases.push_back(line(2));
  person.dob = line(3);
  person.postcode = line(4);
  person.nhs_number = line(5);
  if (!line(6).empty()) person.phones.push_back(line(6));
  if (!line(7).empty()) person.emails.push_back(line(7));
  return person;
}

bool ShareAKey(const std::vector<std::string>& indexed,
               const std::vector<std::string>& looked_up) {
  for (const std::string& key : looked_up) {
    if (std::find(indexed.begin(), indexed.end(), key) != indexed.end()) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Matcher* const matcher = Matcher::Create()->release();
  const std::vector<absl::string_view> lines = absl::StrSplit(
      absl::string_view(reinterpret_cast<const char*>(data), size), '\n');
  const MatchProfile query = matcher->Normalise(PersonFrom(lines, 0));
  const MatchProfile candidate = matcher->Normalise(PersonFrom(lines, 8));
  const Comparison one = matcher->Compare(query, candidate);
  const Comparison other = matcher->Compare(candidate, query);
  if (one.grade != other.grade || one.reasons != other.reasons) std::abort();
  if (one.grade != Grade::kNoMatch &&
      !ShareAKey(matcher->IndexKeys(candidate), matcher->QueryKeys(query))) {
    std::abort();
  }
  return 0;
}
