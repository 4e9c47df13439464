#include "hub/audit/commitment.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace hub::audit {

std::string NewSalt() {
  std::string salt(kSaltSize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()),
                 static_cast<int>(salt.size())) != 1) {
    // Without randomness no commitment can be trusted; this cannot be
    // recovered from in-process.
    std::abort();
  }
  return salt;
}

Hash EventCommitment(absl::string_view salt, absl::string_view event) {
  return Sha256(absl::StrCat(salt, event));
}

Hash EventLeafHash(absl::string_view salt, absl::string_view event) {
  return LeafHash(HashBytes(EventCommitment(salt, event)));
}

}  // namespace hub::audit
