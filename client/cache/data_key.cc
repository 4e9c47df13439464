#include "client/cache/data_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"

namespace hub::client {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kSaltBytes = 16;

using CipherContext =
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewContext() {
  return CipherContext(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
}

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// AES-256-GCM of `plaintext` under `key`: a random nonce || ciphertext ||
// tag, authenticating `associated` too.
absl::StatusOr<std::string> GcmSeal(const unsigned char* key,
                                    absl::string_view plaintext,
                                    absl::string_view associated) {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceBytes) != 1) {
    return absl::InternalError("no randomness for a nonce");
  }
  CipherContext ctx = NewContext();
  int length = 0;
  unsigned char* body = nonce + kNonceBytes;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, nonce) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          body + plaintext.size()) != 1) {
    return absl::InternalError("AES-256-GCM sealing failed");
  }
  return out;
}

// The plaintext of GcmSeal's output; DATA_LOSS if it does not
// authenticate.
absl::StatusOr<std::string> GcmOpen(const unsigned char* key,
                                    absl::string_view sealed,
                                    absl::string_view associated) {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("a sealed item is too short");
  }
  const size_t text_size = sealed.size() - kNonceBytes - kTagBytes;
  std::string out(text_size, '\0');
  const unsigned char* nonce = Bytes(sealed);
  const unsigned char* body = nonce + kNonceBytes;
  std::string tag(sealed.substr(kNonceBytes + text_size));
  CipherContext ctx = NewContext();
  int length = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, nonce) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                        &length, body, static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(),
                          reinterpret_cast<unsigned char*>(out.data()) + length,
                          &length) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return absl::DataLossError(
        "a sealed item does not authenticate: it was altered, moved or "
        "sealed under another key");
  }
  return out;
}

// The key scrypt derives from `passphrase` and `salt`.
absl::Status DeriveKey(absl::string_view passphrase, absl::string_view salt,
                       uint64_t n, uint32_t r, uint32_t p, unsigned char* out) {
  // scrypt needs 128 * N * r bytes; allow twice that.
  const uint64_t max_mem = 256 * n * r;
  if (EVP_PBE_scrypt(passphrase.data(), passphrase.size(), Bytes(salt),
                     salt.size(), n, r, p, max_mem, out, 32) != 1) {
    return absl::DataLossError(
        absl::StrCat("the cache key's scrypt parameters are not usable (N=", n,
                     ", r=", r, ", p=", p, ")"));
  }
  return absl::OkStatus();
}

// The wrapped key is bound to its parameters, so they cannot be lowered.
std::string WrapContext(const WrappedKey& w) {
  return absl::StrCat("hubctl cache data key v1 N=", w.scrypt_n,
                      " r=", w.scrypt_r, " p=", w.scrypt_p);
}

}  // namespace

absl::StatusOr<DataKey> DataKey::Generate() {
  DataKey key;
  if (RAND_bytes(key.key_.data(), static_cast<int>(key.key_.size())) != 1) {
    return absl::InternalError("no randomness for a cache key");
  }
  return key;
}

absl::StatusOr<DataKey> DataKey::Unwrap(const WrappedKey& wrapped,
                                        absl::string_view passphrase) {
  if (wrapped.salt.size() != kSaltBytes || wrapped.scrypt_n < 1024 ||
      wrapped.scrypt_n > (uint64_t{1} << 22) || wrapped.scrypt_r == 0 ||
      wrapped.scrypt_r > 32 || wrapped.scrypt_p == 0 || wrapped.scrypt_p > 16) {
    return absl::DataLossError("the cache's wrapped key is malformed");
  }
  std::array<unsigned char, 32> kek{};
  absl::Status derived =
      DeriveKey(passphrase, wrapped.salt, wrapped.scrypt_n, wrapped.scrypt_r,
                wrapped.scrypt_p, kek.data());
  if (!derived.ok()) return derived;
  absl::StatusOr<std::string> raw =
      GcmOpen(kek.data(), wrapped.sealed, WrapContext(wrapped));
  OPENSSL_cleanse(kek.data(), kek.size());
  if (!raw.ok() || raw->size() != 32) {
    if (raw.ok()) OPENSSL_cleanse(raw->data(), raw->size());
    return absl::UnauthenticatedError(
        "the passphrase is wrong (or the cache's key file was altered); "
        "give the passphrase this cache was created with");
  }
  DataKey key;
  std::copy(raw->begin(), raw->end(), key.key_.begin());
  OPENSSL_cleanse(raw->data(), raw->size());
  return key;
}

DataKey::DataKey(DataKey&& other) noexcept : key_(other.key_) {
  OPENSSL_cleanse(other.key_.data(), other.key_.size());
}

DataKey& DataKey::operator=(DataKey&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    OPENSSL_cleanse(other.key_.data(), other.key_.size());
  }
  return *this;
}

DataKey::~DataKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

absl::StatusOr<WrappedKey> DataKey::Wrap(absl::string_view passphrase,
                                         uint64_t scrypt_n) const {
  if (passphrase.empty()) {
    return absl::InvalidArgumentError(
        "the cache passphrase is empty; set one (prompt or "
        "HUBCTL_PASSPHRASE)");
  }
  WrappedKey wrapped;
  wrapped.scrypt_n = scrypt_n;
  wrapped.scrypt_r = kScryptR;
  wrapped.scrypt_p = kScryptP;
  wrapped.salt.resize(kSaltBytes);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(wrapped.salt.data()),
                 kSaltBytes) != 1) {
    return absl::InternalError("no randomness for a salt");
  }
  std::array<unsigned char, 32> kek{};
  absl::Status derived =
      DeriveKey(passphrase, wrapped.salt, wrapped.scrypt_n, wrapped.scrypt_r,
                wrapped.scrypt_p, kek.data());
  if (!derived.ok()) return derived;
  absl::StatusOr<std::string> sealed =
      GcmSeal(kek.data(),
              absl::string_view(reinterpret_cast<const char*>(key_.data()),
                                key_.size()),
              WrapContext(wrapped));
  OPENSSL_cleanse(kek.data(), kek.size());
  if (!sealed.ok()) return sealed.status();
  wrapped.sealed = std::move(*sealed);
  return wrapped;
}

absl::StatusOr<std::string> DataKey::Seal(absl::string_view plaintext,
                                          absl::string_view associated) const {
  return GcmSeal(key_.data(), plaintext, associated);
}

absl::StatusOr<std::string> DataKey::Open(absl::string_view sealed,
                                          absl::string_view associated) const {
  return GcmOpen(key_.data(), sealed, associated);
}

}  // namespace hub::client
