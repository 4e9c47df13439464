#include "common/secure_random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

namespace hub::common {
namespace {

// Larger requests are drawn directly.
constexpr size_t kBlockSize = 512;
constexpr size_t kLargestBuffered = 64;

void Draw(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();
}

struct Block {
  uint8_t bytes[kBlockSize];
  size_t next = kBlockSize;  // the first byte not yet handed out
  ~Block() { OPENSSL_cleanse(bytes, sizeof(bytes)); }
};

}  // namespace

void SecureRandomBytes(uint8_t* out, size_t size) {
  if (size > kLargestBuffered) return Draw(out, size);
  thread_local Block block;
  if (kBlockSize - block.next < size) {
    Draw(block.bytes, kBlockSize);
    block.next = 0;
  }
  std::memcpy(out, block.bytes + block.next, size);
  OPENSSL_cleanse(block.bytes + block.next, size);
  block.next += size;
}

}  // namespace hub::common
