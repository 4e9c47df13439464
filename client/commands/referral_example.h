// The example referral submission `hubctl referral template` prints: SPEC
// §5.3's fictional referral PRV-WXC-2025-000123 (Ryan Marsh, referred by a
// community mental health nurse), as a referrer would fill it in.
#ifndef HUB_CLIENT_COMMANDS_REFERRAL_EXAMPLE_H_
#define HUB_CLIENT_COMMANDS_REFERRAL_EXAMPLE_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/records.pb.h"

namespace hub::client {

// A complete submission that sets only what a referrer provides: no ids,
// reference, state, status, dates or other fields the hub assigns.
prevent::records::v1::ReferralSubmission ExampleSubmission();

// ExampleSubmission() in the protobuf JSON mapping with the proto field
// names, indented for editing; `hubctl referral submit` accepts it as is.
// INTERNAL if protobuf cannot print it.
absl::StatusOr<std::string> ExampleSubmissionJson();

}  // namespace hub::client

#endif  // HUB_CLIENT_COMMANDS_REFERRAL_EXAMPLE_H_
