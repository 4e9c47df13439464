// The one place absl::Status and grpc::Status meet. Codes map one to one;
// messages are carried unchanged.
#ifndef HUB_COMMON_GRPC_STATUS_H_
#define HUB_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hub::common {

// The message of the RESOURCE_EXHAUSTED status with which hubd refuses a
// call it is too busy to take, before doing anything for it; clients treat
// it as "try again" (docs/operations.md, Overload).
inline constexpr char kHubBusyMessage[] =
    "the hub is too busy to take the call and did nothing for it; try again "
    "shortly";

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace hub::common

#endif  // HUB_COMMON_GRPC_STATUS_H_
