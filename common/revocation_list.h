// A RevocationList is a parsed X.509 CRL whose signature has been verified
// against its issuing CA. Immutable after creation; safe to share between
// threads.
#ifndef HUB_COMMON_REVOCATION_LIST_H_
#define HUB_COMMON_REVOCATION_LIST_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/x509_certificate.h"

namespace hub::common {

class RevocationList {
 public:
  // Parses `crl_pem` and verifies it was issued and signed by `issuer`.
  // Returns INVALID_ARGUMENT if it is not a CRL, FAILED_PRECONDITION if
  // another CA issued it or the signature does not verify.
  static absl::StatusOr<RevocationList> FromPem(absl::string_view crl_pem,
                                                const X509Certificate& issuer);

  // True if a certificate with this serial (as X509Certificate::serial_hex)
  // is revoked.
  bool IsRevoked(const std::string& serial_hex) const {
    return revoked_.contains(serial_hex);
  }
  absl::Time this_update() const { return this_update_; }
  // When the CA promised the next list (a list without one is refused). A
  // list past its next update must not be trusted (fail closed).
  absl::Time next_update() const { return next_update_; }
  size_t size() const { return revoked_.size(); }

 private:
  RevocationList() = default;

  absl::flat_hash_set<std::string> revoked_;
  absl::Time this_update_;
  absl::Time next_update_;
};

}  // namespace hub::common

#endif  // HUB_COMMON_REVOCATION_LIST_H_
