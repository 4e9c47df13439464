// hubctl's exit codes (DESIGN.md §5) and how a status maps to them.
#ifndef HUB_CLIENT_EXIT_CODES_H_
#define HUB_CLIENT_EXIT_CODES_H_

#include "absl/status/status.h"

namespace hub::client {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,   // bad invocation or local configuration (profile, files)
  kExitDenied = 2,  // the hub refused: unauthenticated, denied or not found
  kExitUnavailable = 3,  // the hub could not be reached (writes are queued)
  kExitIntegrity =
      4,  // something failed verification (e.g. the hub's identity)
};

// UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND -> 2; UNAVAILABLE,
// DEADLINE_EXCEEDED -> 3; DATA_LOSS -> 4; any other error -> 1.
inline int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
      return kExitDenied;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kExitUnavailable;
    case absl::StatusCode::kDataLoss:
      return kExitIntegrity;
    default:
      return kExitUsage;
  }
}

}  // namespace hub::client

#endif  // HUB_CLIENT_EXIT_CODES_H_
