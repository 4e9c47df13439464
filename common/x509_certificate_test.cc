// Uses the PKI that certs/make_certs.sh writes to $HUB_TEST_CERTS (a CTest
// fixture), so the parser is tested on exactly what the hub will be given.
#include "common/x509_certificate.h"

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
  EXPECT_EQ(crl->size(), 1u);
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

TEST(RevocationListTest, RefusesGarbage) {
  EXPECT_THAT(RevocationList::FromPem("junk", Cert("ca.pem")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("revocation list")));
}

}  // namespace
}  // namespace hub::common
