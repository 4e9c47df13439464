// SHA-256 (OpenSSL) as lower-case hex, for digests people and peers compare:
// the handling conditions a briefing's recipient accepted.
#ifndef HUB_COMMON_SHA256_H_
#define HUB_COMMON_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hub::common {

// Lower-case hex SHA-256 of `bytes` (64 characters).
std::string Sha256Hex(absl::string_view bytes);

}  // namespace hub::common

#endif  // HUB_COMMON_SHA256_H_
