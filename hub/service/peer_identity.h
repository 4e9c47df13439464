// PeerIdentity maps a caller's TLS client certificate to a known, active
// principal of the partnership, on every call, against the current trust
// snapshot (policy and revocation list), which Replace() swaps atomically.
// The TLS layer has already verified the chain to the partnership CA; this adds
// what must be re-checked per call on a long-lived connection: validity against
// the Clock, the revocation list, and the policy status of the principal and
// its partner. Parsing a certificate is costly with OpenSSL 3 (~0.2 ms), so the
// immutable facts of each distinct certificate are parsed once and cached;
// everything that can change (time, revocation, policy status) is checked
// every call. Thread-safe.
#ifndef HUB_SERVICE_PEER_IDENTITY_H_
#define HUB_SERVICE_PEER_IDENTITY_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/revocation_list.h"
#include "common/x509_certificate.h"
#include "policy/policy.h"

namespace hub::service {

// A caller the hub has identified. `principal` and `partner` point into
// `policy` (the snapshot the caller was identified against), which this
// keeps alive across a reload.
struct AuthenticatedPeer {
  std::shared_ptr<const policy::Policy> policy;
  const policy::Principal* principal = nullptr;
  const policy::Partner* partner = nullptr;
  std::string spiffe_id;
  absl::Time cert_not_after;
  std::string cert_sha256;
};

class PeerIdentity {
 public:
  // `ca` is the partnership CA that issues client certificates and signs
  // the revocation lists. `clock` must outlive this object.
  PeerIdentity(std::shared_ptr<const common::X509Certificate> ca,
               std::shared_ptr<const policy::Policy> policy,
               std::shared_ptr<const common::RevocationList> revocations,
               const common::Clock* clock);

  // From the next call on, identifies callers against `policy` and
  // `revocations` (both validated by the caller). Calls in flight finish
  // with the snapshot they started with.
  void Replace(std::shared_ptr<const policy::Policy> policy,
               std::shared_ptr<const common::RevocationList> revocations);

  // Maps the peer's certificate (PEM) to its principal.
  // REQUIRES: the TLS handshake verified `cert_pem` chains to the CA.
  // Returns, with a message the caller can act on:
  //   UNAUTHENTICATED     no certificate, not issued by `ca` itself (so its
  //                       revocation could not be checked), not yet valid,
  //                       expired, revoked, no single SPIFFE ID, or an identity
  //                       the hub does not know;
  //   PERMISSION_DENIED   the principal or its partner is not ACTIVE;
  //   UNAVAILABLE         the revocation list is past its next update, so no
  //                       certificate can be trusted (fail closed).
  absl::StatusOr<AuthenticatedPeer> Authenticate(
      absl::string_view cert_pem) const;

 private:
  // What the hub needs from a certificate, read once.
  struct CertificateFacts {
    absl::Time not_before;
    absl::Time not_after;
    std::string serial_hex;
    std::string sha256_hex;
    std::vector<std::string> spiffe_ids;  // URI SANs with the spiffe scheme
    bool issued_by_ca = false;            // signed by the CA whose CRL we hold
  };

  // The facts of `cert_pem`, from the cache or parsed now. Null if the
  // certificate cannot be parsed.
  std::shared_ptr<const CertificateFacts> Facts(
      absl::string_view cert_pem) const;

  // Bounds the cache: a hub sees one certificate per user and device.
  static constexpr size_t kMaxCachedCertificates = 65536;

  const std::shared_ptr<const common::X509Certificate> ca_;
  const common::Clock* const clock_;
  mutable absl::Mutex trust_mu_;
  std::shared_ptr<const policy::Policy> policy_ ABSL_GUARDED_BY(trust_mu_);
  std::shared_ptr<const common::RevocationList> revocations_
      ABSL_GUARDED_BY(trust_mu_);
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string,
                              std::shared_ptr<const CertificateFacts>>
      facts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hub::service

#endif  // HUB_SERVICE_PEER_IDENTITY_H_
