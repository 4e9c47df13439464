#include "hub/audit/commitment.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "common/secure_random.h"

namespace hub::audit {

std::string NewSalt() {
  std::string salt(kSaltSize, '\0');
  common::SecureRandomBytes(reinterpret_cast<uint8_t*>(salt.data()),
                            salt.size());
  return salt;
}

Hash EventCommitment(absl::string_view salt, absl::string_view event) {
  return Sha256(absl::StrCat(salt, event));
}

Hash EventLeafHash(absl::string_view salt, absl::string_view event) {
  return LeafHash(HashBytes(EventCommitment(salt, event)));
}

}  // namespace hub::audit
