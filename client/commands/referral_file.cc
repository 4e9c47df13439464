#include "client/commands/referral_file.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/text_proto.h"

namespace hub::client {

namespace rec = ::prevent::records::v1;

absl::StatusOr<rec::ReferralSubmission> ParseReferralSubmission(
    absl::string_view text, absl::string_view filename) {
  rec::ReferralSubmission submission;
  const absl::string_view body = absl::StripLeadingAsciiWhitespace(text);
  if (body.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        filename,
        ": the file is empty; `hubctl referral template` prints an example"));
  }
  if (body.front() == '{') {
    // Unknown fields are errors, so a misspelt field name is reported rather
    // than silently dropped from a referral.
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status = google::protobuf::util::JsonStringToMessage(
        std::string(text), &submission, options);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(filename, ": not a referral submission in JSON: ",
                       std::string(status.message())));
    }
    return submission;
  }
  RETURN_IF_ERROR(common::ParseTextProto(text, filename, &submission));
  return submission;
}

absl::StatusOr<rec::ReferralSubmission> ReadReferralSubmission(
    const std::string& path) {
  absl::StatusOr<std::string> text = common::ReadFile(path);
  if (!text.ok()) {
    // ReadFile says NOT_FOUND for a missing file, which hubctl's exit codes
    // would report as the hub refusing; this is the user's own file.
    return absl::FailedPreconditionError(text.status().message());
  }
  return ParseReferralSubmission(*text, path);
}

}  // namespace hub::client
