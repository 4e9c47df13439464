#include "client/commands/print_json.h"

#include <google/protobuf/util/json_util.h>

#include <string>

namespace hub::client {

absl::Status PrintJson(const google::protobuf::Message& message,
                       std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options)
           .ok()) {
    return absl::InternalError("cannot print the answer as JSON");
  }
  out << json << "\n";
  return absl::OkStatus();
}

}  // namespace hub::client
