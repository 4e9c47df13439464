// Ed25519 (RFC 8032, pure EdDSA) signing and verifying keys over OpenSSL 3.
// The hub signs audit checkpoints with an Ed25519PrivateKey; auditors and
// hubctl verify them with the matching Ed25519PublicKey.
//
// Both classes own one EVP_PKEY, are movable and not copyable. A moved-from
// key may only be destroyed or assigned to. Const methods may be called from
// several threads at once (each call uses its own OpenSSL context).
#ifndef HUB_COMMON_ED25519_H_
#define HUB_COMMON_ED25519_H_

#include <openssl/evp.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::common {

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// Sizes fixed by RFC 8032.
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// An Ed25519 verifying key.
class Ed25519PublicKey {
 public:
  // Parses a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). On
  // failure returns INVALID_ARGUMENT saying what is wrong (not a PEM public
  // key, or a key of another algorithm) and how to get the right one.
  static absl::StatusOr<Ed25519PublicKey> FromPem(absl::string_view pem);

  // Wraps a raw 32-byte public key (RFC 8032 encoding). INVALID_ARGUMENT if
  // `raw32` is not 32 bytes.
  static absl::StatusOr<Ed25519PublicKey> FromRaw(absl::string_view raw32);

  Ed25519PublicKey(Ed25519PublicKey&&) = default;
  Ed25519PublicKey& operator=(Ed25519PublicKey&&) = default;

  // True if `signature` is a valid Ed25519 signature of `message` by this
  // key. False on any mismatch, including a signature that is not 64 bytes.
  bool Verify(absl::string_view message, absl::string_view signature) const;

  // The raw 32-byte public key.
  std::string RawPublicKey() const;

  // The SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
  std::string Pem() const;

  // A short id to show users: lower-case hex of the first 4 bytes of
  // SHA-256(RawPublicKey()), 8 characters. Not collision-resistant; for
  // display and matching keys by eye, never for trust decisions.
  std::string KeyId() const;

 private:
  explicit Ed25519PublicKey(EvpPkeyPtr pkey) : pkey_(std::move(pkey)) {}

  EvpPkeyPtr pkey_;
};

// An Ed25519 signing key.
class Ed25519PrivateKey {
 public:
  // Parses an unencrypted PKCS#8 PEM private key ("-----BEGIN PRIVATE
  // KEY-----", as `openssl genpkey -algorithm ed25519` writes). On failure
  // returns INVALID_ARGUMENT saying what is wrong (not PEM, encrypted, or not
  // an Ed25519 key) and how to generate a suitable one.
  static absl::StatusOr<Ed25519PrivateKey> FromPem(absl::string_view pem);

  // Builds the key from its raw 32-byte seed (the RFC 8032 "secret key").
  // INVALID_ARGUMENT if `seed32` is not 32 bytes. Meant for test vectors.
  static absl::StatusOr<Ed25519PrivateKey> FromRawSeed(
      absl::string_view seed32);

  Ed25519PrivateKey(Ed25519PrivateKey&&) = default;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) = default;

  // Returns the 64-byte Ed25519 signature of `message`. Deterministic: the
  // same key and message always give the same signature.
  std::string Sign(absl::string_view message) const;

  // The public half as SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC
  // KEY-----").
  std::string PublicKeyPem() const;

  // The raw 32-byte public key.
  std::string RawPublicKey() const;

  // The public half as a verifying key (e.g. for its KeyId()).
  Ed25519PublicKey PublicKey() const;

 private:
  explicit Ed25519PrivateKey(EvpPkeyPtr pkey) : pkey_(std::move(pkey)) {}

  EvpPkeyPtr pkey_;
};

}  // namespace hub::common

#endif  // HUB_COMMON_ED25519_H_
