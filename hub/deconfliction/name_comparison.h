// How the matcher compares names (SPEC 2.3): token by token (equal, the
// same name in the variant and nickname tables, or a typing error), then
// whole names as exact or as variants of each other. Pure; thread-safe.
#ifndef HUB_DECONFLICTION_NAME_COMPARISON_H_
#define HUB_DECONFLICTION_NAME_COMPARISON_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hub/deconfliction/name_tables.h"
#include "proto/match.pb.h"

namespace hub::deconfliction::internal {

// One name a person goes by, as views of a MatchProfile's tokens: the
// profile must outlive it.
struct NameParts {
  std::vector<absl::string_view> forenames;
  std::vector<absl::string_view> surnames;
  // The forenames (surnames) written as one token when there are several
  // ("abdul rahman" gives "abdulrahman"), else "".
  std::string joined_forenames;
  std::string joined_surnames;
};

// The names `person` goes by: their name (if it has any token), then each
// alias, whose last token counts as its surname ("mo khan" is forename "mo",
// surname "khan"; a one-word alias has no surname).
std::vector<NameParts> NamesOf(const prevent::match::v1::MatchProfile& person);

// Tokens shorter than this are never typing errors of each other.
inline constexpr size_t kTypoMinLength = 3;

// True if tokens `a` and `b` are the same name: equal, in a common group of
// `tables`, or a typing error of each other (both at least kTypoMinLength
// long, the same first letter, both or neither ending in "a" unless one is
// an anagram of the other, Jaro-Winkler similarity at least 0.90, or 0.80
// if they sound alike: the same Soundex code). The first
// letter must agree so that every typo shares a blocking key
// (Matcher::IndexKeys); people rarely mistype it.
bool TokensMatch(absl::string_view a, absl::string_view b,
                 const NameTables& tables);

// True if the people's names are exactly the same: the same forename tokens
// and the same surname tokens, in order, and neither list empty. Aliases do
// not count.
bool NamesExact(const prevent::match::v1::MatchProfile& a,
                const prevent::match::v1::MatchProfile& b);

// True if some name of `a` and some name of `b` (see NamesOf) are variants:
// the first forename of one matches (TokensMatch) a forename of the other,
// and a surname token of one matches a surname token of the other, where a
// name's joined forenames and joined surnames count as tokens too. A lone
// initial ("r") matches a forename it begins, but only when the surnames
// are exactly the same. A name also counts with its forenames and surnames
// swapped ("hassan ali" and "ali hassan"). Both names need a forename and a
// surname.
bool NamesVariant(const std::vector<NameParts>& a,
                  const std::vector<NameParts>& b, const NameTables& tables);

// True if a surname token of some name of `a` matches (TokensMatch) a
// surname token of some name of `b`, joined surnames included.
bool SurnamesMatch(const std::vector<NameParts>& a,
                   const std::vector<NameParts>& b, const NameTables& tables);

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_NAME_COMPARISON_H_
