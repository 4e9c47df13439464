// UTF-8 decoding for the checks on text people send: one strict decoder
// (no overlong forms, surrogates or values above U+10FFFF), so every field is
// judged the same way.
#ifndef HUB_COMMON_UTF8_H_
#define HUB_COMMON_UTF8_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace hub::common {

// Decodes the sequence at `text[*pos]` and advances `*pos` past it. Returns
// -1, leaving `*pos` alone, if it is not valid UTF-8.
// REQUIRES: *pos < text.size().
int32_t NextCodePoint(absl::string_view text, size_t* pos);

// The number of code points in `text`; -1 if it is not valid UTF-8.
int64_t Utf8Length(absl::string_view text);

}  // namespace hub::common

#endif  // HUB_COMMON_UTF8_H_
