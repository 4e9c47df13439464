// Reading a referral submission file for `hubctl referral submit`: protobuf
// JSON (what `hubctl referral template` prints) or protobuf text format of
// prevent.records.v1.ReferralSubmission.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_FILE_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/records.pb.h"

namespace hub::client {

// Parses `text` as JSON if its first non-space character is '{', else as
// text format. `filename` only labels errors. On failure returns
// INVALID_ARGUMENT naming the file and what is wrong: for text format every
// error as "filename:line:column: message"; for JSON protobuf's message.
absl::StatusOr<prevent::records::v1::ReferralSubmission>
ParseReferralSubmission(absl::string_view text, absl::string_view filename);

// Reads the file at `path` and parses it as above. FAILED_PRECONDITION
// naming the file if it cannot be read (a local problem, not the hub's "not
// found"); INVALID_ARGUMENT if it is empty or does not parse.
absl::StatusOr<prevent::records::v1::ReferralSubmission> ReadReferralSubmission(
    const std::string& path);

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_FILE_H_
