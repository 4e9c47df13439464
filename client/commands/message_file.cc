#include "client/commands/message_file.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/text_proto.h"

namespace hub::client {

absl::Status ParseMessageFile(absl::string_view text,
                              absl::string_view filename, const FileKind& kind,
                              google::protobuf::Message* out) {
  const absl::string_view body = absl::StripLeadingAsciiWhitespace(text);
  if (body.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(filename, ": the file is empty; ", kind.example_hint));
  }
  if (body.front() == '{') {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        std::string(text), out, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(filename, ": not ", kind.what,
                       " in JSON: ", std::string(status.message())));
    }
    return absl::OkStatus();
  }
  return common::ParseTextProto(text, filename, out);
}

absl::Status ReadMessageFile(const std::string& path, const FileKind& kind,
                             google::protobuf::Message* out) {
  absl::StatusOr<std::string> text = common::ReadFile(path);
  if (!text.ok()) {
    // ReadFile says NOT_FOUND for a missing file, which hubctl's exit codes
    // would report as the hub refusing; this is the user's own file.
    return absl::FailedPreconditionError(text.status().message());
  }
  return ParseMessageFile(*text, path, kind, out);
}

}  // namespace hub::client
