#include "hub/service/request_context.h"

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "proto/policy.pb.h"

namespace hub::service {

absl::Status ValidateRequestContext(
    const prevent::hub::v1::RequestContext& context) {
  if (!prevent::policy::v1::Purpose_IsValid(context.purpose())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "context.purpose: unknown purpose ", context.purpose(),
        "; use one of the purposes in the partnership's agreement"));
  }
  int64_t chars = common::Utf8Length(context.justification());
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
