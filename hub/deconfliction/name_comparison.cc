#include "hub/deconfliction/name_comparison.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "hub/deconfliction/jaro_winkler.h"
#include "hub/deconfliction/name_tables.h"
#include "hub/deconfliction/soundex.h"

namespace hub::deconfliction::internal {
namespace {

using ::prevent::match::v1::MatchProfile;

constexpr double kTypoSimilarity = 0.90;
// Names that sound alike (the same Soundex code, e.g. Smith and Smyth) need
// less similarity of spelling.
constexpr double kPhoneticSimilarity = 0.80;

// True if `initial` is one letter that `token` begins with.
bool IsInitialOf(absl::string_view initial, absl::string_view token) {
  return initial.size() == 1 && token.size() > 1 && token[0] == initial[0];
}

bool Anagrams(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  std::string x(a);
  std::string y(b);
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

// Calls f(token) for `tokens`, then for `joined` if it is not empty; stops
// and returns true as soon as f does.
template <typename F>
bool AnyToken(const std::vector<absl::string_view>& tokens,
              absl::string_view joined, F f) {
  for (absl::string_view token : tokens) {
    if (f(token)) return true;
  }
  return !joined.empty() && f(joined);
}

// `first` (one name's first forename) matches one of the other name's
// forenames.
bool FirstForenameMatches(absl::string_view first,
                          const std::vector<absl::string_view>& forenames,
                          absl::string_view joined, bool allow_initial,
                          const NameTables& tables) {
  return AnyToken(forenames, joined, [&](absl::string_view other) {
    return TokensMatch(first, other, tables) ||
           (allow_initial &&
            (IsInitialOf(first, other) || IsInitialOf(other, first)));
  });
}

// Forenames `af` (joined `afj`) and surnames `as` (`asj`) of one name
// against `bf`, `bs` of another: either first forename matches and so does a
// surname token.
bool VariantParts(const std::vector<absl::string_view>& af,
                  absl::string_view afj,
                  const std::vector<absl::string_view>& as,
                  absl::string_view asj,
                  const std::vector<absl::string_view>& bf,
                  absl::string_view bfj,
                  const std::vector<absl::string_view>& bs,
                  absl::string_view bsj, const NameTables& tables) {
  if (af.empty() || as.empty() || bf.empty() || bs.empty()) return false;
  const bool surname_match = AnyToken(as, asj, [&](absl::string_view x) {
    return AnyToken(bs, bsj, [&](absl::string_view y) {
      return TokensMatch(x, y, tables);
    });
  });
  if (!surname_match) return false;
  const bool exact_surname = as == bs;
  return FirstForenameMatches(af.front(), bf, bfj, exact_surname, tables) ||
         FirstForenameMatches(bf.front(), af, afj, exact_surname, tables);
}

bool Variant(const NameParts& a, const NameParts& b, const NameTables& tables) {
  const std::string& afj = a.joined_forenames;
  const std::string& asj = a.joined_surnames;
  const std::string& bfj = b.joined_forenames;
  const std::string& bsj = b.joined_surnames;
  return VariantParts(a.forenames, afj, a.surnames, asj, b.forenames, bfj,
                      b.surnames, bsj, tables) ||
         // b with forenames and surnames swapped, then a.
         VariantParts(a.forenames, afj, a.surnames, asj, b.surnames, bsj,
                      b.forenames, bfj, tables) ||
         VariantParts(a.surnames, asj, a.forenames, afj, b.forenames, bfj,
                      b.surnames, bsj, tables);
}

std::vector<absl::string_view> ViewsOf(
    const google::protobuf::RepeatedPtrField<std::string>& tokens) {
  return std::vector<absl::string_view>(tokens.begin(), tokens.end());
}

std::string Joined(const std::vector<absl::string_view>& tokens) {
  return tokens.size() > 1 ? absl::StrJoin(tokens, "") : std::string();
}

}  // namespace

std::vector<NameParts> NamesOf(const MatchProfile& person) {
  std::vector<NameParts> names;
  if (!person.forenames().empty() || !person.surnames().empty()) {
    NameParts name;
    name.forenames = ViewsOf(person.forenames());
    name.surnames = ViewsOf(person.surnames());
    names.push_back(std::move(name));
  }
  for (const std::string& alias : person.aliases()) {
    std::vector<absl::string_view> tokens =
        absl::StrSplit(alias, ' ', absl::SkipEmpty());
    if (tokens.empty()) continue;
    NameParts name;
    if (tokens.size() > 1) {
      name.surnames.push_back(tokens.back());
      tokens.pop_back();
    }
    name.forenames = std::move(tokens);
    names.push_back(std::move(name));
  }
  for (NameParts& name : names) {
    name.joined_forenames = Joined(name.forenames);
    name.joined_surnames = Joined(name.surnames);
  }
  return names;
}

bool TokensMatch(absl::string_view a, absl::string_view b,
                 const NameTables& tables) {
  if (a == b) return true;
  if (tables.Equivalent(a, b)) return true;
  if (a.size() < kTypoMinLength || b.size() < kTypoMinLength) return false;
  // A final "a" often makes another person's name (Daniel and Daniela,
  // Petrov and Petrova) rather than a typo, unless the letters are merely
  // transposed (Rahman, Rahmna). Spellings that differ only so (Hamza,
  // Hamzah) are in the variant table.
  if ((a.back() == 'a') != (b.back() == 'a') && !Anagrams(a, b)) return false;
  if (a[0] != b[0]) return false;
  const double similarity = JaroWinkler(a, b);
  return similarity >= kTypoSimilarity ||
         (similarity >= kPhoneticSimilarity && Soundex(a) == Soundex(b));
}

bool NamesExact(const MatchProfile& a, const MatchProfile& b) {
  if (a.forenames().empty() || a.surnames().empty()) return false;
  return std::equal(a.forenames().begin(), a.forenames().end(),
                    b.forenames().begin(), b.forenames().end()) &&
         std::equal(a.surnames().begin(), a.surnames().end(),
                    b.surnames().begin(), b.surnames().end());
}

bool NamesVariant(const std::vector<NameParts>& a,
                  const std::vector<NameParts>& b, const NameTables& tables) {
  for (const NameParts& x : a) {
    for (const NameParts& y : b) {
      if (Variant(x, y, tables)) return true;
    }
  }
  return false;
}

bool SurnamesMatch(const std::vector<NameParts>& a,
                   const std::vector<NameParts>& b, const NameTables& tables) {
  for (const NameParts& x : a) {
    for (const NameParts& y : b) {
      const bool match =
          AnyToken(x.surnames, x.joined_surnames, [&](absl::string_view s) {
            return AnyToken(
                y.surnames, y.joined_surnames,
                [&](absl::string_view t) { return TokensMatch(s, t, tables); });
          });
      if (match) return true;
    }
  }
  return false;
}

}  // namespace hub::deconfliction::internal
