// Checks the meaning of a parsed policy file: every reference resolves, ids
// are unique, every rule is complete and consistent with its agreement, every
// field path exists in the record it names, and no ACTIVE agreement has
// expired. Each problem is reported at the place in the file it concerns.
#ifndef HUB_POLICY_VALIDATOR_H_
#define HUB_POLICY_VALIDATOR_H_

#include <google/protobuf/text_format.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/policy.pb.h"

namespace hub::policy {

// OK, or INVALID_ARGUMENT listing every problem, one per line, as
// "filename:line:column: what is wrong; what to do". `tree` holds the
// locations the parser recorded for `file`; `now` decides which agreements
// have expired.
absl::Status ValidatePolicyFile(
    const prevent::policy::v1::PolicyFile& file,
    const google::protobuf::TextFormat::ParseInfoTree& tree,
    absl::string_view filename, absl::Time now);

}  // namespace hub::policy

#endif  // HUB_POLICY_VALIDATOR_H_
