#include "hub/deconfliction/ascii_transliterator.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace hub::deconfliction::internal {
namespace {

constexpr char kRules[] = "Any-Latin; Latin-ASCII";

bool IsAscii(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

}  // namespace

// Idle clones of one prototype. transliterate() mutates a transliterator's
// internal state, so a clone serves one call at a time; the pool grows to the
// number of threads transliterating at once and no further.
class AsciiTransliterator::Pool {
 public:
  explicit Pool(std::unique_ptr<icu::Transliterator> prototype)
      : prototype_(std::move(prototype)) {}

  std::unique_ptr<icu::Transliterator> Borrow() {
    {
      absl::MutexLock lock(&mu_);
      if (!idle_.empty()) {
        std::unique_ptr<icu::Transliterator> t = std::move(idle_.back());
        idle_.pop_back();
        return t;
      }
    }
    // clone() only reads the prototype, which nobody transliterates with.
    return std::unique_ptr<icu::Transliterator>(prototype_->clone());
  }

  void Return(std::unique_ptr<icu::Transliterator> t) {
    if (t == nullptr) return;
    absl::MutexLock lock(&mu_);
    idle_.push_back(std::move(t));
  }

 private:
  const std::unique_ptr<icu::Transliterator> prototype_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<icu::Transliterator>> idle_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<AsciiTransliterator>>
AsciiTransliterator::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> prototype(
      icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8(kRules),
                                          UTRANS_FORWARD, status));
  if (U_FAILURE(status) || prototype == nullptr) {
    return absl::InternalError(absl::StrCat(
        "ICU has no transliterator '", kRules, "': ", u_errorName(status)));
  }
  return std::unique_ptr<AsciiTransliterator>(
      new AsciiTransliterator(std::make_unique<Pool>(std::move(prototype))));
}

AsciiTransliterator::AsciiTransliterator(std::unique_ptr<Pool> pool)
    : pool_(std::move(pool)) {}

AsciiTransliterator::~AsciiTransliterator() = default;

std::string AsciiTransliterator::ToAscii(absl::string_view utf8) const {
  if (IsAscii(utf8)) return std::string(utf8);
  // fromUTF8 turns invalid sequences into U+FFFD, dropped below.
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::unique_ptr<icu::Transliterator> t = pool_->Borrow();
  if (t != nullptr) t->transliterate(text);
  pool_->Return(std::move(t));
  std::string out;
  text.toUTF8String(out);
  std::string ascii;
  ascii.reserve(out.size());
  for (char c : out) {
    if (static_cast<unsigned char>(c) < 0x80) ascii.push_back(c);
  }
  return ascii;
}

}  // namespace hub::deconfliction::internal
