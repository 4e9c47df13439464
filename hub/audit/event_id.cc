#include "hub/audit/event_id.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hub::audit {

std::string NewEventId(absl::Time time) {
  uint8_t b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) std::abort();
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(time));
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // variant 10
  const std::string hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(b), sizeof(b)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20));
}

}  // namespace hub::audit
