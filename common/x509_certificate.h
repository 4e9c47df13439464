// An X509Certificate is a parsed, immutable X.509 certificate (OpenSSL) with
// the facts the hub needs read out once: URI SANs, validity, serial and
// SHA-256 fingerprint. Movable, not copyable; thread-compatible.
#ifndef HUB_COMMON_X509_CERTIFICATE_H_
#define HUB_COMMON_X509_CERTIFICATE_H_

#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hub::common {

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};

class X509Certificate {
 public:
  // Parses the first certificate in `pem`. On failure returns
  // INVALID_ARGUMENT ("not a PEM certificate" and OpenSSL's reason).
  static absl::StatusOr<X509Certificate> FromPem(absl::string_view pem);

  X509Certificate(X509Certificate&&) = default;
  X509Certificate& operator=(X509Certificate&&) = default;

  // URI subject alternative names, in certificate order.
  const std::vector<std::string>& uri_sans() const { return uri_sans_; }
  absl::Time not_before() const { return not_before_; }
  absl::Time not_after() const { return not_after_; }
  // Upper-case hex without leading zeros, as `openssl x509 -serial` prints it.
  const std::string& serial_hex() const { return serial_hex_; }
  // Lower-case hex SHA-256 of the DER encoding.
  const std::string& sha256_hex() const { return sha256_hex_; }
  // The subject as a one-line RFC 2253 string.
  const std::string& subject() const { return subject_; }

  // OK if this certificate names `issuer` as its issuer and its signature
  // verifies with the issuer's public key; else FAILED_PRECONDITION.
  absl::Status VerifySignedBy(const X509Certificate& issuer) const;

  // OK if `private_key_pem` holds the private key of this certificate's
  // public key; INVALID_ARGUMENT if it is not a key; FAILED_PRECONDITION if
  // it is another key.
  absl::Status MatchesPrivateKey(absl::string_view private_key_pem) const;

  X509* get() const { return x509_.get(); }

 private:
  X509Certificate() = default;

  std::unique_ptr<X509, X509Deleter> x509_;
  std::vector<std::string> uri_sans_;
  absl::Time not_before_;
  absl::Time not_after_;
  std::string serial_hex_;
  std::string sha256_hex_;
  std::string subject_;
};

// A serial number as upper-case hex without leading zeros ("" if unreadable).
// Certificates and revocation lists both use this, so their serials compare.
std::string SerialToHex(const ASN1_INTEGER* serial);

// How many PEM certificates `pem` holds.
int CountPemCertificates(absl::string_view pem);

// Converts an ASN.1 time to absl::Time; InfinitePast on malformed input.
absl::Time Asn1TimeToAbsl(const ASN1_TIME* t);

// Returns OpenSSL's most recent error as text and clears the error queue.
std::string OpenSslError();

}  // namespace hub::common

#endif  // HUB_COMMON_X509_CERTIFICATE_H_
