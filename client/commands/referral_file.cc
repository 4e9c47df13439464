#include "client/commands/referral_file.h"

#include "client/commands/message_file.h"
#include "common/status_macros.h"

namespace hub::client {
namespace {

namespace rec = ::prevent::records::v1;

constexpr FileKind kSubmission = {
    "a referral submission", "`hubctl referral template` prints an example"};

}  // namespace

absl::StatusOr<rec::ReferralSubmission> ParseReferralSubmission(
    absl::string_view text, absl::string_view filename) {
  rec::ReferralSubmission submission;
  RETURN_IF_ERROR(ParseMessageFile(text, filename, kSubmission, &submission));
  return submission;
}

absl::StatusOr<rec::ReferralSubmission> ReadReferralSubmission(
    const std::string& path) {
  rec::ReferralSubmission submission;
  RETURN_IF_ERROR(ReadMessageFile(path, kSubmission, &submission));
  return submission;
}

}  // namespace hub::client
