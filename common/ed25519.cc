#include "common/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/x509_certificate.h"

namespace hub::common {
namespace {

constexpr absl::string_view kGenerateHint =
    "generate one with: openssl genpkey -algorithm ed25519 -out FILE";
constexpr absl::string_view kPublicHint =
    "get it from the Ed25519 private key with: openssl pkey -in KEY -pubout "
    "-out FILE";

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

BioPtr MemBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// OpenSSL wants a non-null pointer even for empty input; a default
// absl::string_view has a null data().
const unsigned char* Bytes(absl::string_view s) {
  static const unsigned char kEmpty = 0;
  return s.data() != nullptr ? reinterpret_cast<const unsigned char*>(s.data())
                             : &kEmpty;
}

// Refuses to prompt on the terminal for a passphrase: the hub reads keys
// unattended, so an encrypted key must fail rather than block.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
  return -1;
}

bool IsEd25519(const EVP_PKEY* pkey) {
  return EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519;
}

// The key's algorithm as OpenSSL names it ("EC", "RSA", ...).
std::string TypeName(const EVP_PKEY* pkey) {
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return name != nullptr ? name : "unknown";
}

std::string RawPublicKeyOf(const EVP_PKEY* pkey) {
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  HUB_CHECK(EVP_PKEY_get_raw_public_key(
                pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) == 1);
  HUB_CHECK(len == kEd25519PublicKeySize);
  return raw;
}

std::string PublicKeyPemOf(EVP_PKEY* pkey) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  HUB_CHECK(bio != nullptr);
  HUB_CHECK(PEM_write_bio_PUBKEY(bio.get(), pkey) == 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);  // NOLINT(runtime/int)
  return std::string(data, static_cast<size_t>(len));
}

}  // namespace

// ---------------------------------------------------------------------------
// Ed25519PublicKey

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromPem(
    absl::string_view pem) {
  if (absl::StrContains(pem, "PRIVATE KEY-----")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected an Ed25519 public key but got a PEM private key; ",
        kPublicHint));
  }
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr pkey(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\"; ",
        OpenSslError(), "); ", kPublicHint));
  }
  if (!IsEd25519(pkey.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the public key is of type ", TypeName(pkey.get()),
                     ", not Ed25519; ", kPublicHint));
  }
  return Ed25519PublicKey(std::move(pkey));
}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromRaw(
    absl::string_view raw32) {
  if (raw32.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an Ed25519 public key is ", kEd25519PublicKeySize,
                     " bytes, got ", raw32.size()));
  }
  EvpPkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                              Bytes(raw32), raw32.size()));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a usable Ed25519 public key: ", OpenSslError()));
  }
  return Ed25519PublicKey(std::move(pkey));
}

bool Ed25519PublicKey::Verify(absl::string_view message,
                              absl::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  HUB_CHECK(ctx != nullptr);
  // Ed25519 hashes internally, so no digest is named.
  bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                                 pkey_.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                             Bytes(message), message.size()) == 1;
  // A bad signature leaves an error on the thread's queue; do not let it
  // surface in an unrelated OpenSslError() later.
  if (!ok) ERR_clear_error();
  return ok;
}

std::string Ed25519PublicKey::RawPublicKey() const {
  return RawPublicKeyOf(pkey_.get());
}

std::string Ed25519PublicKey::Pem() const {
  return PublicKeyPemOf(pkey_.get());
}

std::string Ed25519PublicKey::KeyId() const {
  std::string raw = RawPublicKey();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  HUB_CHECK(EVP_Digest(raw.data(), raw.size(), digest, &digest_len,
                       EVP_sha256(), nullptr) == 1);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), 4));
}

// ---------------------------------------------------------------------------
// Ed25519PrivateKey

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(
    absl::string_view pem) {
  if (absl::StrContains(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the Ed25519 private key is encrypted, and the hub reads keys "
        "unattended; decrypt it with: openssl pkey -in KEY -out FILE, or ",
        kGenerateHint));
  }
  if (absl::StrContains(pem, "-----BEGIN PUBLIC KEY-----")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected an Ed25519 private key but got a PEM public key; ",
        kGenerateHint));
  }
  BioPtr bio = MemBio(pem);
  EvpPkeyPtr pkey(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a PEM private key (expected \"-----BEGIN PRIVATE KEY-----\"; ",
        OpenSslError(), "); ", kGenerateHint));
  }
  if (!IsEd25519(pkey.get())) {
    return absl::InvalidArgumentError(
        absl::StrCat("the private key is of type ", TypeName(pkey.get()),
                     ", not Ed25519; ", kGenerateHint));
  }
  return Ed25519PrivateKey(std::move(pkey));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromRawSeed(
    absl::string_view seed32) {
  if (seed32.size() != kEd25519SeedSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("an Ed25519 seed is ", kEd25519SeedSize, " bytes, got ",
                     seed32.size()));
  }
  EvpPkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               Bytes(seed32), seed32.size()));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a usable Ed25519 seed: ", OpenSslError()));
  }
  return Ed25519PrivateKey(std::move(pkey));
}

std::string Ed25519PrivateKey::Sign(absl::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  HUB_CHECK(ctx != nullptr);
  // Ed25519 hashes internally, so no digest is named.
  HUB_CHECK(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr,
                               pkey_.get()) == 1);
  std::string signature(kEd25519SignatureSize, '\0');
  size_t len = signature.size();
  HUB_CHECK(EVP_DigestSign(ctx.get(),
                           reinterpret_cast<unsigned char*>(signature.data()),
                           &len, Bytes(message), message.size()) == 1);
  HUB_CHECK(len == kEd25519SignatureSize);
  return signature;
}

std::string Ed25519PrivateKey::PublicKeyPem() const {
  return PublicKeyPemOf(pkey_.get());
}

std::string Ed25519PrivateKey::RawPublicKey() const {
  return RawPublicKeyOf(pkey_.get());
}

Ed25519PublicKey Ed25519PrivateKey::PublicKey() const {
  absl::StatusOr<Ed25519PublicKey> key =
      Ed25519PublicKey::FromRaw(RawPublicKey());
  HUB_CHECK(key.ok());
  return std::move(key).value();
}

}  // namespace hub::common
