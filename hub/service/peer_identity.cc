#include "hub/service/peer_identity.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/x509_certificate.h"

namespace hub::service {
namespace {

const char* StatusName(policy::Principal::Status s) {
  switch (s) {
    case policy::Principal::SUSPENDED:
      return "suspended";
    case policy::Principal::OFFBOARDED:
      return "offboarded";
    default:
      return "not active";
  }
}

const char* StatusName(policy::Partner::Status s) {
  switch (s) {
    case policy::Partner::ONBOARDING:
      return "still onboarding";
    case policy::Partner::SUSPENDED:
      return "suspended";
    case policy::Partner::OFFBOARDED:
      return "offboarded";
    default:
      return "not active";
  }
}

}  // namespace

PeerIdentity::PeerIdentity(
    std::shared_ptr<const common::X509Certificate> ca,
    std::shared_ptr<const policy::Policy> policy,
    std::shared_ptr<const common::RevocationList> revocations,
    const common::Clock* clock)
    : ca_(std::move(ca)),
      clock_(clock),
      policy_(std::move(policy)),
      revocations_(std::move(revocations)) {}

void PeerIdentity::Replace(
    std::shared_ptr<const policy::Policy> policy,
    std::shared_ptr<const common::RevocationList> revocations) {
  absl::MutexLock lock(&trust_mu_);
  policy_ = std::move(policy);
  revocations_ = std::move(revocations);
}

std::shared_ptr<const PeerIdentity::CertificateFacts> PeerIdentity::Facts(
    absl::string_view cert_pem) const {
  {
    absl::MutexLock lock(&mu_);
    auto it = facts_.find(cert_pem);
    if (it != facts_.end()) return it->second;
  }
  absl::StatusOr<common::X509Certificate> cert =
      common::X509Certificate::FromPem(cert_pem);
  if (!cert.ok()) return nullptr;
  auto facts = std::make_shared<CertificateFacts>();
  facts->not_before = cert->not_before();
  facts->not_after = cert->not_after();
  facts->serial_hex = cert->serial_hex();
  facts->sha256_hex = cert->sha256_hex();
  facts->issued_by_ca = cert->VerifySignedBy(*ca_).ok();
  for (const std::string& uri : cert->uri_sans()) {
    if (absl::StartsWith(uri, "spiffe://")) facts->spiffe_ids.push_back(uri);
  }
  absl::MutexLock lock(&mu_);
  if (facts_.size() >= kMaxCachedCertificates) facts_.clear();
  facts_.emplace(std::string(cert_pem), facts);
  return facts;
}

absl::StatusOr<AuthenticatedPeer> PeerIdentity::Authenticate(
    absl::string_view cert_pem) const {
  if (cert_pem.empty()) {
    return absl::UnauthenticatedError(
        "no client certificate: connect with your partnership certificate");
  }
  std::shared_ptr<const CertificateFacts> cert = Facts(cert_pem);
  if (cert == nullptr) {
    return absl::UnauthenticatedError("client certificate could not be read");
  }

  std::shared_ptr<const policy::Policy> policy;
  std::shared_ptr<const common::RevocationList> revocations;
  {
    absl::MutexLock lock(&trust_mu_);
    policy = policy_;
    revocations = revocations_;
  }
  const absl::Time now = clock_->Now();
  if (now > revocations->next_update()) {
    return absl::UnavailableError(
        absl::StrCat("the hub's revocation list expired at ",
                     common::FormatUtc(revocations->next_update()),
                     "; the hub refuses all callers until its operator "
                     "installs a fresh one"));
  }
  // The CRL we hold is the partnership CA's; a certificate from anywhere
  // else (an intermediate, a second CA) could be revoked without our knowing.
  if (!cert->issued_by_ca) {
    return absl::UnauthenticatedError(
        "client certificate was not issued by the partnership CA itself; ask "
        "your partnership administrator for one that is");
  }
  if (now < cert->not_before) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate is not valid until ",
                     common::FormatUtc(cert->not_before)));
  }
  if (now >= cert->not_after) {
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate expired at ", common::FormatUtc(cert->not_after),
        "; ask your partnership administrator for a new one"));
  }
  if (revocations->IsRevoked(cert->serial_hex)) {
    return absl::UnauthenticatedError(
        absl::StrCat("client certificate (serial ", cert->serial_hex,
                     ") has been revoked; ask your partnership administrator "
                     "for a new one"));
  }

  if (cert->spiffe_ids.empty()) {
    return absl::UnauthenticatedError(
        "client certificate carries no SPIFFE ID; it was not issued for this "
        "hub");
  }
  if (cert->spiffe_ids.size() > 1) {
    return absl::UnauthenticatedError(
        "client certificate carries more than one SPIFFE ID");
  }
  const std::string* spiffe_id = &cert->spiffe_ids.front();
  const policy::Principal* principal =
      policy->FindPrincipalBySpiffeId(*spiffe_id);
  if (principal == nullptr) {
    return absl::UnauthenticatedError(absl::StrCat(
        "identity ", *spiffe_id, " is not registered with this hub"));
  }
  if (principal->status() != policy::Principal::ACTIVE) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", principal->id(), " is ",
                     StatusName(principal->status())));
  }
  // Policy validation guarantees the partner exists.
  const policy::Partner* partner = policy->FindPartner(principal->partner_id());
  HUB_CHECK(partner != nullptr);
  if (partner->status() != policy::Partner::ACTIVE) {
    return absl::PermissionDeniedError(absl::StrCat(
        "partner ", partner->id(), " is ", StatusName(partner->status())));
  }

  AuthenticatedPeer peer;
  peer.policy = std::move(policy);
  peer.principal = principal;
  peer.partner = partner;
  peer.spiffe_id = *spiffe_id;
  peer.cert_not_after = cert->not_after;
  peer.cert_sha256 = cert->sha256_hex;
  return peer;
}

}  // namespace hub::service
