#include "common/secure_random.h"

#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hub::common {
namespace {

std::string Draw(size_t size) {
  std::string out(size, '\0');
  SecureRandomBytes(reinterpret_cast<uint8_t*>(out.data()), size);
  return out;
}

TEST(SecureRandomTest, NoTwoDrawsRepeatAcrossManyBlocks) {
  // 16-byte draws over many 512-byte blocks: a block handed out twice, or
  // bytes reused within one, would repeat a value.
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_TRUE(seen.insert(Draw(16)).second) << "draw " << i;
  }
}

TEST(SecureRandomTest, FillsEveryByteOfOddAndLargeSizes) {
  // A byte left unwritten stays zero; over 64 draws each position of a
  // random buffer is zero in all of them with probability 2^-512.
  for (size_t size : {1u, 7u, 33u, 64u, 65u, 1000u}) {
    std::vector<bool> ever_nonzero(size, false);
    for (int i = 0; i < 64; ++i) {
      const std::string bytes = Draw(size);
      for (size_t b = 0; b < size; ++b) {
        if (bytes[b] != 0) ever_nonzero[b] = true;
      }
    }
    for (size_t b = 0; b < size; ++b) {
      EXPECT_TRUE(ever_nonzero[b]) << "size " << size << " byte " << b;
    }
  }
}

TEST(SecureRandomTest, ThreadsDrawDifferentBytes) {
  std::string a, b;
  std::thread other([&] { b = Draw(32); });
  a = Draw(32);
  other.join();
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace hub::common
