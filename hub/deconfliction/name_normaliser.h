// Names as the matcher compares them: lower-case ASCII tokens, whatever the
// script, case, diacritics and punctuation they were written with, and with
// surname particles ("al", "van", "de", ...) set aside. Pure; thread-safe.
#ifndef HUB_DECONFLICTION_NAME_NORMALISER_H_
#define HUB_DECONFLICTION_NAME_NORMALISER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "hub/deconfliction/ascii_transliterator.h"

namespace hub::deconfliction::internal {

// The tokens of the name `text` (UTF-8, any script), in order: transliterated
// to ASCII, lower case, letters only. Apostrophes join ("O'Brien" gives
// "obrien"); anything else that is not a letter (spaces, hyphens, dots,
// commas, digits) separates ("Lindgren-Cole" gives "lindgren", "cole";
// "R. Marsh" gives "r", "marsh"). Empty for a name with no letters.
std::vector<std::string> NameTokens(absl::string_view text,
                                    const AsciiTransliterator& transliterator);

// True if `token` is a surname particle: a normalised token such as "al",
// "bin", "van", "der", "de" or "le" that joins a surname rather than tells
// people apart.
bool IsSurnameParticle(absl::string_view token);

// Removes the particles among (*tokens)[from...], unless that would leave
// *tokens without a token that is not a particle (a surname that is only
// "Le" stays "le").
void DropSurnameParticles(std::vector<std::string>* tokens, size_t from = 0);

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_NAME_NORMALISER_H_
