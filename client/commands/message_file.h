// Reading a record from a user's file (a referral submission, a briefing
// draft): protobuf JSON, or protobuf text format.
#ifndef HUB_CLIENT_COMMANDS_MESSAGE_FILE_H_
#define HUB_CLIENT_COMMANDS_MESSAGE_FILE_H_

#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hub::client {

// What a file should hold, for the errors: e.g. {"a referral submission",
// "`hubctl referral template` prints an example"}.
struct FileKind {
  absl::string_view what;
  absl::string_view example_hint;
};

// Parses `text` into `out` as JSON if its first non-space character is '{',
// else as text format. `filename` only labels errors. On failure returns
// INVALID_ARGUMENT naming the file and what is wrong: for text format every
// error as "filename:line:column: message"; for JSON protobuf's message.
// Unknown fields are errors, so a misspelt field name is reported rather
// than silently dropped.
absl::Status ParseMessageFile(absl::string_view text,
                              absl::string_view filename, const FileKind& kind,
                              google::protobuf::Message* out);

// Reads the file at `path` and parses it as above. FAILED_PRECONDITION
// naming the file if it cannot be read (a local problem, not the hub's "not
// found"); INVALID_ARGUMENT if it is empty or does not parse.
absl::Status ReadMessageFile(const std::string& path, const FileKind& kind,
                             google::protobuf::Message* out);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_MESSAGE_FILE_H_
