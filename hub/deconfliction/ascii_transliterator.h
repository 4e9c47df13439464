// AsciiTransliterator writes text in any script in plain ASCII (ICU's
// "Any-Latin; Latin-ASCII"): "Мухаммед" becomes "Muhammed", "José" "Jose",
// "Γιώργος" "Giorgos". ICU's transliterators are not thread-safe, so each
// call borrows one from a pool of clones; the object itself is thread-safe.
#ifndef HUB_DECONFLICTION_ASCII_TRANSLITERATOR_H_
#define HUB_DECONFLICTION_ASCII_TRANSLITERATOR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

class AsciiTransliterator {
 public:
  // Builds ICU's transliterator; an error (INTERNAL) only if ICU's data
  // lacks it.
  static absl::StatusOr<std::unique_ptr<AsciiTransliterator>> Create();

  ~AsciiTransliterator();
  AsciiTransliterator(const AsciiTransliterator&) = delete;
  AsciiTransliterator& operator=(const AsciiTransliterator&) = delete;

  // `utf8` in Latin letters without diacritics. Plain ASCII comes back
  // unchanged without ICU's help. Characters with no ASCII form (e.g. the
  // Arabic ayin's "ʿ") are dropped, and so are invalid UTF-8 sequences.
  std::string ToAscii(absl::string_view utf8) const;

 private:
  class Pool;
  explicit AsciiTransliterator(std::unique_ptr<Pool> pool);

  std::unique_ptr<Pool> pool_;
};

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_ASCII_TRANSLITERATOR_H_
