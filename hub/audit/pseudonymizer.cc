#include "hub/audit/pseudonymizer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hub::audit {

absl::StatusOr<Pseudonymizer> Pseudonymizer::FromKey(std::string key) {
  if (key.size() < kMinKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the pseudonym key holds ", key.size(), " bytes; it needs at least ",
        kMinKeySize, " secret random bytes (e.g. openssl rand -out FILE 32)"));
  }
  return Pseudonymizer(std::move(key));
}

std::string Pseudonymizer::Pseudonym(absl::string_view subject_id) const {
  if (subject_id.empty()) return "";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(subject_id.data()),
       subject_id.size(), mac, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), length));
}

}  // namespace hub::audit
