#include "common/x509_certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hub::common {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct GeneralNamesDeleter {
  void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); }
};

std::unique_ptr<BIO, BioDeleter> MemBio(absl::string_view data) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

std::string SerialToHex(const ASN1_INTEGER* serial) {
  std::unique_ptr<BIGNUM, BnDeleter> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  return out;
}

std::string OpenSslError() {
  unsigned long code = ERR_get_error();  // NOLINT(runtime/int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "no detail from OpenSSL";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

int CountPemCertificates(absl::string_view pem) {
  int count = 0;
  for (size_t at = pem.find("-----BEGIN CERTIFICATE-----");
       at != absl::string_view::npos;
       at = pem.find("-----BEGIN CERTIFICATE-----", at + 1)) {
    ++count;
  }
  return count;
}

absl::Time Asn1TimeToAbsl(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return absl::InfinitePast();
  return absl::FromTimeT(timegm(&tm));
}

absl::StatusOr<X509Certificate> X509Certificate::FromPem(
    absl::string_view pem) {
  auto bio = MemBio(pem);
  X509Certificate cert;
  cert.x509_.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert.x509_ == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM certificate: ", OpenSslError()));
  }
  X509* x = cert.x509_.get();

  std::unique_ptr<GENERAL_NAMES, GeneralNamesDeleter> names(
      static_cast<GENERAL_NAMES*>(
          X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (names != nullptr) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
      if (name->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
      cert.uri_sans_.emplace_back(
          reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
          static_cast<size_t>(ASN1_STRING_length(uri)));
    }
  }
  cert.not_before_ = Asn1TimeToAbsl(X509_get0_notBefore(x));
  cert.not_after_ = Asn1TimeToAbsl(X509_get0_notAfter(x));
  cert.serial_hex_ = SerialToHex(X509_get0_serialNumber(x));

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x, EVP_sha256(), digest, &len) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot fingerprint certificate: ", OpenSslError()));
  }
  cert.sha256_hex_ = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), len));

  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(out.get(), X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);  // NOLINT(runtime/int)
  cert.subject_.assign(data, static_cast<size_t>(n));
  return cert;
}

absl::Status X509Certificate::VerifySignedBy(
    const X509Certificate& issuer) const {
  if (X509_check_issued(issuer.get(), get()) != X509_V_OK) {
    return absl::FailedPreconditionError(absl::StrCat("certificate '", subject_,
                                                      "' was not issued by '",
                                                      issuer.subject_, "'"));
  }
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  if (key == nullptr || X509_verify(get(), key) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(
        "certificate '", subject_, "' does not carry a valid signature of '",
        issuer.subject_, "'"));
  }
  return absl::OkStatus();
}

absl::Status X509Certificate::MatchesPrivateKey(
    absl::string_view private_key_pem) const {
  auto bio = MemBio(private_key_pem);
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM private key: ", OpenSslError()));
  }
  if (X509_check_private_key(get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(
        "the private key does not belong to the certificate");
  }
  return absl::OkStatus();
}

}  // namespace hub::common
