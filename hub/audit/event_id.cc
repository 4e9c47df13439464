#include "hub/audit/event_id.h"

#include <cstdint>

#include "common/secure_random.h"

namespace hub::audit {

std::string NewEventId(absl::Time time) {
  uint8_t b[16];
  common::SecureRandomBytes(b, sizeof(b));
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(time));
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');  // 8-4-4-4-12 hex digits
  size_t at = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // past a dash
    id[at++] = kHex[b[i] >> 4];
    id[at++] = kHex[b[i] & 0x0f];
  }
  return id;
}

}  // namespace hub::audit
