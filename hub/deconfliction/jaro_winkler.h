// Jaro-Winkler similarity of two strings, for spotting typing errors in
// names. Pure; thread-safe.
#ifndef HUB_DECONFLICTION_JARO_WINKLER_H_
#define HUB_DECONFLICTION_JARO_WINKLER_H_

#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

// The Jaro similarity of `a` and `b` (bytes, compared exactly): 1 for equal
// strings, 0 when they share no character within the match window
// (max(|a|, |b|) / 2 - 1 apart), else the mean of m/|a|, m/|b| and
// (m - t)/m for m matching characters and t half-transpositions / 2.
// 0 when either is empty and they differ.
double Jaro(absl::string_view a, absl::string_view b);

// Winkler's refinement: Jaro(a, b) + l * 0.1 * (1 - Jaro(a, b)) for a common
// prefix of l <= 4 characters, applied when Jaro(a, b) >= 0.7. In [0, 1]:
// MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813.
double JaroWinkler(absl::string_view a, absl::string_view b);

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_JARO_WINKLER_H_
