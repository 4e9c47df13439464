// Reads a command-line value that names a protobuf enum value, such as
// `--state SCREENING`, the way people type it.
#ifndef HUB_CLIENT_COMMANDS_ENUM_FLAG_H_
#define HUB_CLIENT_COMMANDS_ENUM_FLAG_H_

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::client {

// Returns the number of the value of `type` named `value` (any case). The
// zero (*_UNSPECIFIED) value is never accepted. On failure returns
// INVALID_ARGUMENT "FLAG: unknown value 'X'; use one of A, B, ...".
absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag,
                                  absl::string_view value);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_ENUM_FLAG_H_
