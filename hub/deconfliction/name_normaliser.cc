#include "hub/deconfliction/name_normaliser.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "hub/deconfliction/ascii_transliterator.h"

namespace hub::deconfliction::internal {
namespace {

// Particles of Arabic, Dutch, German, French, Italian, Spanish, Portuguese
// and South Asian surnames. Not "das" (a Bengali surname in its own right)
// nor "mac"/"mc" (part of the name, not a particle).
constexpr absl::string_view kParticles[] = {
    "abu", "al",  "bin", "bint", "da", "de",  "del", "della", "den",
    "der", "des", "di",  "dos",  "du", "el",  "ibn", "la",    "le",
    "les", "ten", "ter", "ud",   "ul", "van", "von"};

}  // namespace

std::vector<std::string> NameTokens(absl::string_view text,
                                    const AsciiTransliterator& transliterator) {
  const std::string ascii = transliterator.ToAscii(text);
  std::vector<std::string> tokens;
  std::string token;
  for (char c : ascii) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalpha(u)) {
      token.push_back(absl::ascii_tolower(u));
    } else if (c == '\'' || c == '`') {
      // An elided letter, not a boundary: O'Brien, D'Souza, N'Golo.
    } else if (!token.empty()) {
      tokens.push_back(std::move(token));
      token.clear();
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

bool IsSurnameParticle(absl::string_view token) {
  return std::find(std::begin(kParticles), std::end(kParticles), token) !=
         std::end(kParticles);
}

void DropSurnameParticles(std::vector<std::string>* tokens, size_t from) {
  const bool has_name =
      std::any_of(tokens->begin(), tokens->end(),
                  [](const std::string& t) { return !IsSurnameParticle(t); });
  if (!has_name || from >= tokens->size()) return;
  tokens->erase(
      std::remove_if(tokens->begin() + static_cast<std::ptrdiff_t>(from),
                     tokens->end(), IsSurnameParticle),
      tokens->end());
}

}  // namespace hub::deconfliction::internal
