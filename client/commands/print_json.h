// Prints a message as one line of JSON (protobuf's JSON mapping, proto field
// names), as every read command's --json does.
#ifndef HUB_CLIENT_COMMANDS_PRINT_JSON_H_
#define HUB_CLIENT_COMMANDS_PRINT_JSON_H_

#include <google/protobuf/message.h>

#include <ostream>

#include "absl/status/status.h"

namespace hub::client {

absl::Status PrintJson(const google::protobuf::Message& message,
                       std::ostream& out);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_PRINT_JSON_H_
