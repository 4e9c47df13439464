// Encryption at rest for hubctl's offline cache (SPEC P24; issue 8). Every
// cached item is sealed with AES-256-GCM under one random 256-bit data key,
// bound to the item's key as associated data so a sealed value cannot be
// moved to another row. The data key is kept only wrapped: sealed with
// AES-256-GCM under a key derived from the user's passphrase by scrypt, with
// a random salt. All cryptography is OpenSSL's. Key bytes are wiped when a
// DataKey is destroyed. Thread-compatible.
#ifndef HUB_CLIENT_CACHE_DATA_KEY_H_
#define HUB_CLIENT_CACHE_DATA_KEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::client {

// The data key as stored: scrypt's parameters and salt, and the key sealed
// under the passphrase-derived key.
struct WrappedKey {
  uint64_t scrypt_n = 0;  // cost: a power of two
  uint32_t scrypt_r = 0;
  uint32_t scrypt_p = 0;
  std::string salt;    // 16 random bytes
  std::string sealed;  // nonce || ciphertext || tag
};

class DataKey {
 public:
  // scrypt's cost for new wrappings: 2^15 x 8 x 1 (32 MiB, about 0.1 s).
  static constexpr uint64_t kScryptN = uint64_t{1} << 15;
  static constexpr uint32_t kScryptR = 8;
  static constexpr uint32_t kScryptP = 1;

  // A fresh random key. INTERNAL if the system has no randomness.
  static absl::StatusOr<DataKey> Generate();

  // The key `wrapped` holds, if `passphrase` is the one it was wrapped with.
  // UNAUTHENTICATED ("the passphrase is wrong") otherwise; DATA_LOSS if
  // `wrapped` is malformed.
  static absl::StatusOr<DataKey> Unwrap(const WrappedKey& wrapped,
                                        absl::string_view passphrase);

  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  DataKey(DataKey&& other) noexcept;
  DataKey& operator=(DataKey&& other) noexcept;
  ~DataKey();

  // This key wrapped under `passphrase` with a new salt, at `scrypt_n`
  // (tests may lower the cost; never below 2^10).
  absl::StatusOr<WrappedKey> Wrap(absl::string_view passphrase,
                                  uint64_t scrypt_n = kScryptN) const;

  // `plaintext` sealed for the row `associated`: nonce || ciphertext || tag.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext,
                                   absl::string_view associated) const;

  // The plaintext of `sealed`, if it was sealed by this key for the row
  // `associated` and not altered; DATA_LOSS otherwise.
  absl::StatusOr<std::string> Open(absl::string_view sealed,
                                   absl::string_view associated) const;

 private:
  DataKey() = default;
  std::array<unsigned char, 32> key_{};
};

}  // namespace hub::client

#endif  // HUB_CLIENT_CACHE_DATA_KEY_H_
