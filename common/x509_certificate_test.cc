// Uses the PKI that certs/make_certs.sh writes to $HUB_TEST_CERTS (a CTest
// fixture), so the parser is tested on exactly what the hub will be given.
#include "common/x509_certificate.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/time/civil_time.h"
#include "common/revocation_list.h"
#include "common/status_matchers.h"
#include "common/test_certs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::common {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::string Pem(const std::string& name) { return ReadTestCert(name); }

X509Certificate Cert(const std::string& name) {
  absl::StatusOr<X509Certificate> cert = X509Certificate::FromPem(Pem(name));
  EXPECT_THAT(cert, IsOk()) << name;
  return std::move(cert).value();
}

TEST(X509CertificateTest, ReadsTheSpiffeIdAndValidity) {
  X509Certificate cert = Cert("clients/u-hokoro.pem");
  EXPECT_THAT(
      cert.uri_sans(),
      ElementsAre(
          "spiffe://test.prevent-hub.example/partner/p-lbw/user/u-hokoro"));
  EXPECT_LT(cert.not_before(), cert.not_after());
  EXPECT_THAT(cert.sha256_hex(), SizeIs(64));
  EXPECT_FALSE(cert.serial_hex().empty());
  EXPECT_THAT(cert.subject(), HasSubstr("CN=u-hokoro"));
}

TEST(X509CertificateTest, ReadsExactValidityDates) {
  X509Certificate cert = Cert("bad/expired.pem");
  EXPECT_EQ(cert.not_before(),
            absl::FromCivil(absl::CivilSecond(2020, 1, 1, 0, 0, 0),
                            absl::UTCTimeZone()));
  EXPECT_EQ(cert.not_after(),
            absl::FromCivil(absl::CivilSecond(2020, 2, 1, 0, 0, 0),
                            absl::UTCTimeZone()));
}

TEST(X509CertificateTest, NoSpiffeCertificateHasNoUris) {
  EXPECT_THAT(Cert("bad/no-spiffe.pem").uri_sans(), SizeIs(0));
}

TEST(X509CertificateTest, GarbageIsInvalidArgument) {
  EXPECT_THAT(X509Certificate::FromPem("not a certificate"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a PEM certificate")));
}

TEST(X509CertificateTest, VerifiesItsIssuer) {
  X509Certificate ca = Cert("ca.pem");
  EXPECT_THAT(Cert("clients/u-hokoro.pem").VerifySignedBy(ca), IsOk());
  EXPECT_THAT(Cert("hub.pem").VerifySignedBy(ca), IsOk());
  EXPECT_THAT(Cert("bad/other-ca-client.pem").VerifySignedBy(ca),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not issued by")));
}

TEST(X509CertificateTest, MatchesOnlyItsOwnKey) {
  X509Certificate cert = Cert("clients/u-hokoro.pem");
  EXPECT_THAT(cert.MatchesPrivateKey(Pem("clients/u-hokoro.key")), IsOk());
  EXPECT_THAT(cert.MatchesPrivateKey(Pem("bad/wrong-key.key")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("does not belong")));
  EXPECT_THAT(cert.MatchesPrivateKey("junk"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a PEM private key")));
}

TEST(RevocationListTest, ListsTheRevokedSerial) {
  X509Certificate ca = Cert("ca.pem");
  absl::StatusOr<RevocationList> crl =
      RevocationList::FromPem(Pem("crl.pem"), ca);
  ASSERT_THAT(crl, IsOk());
  // bad/revoked, and the intermediate CA that issued
  // bad/intermediate-client (make_certs.sh --bad).
  EXPECT_EQ(crl->size(), 2u);
  EXPECT_TRUE(crl->IsRevoked(Cert("bad/revoked.pem").serial_hex()));
  EXPECT_FALSE(crl->IsRevoked(Cert("clients/u-hokoro.pem").serial_hex()));
  EXPECT_LT(crl->this_update(), crl->next_update());
  EXPECT_NE(crl->next_update(), absl::InfiniteFuture());
}

TEST(RevocationListTest, RefusesAListFromAnotherCa) {
  EXPECT_THAT(RevocationList::FromPem(Pem("crl.pem"), Cert("bad/other-ca.pem")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("not issued by")));
}

// A CRL without nextUpdate could never be found stale; it must be refused.
TEST(RevocationListTest, RefusesAListWithoutNextUpdate) {
  X509Certificate ca = Cert("ca.pem");
  std::string key_pem = Pem("private/ca.key");
  BIO* in = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr);
  BIO_free(in);
  ASSERT_NE(key, nullptr);
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca.get()));
  ASN1_TIME* last = ASN1_TIME_set(nullptr, 1'760'000'000);
  X509_CRL_set1_lastUpdate(crl, last);
  ASSERT_GT(X509_CRL_sign(crl, key, EVP_sha256()), 0);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_CRL(out, crl);
  char* data = nullptr;
  long n = BIO_get_mem_data(out, &data);  // NOLINT(runtime/int)
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(out);
  ASN1_TIME_free(last);
  X509_CRL_free(crl);
  EVP_PKEY_free(key);

  EXPECT_THAT(RevocationList::FromPem(pem, ca),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no next update")));
}

TEST(X509CertificateTest, CountsPemCertificates) {
  EXPECT_EQ(CountPemCertificates(""), 0);
  EXPECT_EQ(CountPemCertificates(Pem("ca.pem")), 1);
  EXPECT_EQ(CountPemCertificates(Pem("ca.pem") + Pem("bad/other-ca.pem")), 2);
}

TEST(RevocationListTest, RefusesGarbage) {
  EXPECT_THAT(RevocationList::FromPem("junk", Cert("ca.pem")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("revocation list")));
}

}  // namespace
}  // namespace hub::common
