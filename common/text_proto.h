// Parsing protobuf text format (our config and policy files) with errors that
// say file:line:column and what is wrong.
#ifndef HUB_COMMON_TEXT_PROTO_H_
#define HUB_COMMON_TEXT_PROTO_H_

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hub::common {

// Parses `text` into `*out`. `filename` only labels errors. If `locations` is
// not null it receives where each field was found, for later semantic errors.
// On failure returns INVALID_ARGUMENT with every syntax error, one per line,
// as "filename:line:column: message"; `*out` is then unspecified.
absl::Status ParseTextProto(
    absl::string_view text, absl::string_view filename,
    google::protobuf::Message* out,
    google::protobuf::TextFormat::ParseInfoTree* locations = nullptr);

// Reads and parses the file at `path` as above.
absl::Status ParseTextProtoFile(const std::string& path,
                                google::protobuf::Message* out);

}  // namespace hub::common

#endif  // HUB_COMMON_TEXT_PROTO_H_
