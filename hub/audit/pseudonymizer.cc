#include "hub/audit/pseudonymizer.h"

#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hub::audit {

absl::StatusOr<Pseudonymizer> Pseudonymizer::FromKey(std::string key) {
  if (key.size() < kMinKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the pseudonym key holds ", key.size(), " bytes; it needs at least ",
        kMinKeySize, " secret random bytes (e.g. openssl rand -out FILE 32)"));
  }
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  std::shared_ptr<EVP_MAC_CTX> ctx(
      hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac), EVP_MAC_CTX_free);
  EVP_MAC_free(hmac);  // the context keeps its own reference
  char digest[] = OSSL_DIGEST_NAME_SHA2_256;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  const bool keyed =
      ctx != nullptr &&
      EVP_MAC_init(ctx.get(),
                   reinterpret_cast<const unsigned char*>(key.data()),
                   key.size(), params) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!keyed) {
    return absl::InternalError(
        "OpenSSL cannot provide HMAC-SHA-256 for audit pseudonyms; check the "
        "OpenSSL installation");
  }
  return Pseudonymizer(std::move(ctx));
}

std::string Pseudonymizer::Pseudonym(absl::string_view subject_id) const {
  if (subject_id.empty()) return "";
  // EVP_MAC_CTX_dup only reads the keyed context, so calls may run at once.
  MacCtx ctx(EVP_MAC_CTX_dup(keyed_.get()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if (ctx == nullptr ||
      EVP_MAC_update(ctx.get(),
                     reinterpret_cast<const unsigned char*>(subject_id.data()),
                     subject_id.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac, &length, sizeof(mac)) != 1) {
    // Only running out of memory gets here. A wrong pseudonym would hide
    // the event from "who saw subject X", so stop rather than record it.
    std::abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), length));
}

}  // namespace hub::audit
