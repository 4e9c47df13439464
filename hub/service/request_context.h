// Checks the RequestContext every request carries before any work is done.
#ifndef HUB_SERVICE_REQUEST_CONTEXT_H_
#define HUB_SERVICE_REQUEST_CONTEXT_H_

#include "absl/status/status.h"
#include "proto/hub.pb.h"

namespace hub::service {

inline constexpr size_t kMaxJustificationChars = 500;
inline constexpr size_t kMaxRequestIdBytes = 64;

// OK if `context` is well formed: a known purpose (or none), a justification
// of at most 500 characters of valid UTF-8, a request_id of at most 64
// printable ASCII characters. Otherwise INVALID_ARGUMENT naming the field
// ("context.justification ...") and what to do.
absl::Status ValidateRequestContext(
    const prevent::hub::v1::RequestContext& context);

}  // namespace hub::service

#endif  // HUB_SERVICE_REQUEST_CONTEXT_H_
