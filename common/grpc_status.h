// The one place absl::Status and grpc::Status meet. Codes map one to one;
// messages are carried unchanged.
#ifndef HUB_COMMON_GRPC_STATUS_H_
#define HUB_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hub::common {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace hub::common

#endif  // HUB_COMMON_GRPC_STATUS_H_
