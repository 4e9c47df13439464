#include "common/revocation_list.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace hub::common {
namespace {

struct CrlDeleter {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};
struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};

}  // namespace

absl::StatusOr<RevocationList> RevocationList::FromPem(
    absl::string_view crl_pem, const X509Certificate& issuer) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(crl_pem.data(), static_cast<int>(crl_pem.size())));
  std::unique_ptr<X509_CRL, CrlDeleter> crl(
      PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (crl == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a PEM certificate revocation list: ", OpenSslError()));
  }
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                    X509_get_subject_name(issuer.get())) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "revocation list was not issued by the CA '", issuer.subject(), "'"));
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  if (key == nullptr || X509_CRL_verify(crl.get(), key) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        absl::StrCat("revocation list signature does not verify with the CA '",
                     issuer.subject(), "'"));
  }

  RevocationList list;
  list.this_update_ = Asn1TimeToAbsl(X509_CRL_get0_lastUpdate(crl.get()));
  // Without a next update the list could never be found stale, so a hub
  // would trust it forever: refuse it (RFC 5280 requires the field).
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  if (next == nullptr) {
    return absl::FailedPreconditionError(
        "revocation list has no next update time; have the CA issue one with "
        "it");
  }
  list.next_update_ = Asn1TimeToAbsl(next);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    std::string serial = SerialToHex(
        X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i)));
    if (serial.empty()) {
      return absl::InvalidArgumentError(
          "revocation list has an unreadable serial");
    }
    list.revoked_.insert(std::move(serial));
  }
  return list;
}

}  // namespace hub::common
