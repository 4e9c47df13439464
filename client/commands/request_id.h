// Request ids for hubctl's mutating calls (RequestContext.request_id). The
// hub applies a call once per id and answers a repeat with the first result,
// so a person whose call failed in transit can retry it with the same id.
#ifndef HUB_CLIENT_COMMANDS_REQUEST_ID_H_
#define HUB_CLIENT_COMMANDS_REQUEST_ID_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::client {

// A fresh random UUID (version 4, RFC 4122) from OpenSSL's CSPRNG, as 36
// lower-case characters "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". INTERNAL if
// the CSPRNG fails.
absl::StatusOr<std::string> NewRequestId();

// OK if `id` is what the hub accepts: 1 to 64 printable ASCII characters;
// otherwise INVALID_ARGUMENT naming --request-id.
absl::Status CheckRequestId(absl::string_view id);

// `status` unchanged, unless it is a failure after which the hub may or may
// not have applied the call (UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED,
// INTERNAL, UNKNOWN): then the same code with a message that also says how
// to retry safely with `request_id`.
absl::Status WithRetryHint(const absl::Status& status,
                           absl::string_view request_id);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REQUEST_ID_H_
