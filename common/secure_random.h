// Random bytes for keys, salts and ids, from OpenSSL's CSPRNG. Small
// requests are served from a per-thread block drawn with one RAND_bytes
// call, so the per-call cost of RAND_bytes (its DRBG lock and reseed check)
// is paid once a block, not once per audit event id and salt. Each byte is
// handed out once and wiped from the block as it is. Aborts if OpenSSL
// cannot supply randomness: nothing that needs it can go on without it.
// Not for a process that forks after drawing (the child would repeat the
// parent's block); hubd and hubctl do not.
#ifndef HUB_COMMON_SECURE_RANDOM_H_
#define HUB_COMMON_SECURE_RANDOM_H_

#include <cstddef>
#include <cstdint>

namespace hub::common {

// Fills out[0, size) with random bytes. Thread-safe.
void SecureRandomBytes(uint8_t* out, size_t size);

}  // namespace hub::common

#endif  // HUB_COMMON_SECURE_RANDOM_H_
