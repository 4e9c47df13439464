// Pseudonymizer turns a subject's id into the keyed pseudonym the audit log
// records instead: HMAC-SHA-256 under the hub's secret key, hex. Without the
// key the pseudonym cannot be linked to the id, nor guessed from a list of
// ids; with it, the hub can answer "who saw subject X" (AQ1). Thread-safe.
#ifndef HUB_AUDIT_PSEUDONYMIZER_H_
#define HUB_AUDIT_PSEUDONYMIZER_H_

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::audit {

class Pseudonymizer {
 public:
  inline static constexpr size_t kMinKeySize = 32;

  // INVALID_ARGUMENT if `key` is shorter than kMinKeySize bytes; INTERNAL
  // if OpenSSL cannot provide HMAC-SHA-256.
  static absl::StatusOr<Pseudonymizer> FromKey(std::string key);

  // The pseudonym of `subject_id` (64 hex characters); "" for "".
  std::string Pseudonym(absl::string_view subject_id) const;

 private:
  struct MacCtxFree {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
  };
  using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

  explicit Pseudonymizer(std::shared_ptr<EVP_MAC_CTX> keyed)
      : keyed_(std::move(keyed)) {}

  // An HMAC context already keyed, copied for each pseudonym: the key's
  // pads and OpenSSL's algorithm lookup are done once, not per call. Only
  // read (EVP_MAC_CTX_dup) after FromKey.
  std::shared_ptr<EVP_MAC_CTX> keyed_;
};

}  // namespace hub::audit

#endif  // HUB_AUDIT_PSEUDONYMIZER_H_
