#include "hub/service/request_context.h"

#include "absl/strings/str_cat.h"
#include "proto/policy.pb.h"

namespace hub::service {

int64_t Utf8Length(absl::string_view s) {
  int64_t count = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return -1;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return -1;
    }
    i += len;
    ++count;
  }
  return count;
}

absl::Status ValidateRequestContext(
    const prevent::hub::v1::RequestContext& context) {
  if (!prevent::policy::v1::Purpose_IsValid(context.purpose())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context.purpose: unknown purpose ", context.purpose(),
        "; use one of the purposes in the partnership's agreement"));
  }
  int64_t chars = Utf8Length(context.justification());
  if (chars < 0) {
    return absl::InvalidArgumentError(
        "context.justification: not valid UTF-8; send plain text");
  }
  if (static_cast<size_t>(chars) > kMaxJustificationChars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context.justification: ", chars, " characters; shorten it to at most ",
        kMaxJustificationChars));
  }
  if (context.request_id().size() > kMaxRequestIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context.request_id: ", context.request_id().size(),
        " bytes; use at most ", kMaxRequestIdBytes, " (a UUID fits)"));
  }
  for (char c : context.request_id()) {
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(
          "context.request_id: only printable ASCII without spaces is allowed "
          "(a UUID fits)");
    }
  }
  return absl::OkStatus();
}

}  // namespace hub::service
