// American Soundex (as the US National Archives codes surnames): a letter and
// three digits that sound-alike spellings share. Pure; thread-safe.
#ifndef HUB_DECONFLICTION_SOUNDEX_H_
#define HUB_DECONFLICTION_SOUNDEX_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

// The Soundex code of `word`, e.g. "R163" for "Robert" and "Rupert": its
// first letter in upper case, then the codes of the consonants that follow
// (b f p v 1; c g j k q s x z 2; d t 3; l 4; m n 5; r 6), padded with zeros
// or cut to three digits. Adjacent letters with the same code count once,
// also across h and w; vowels (and y) separate them. Characters other than
// ASCII letters are ignored; "" when `word` has no letter.
std::string Soundex(absl::string_view word);

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_SOUNDEX_H_
