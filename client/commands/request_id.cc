#include "client/commands/request_id.h"

#include <openssl/rand.h>

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace hub::client {

absl::StatusOr<std::string> NewRequestId() {
  uint8_t b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) {
    return absl::InternalError(
        "cannot make a request id: the system's random number generator "
        "failed");
  }
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[b[i] >> 4]);
    id.push_back(kHex[b[i] & 0x0f]);
  }
  return id;
}

absl::Status CheckRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) {
    return absl::InvalidArgumentError(
        "--request-id: give 1 to 64 printable ASCII characters");
  }
  for (char c : id) {
    if (c < 0x20 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "--request-id: give 1 to 64 printable ASCII characters");
    }
  }
  return absl::OkStatus();
}

absl::Status WithRetryHint(const absl::Status& status,
                           absl::string_view request_id) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
      return absl::Status(
          status.code(),
          absl::StrCat(status.message(),
                       "\nthe hub may or may not have applied it; to retry "
                       "safely, run the same command again with --request-id ",
                       request_id));
    default:
      return status;
  }
}

}  // namespace hub::client
