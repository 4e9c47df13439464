// SHA-256 (OpenSSL) as lower-case hex, for digests people and peers compare:
// the handling conditions a briefing's recipient accepted.
#ifndef HUB_COMMON_SHA256_H_
#define HUB_COMMON_SHA256_H_

#include <openssl/types.h>

#include <string>

#include "absl/strings/string_view.h"

namespace hub::common {

// OpenSSL's SHA-256, fetched once for the life of the process: OpenSSL 3
// looks the algorithm up again on every digest initialised with
// EVP_sha256(), which costs more than hashing a short input.
const EVP_MD* Sha256Method();

// Lower-case hex SHA-256 of `bytes` (64 characters).
std::string Sha256Hex(absl::string_view bytes);

}  // namespace hub::common

#endif  // HUB_COMMON_SHA256_H_
