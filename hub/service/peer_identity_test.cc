// Identity mapping, tested on the certificates certs/make_certs.sh makes for
// tests/testdata/policy.textproto (the CTest fixture in $HUB_TEST_CERTS).
#include "hub/service/peer_identity.h"

#include "common/fake_clock.h"
#include "common/status_matchers.h"
#include "common/test_certs.h"
#include "common/x509_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::service {
namespace {

using ::absl::StatusCode;
using ::testing::HasSubstr;

std::string Pem(const std::string& name) { return common::ReadTestCert(name); }

class PeerIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = policy::Policy::Load(
        HUB_SOURCE_DIR "/tests/testdata/policy.textproto", clock_.Now());
    ASSERT_THAT(loaded, IsOk());
    auto ca = common::X509Certificate::FromPem(Pem("ca.pem"));
    ASSERT_THAT(ca, IsOk());
    auto crl = common::RevocationList::FromPem(Pem("crl.pem"), *ca);
    ASSERT_THAT(crl, IsOk());
    crl_next_update_ = crl->next_update();
    auto good = common::X509Certificate::FromPem(Pem("clients/u-hokoro.pem"));
    ASSERT_THAT(good, IsOk());
    good_not_after_ = good->not_after();
    clock_.Set(good->not_before() + absl::Hours(1));
    identity_ = std::make_unique<PeerIdentity>(
        std::make_shared<const common::X509Certificate>(std::move(ca).value()),
        std::move(loaded).value(),
        std::make_shared<const common::RevocationList>(std::move(crl).value()),
        &clock_);
  }

  common::FakeClock clock_{absl::UnixEpoch()};
  absl::Time crl_next_update_;
  absl::Time good_not_after_;
  std::unique_ptr<PeerIdentity> identity_;
};

TEST_F(PeerIdentityTest, MapsAValidCertificateToItsPrincipalAndPartner) {
  absl::StatusOr<AuthenticatedPeer> peer =
      identity_->Authenticate(Pem("clients/u-hokoro.pem"));
  ASSERT_THAT(peer, IsOk());
  EXPECT_EQ(peer->principal->id(), "U-HOKORO");
  EXPECT_EQ(peer->partner->id(), "P-LBW");
  EXPECT_EQ(peer->spiffe_id,
            "spiffe://test.prevent-hub.example/partner/p-lbw/user/u-hokoro");
  EXPECT_EQ(peer->cert_not_after, good_not_after_);
  EXPECT_EQ(peer->cert_sha256.size(), 64u);
}

TEST_F(PeerIdentityTest, NoCertificateIsUnauthenticated) {
  EXPECT_THAT(identity_->Authenticate(""),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("no client certificate")));
  EXPECT_THAT(
      identity_->Authenticate("garbage"),
      StatusIs(StatusCode::kUnauthenticated, HasSubstr("could not be read")));
}

TEST_F(PeerIdentityTest, ExpiredCertificateIsUnauthenticated) {
  EXPECT_THAT(identity_->Authenticate(Pem("bad/expired.pem")),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("expired at 2020-02-01")));
}

TEST_F(PeerIdentityTest, NotYetValidCertificateIsUnauthenticated) {
  EXPECT_THAT(identity_->Authenticate(Pem("bad/not-yet-valid.pem")),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("not valid until 2099")));
}

TEST_F(PeerIdentityTest,
       ACertificateThatExpiresMidConnectionIsRefusedFromThenOn) {
  // The fixture's revocation list outlives its client certificates.
  ASSERT_LT(good_not_after_, crl_next_update_);
  ASSERT_THAT(identity_->Authenticate(Pem("clients/u-hokoro.pem")), IsOk());
  clock_.Set(good_not_after_);
  EXPECT_THAT(identity_->Authenticate(Pem("clients/u-hokoro.pem")),
              StatusIs(StatusCode::kUnauthenticated, HasSubstr("expired")));
}

TEST_F(PeerIdentityTest, ACertificateFromAnotherCaIsUnauthenticated) {
  // TLS refuses these first; this is the second line, which also covers a
  // certificate from an intermediate whose revocations we never see.
  EXPECT_THAT(identity_->Authenticate(Pem("bad/other-ca-client.pem")),
              StatusIs(StatusCode::kUnauthenticated,
                       HasSubstr("not issued by the partnership CA")));
}

TEST_F(PeerIdentityTest, RevokedCertificateIsUnauthenticated) {
  EXPECT_THAT(
      identity_->Authenticate(Pem("bad/revoked.pem")),
      StatusIs(StatusCode::kUnauthenticated, HasSubstr("has been revoked")));
}

TEST_F(PeerIdentityTest, CertificateWithoutSpiffeIdIsUnauthenticated) {
  EXPECT_THAT(
      identity_->Authenticate(Pem("bad/no-spiffe.pem")),
      StatusIs(StatusCode::kUnauthenticated, HasSubstr("no SPIFFE ID")));
}

TEST_F(PeerIdentityTest, UnknownIdentityIsUnauthenticated) {
  EXPECT_THAT(
      identity_->Authenticate(Pem("bad/unknown.pem")),
      StatusIs(StatusCode::kUnauthenticated, HasSubstr("not registered")));
}

TEST_F(PeerIdentityTest, OffboardedPrincipalIsPermissionDenied) {
  EXPECT_THAT(identity_->Authenticate(Pem("clients/u-offboarded.pem")),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("principal U-OFFBOARDED is offboarded")));
}

TEST_F(PeerIdentityTest, SuspendedPartnerIsPermissionDenied) {
  EXPECT_THAT(identity_->Authenticate(Pem("clients/u-suspdsl.pem")),
              StatusIs(StatusCode::kPermissionDenied,
                       HasSubstr("partner P-SUSP is suspended")));
}

TEST_F(PeerIdentityTest, StaleRevocationListFailsClosedForEveryone) {
  clock_.Set(crl_next_update_ + absl::Seconds(1));
  EXPECT_THAT(
      identity_->Authenticate(Pem("clients/u-hokoro.pem")),
      StatusIs(StatusCode::kUnavailable, HasSubstr("revocation list expired")));
}

}  // namespace
}  // namespace hub::service
