// GoogleTest matchers for absl::Status and absl::StatusOr (Debian's Abseil
// has no status_matchers.h). Test-only.
#ifndef HUB_COMMON_STATUS_MATCHERS_H_
#define HUB_COMMON_STATUS_MATCHERS_H_

#include <ostream>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace hub::common::internal {

inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

}  // namespace hub::common::internal

// Matches an OK absl::Status or absl::StatusOr<T>.
MATCHER(IsOk, "is OK") {
  const absl::Status& s = ::hub::common::internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

// Matches a status with the given code and a message matching `msg_matcher`.
MATCHER_P2(StatusIs, code, msg_matcher,
           "has code " + ::testing::PrintToString(code)) {
  const absl::Status& s = ::hub::common::internal::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code &&
         ::testing::ExplainMatchResult(msg_matcher, std::string(s.message()),
                                       result_listener);
}

#endif  // HUB_COMMON_STATUS_MATCHERS_H_
