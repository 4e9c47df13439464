// A Clock tells the time. Code that depends on time takes a Clock* so tests
// can inject a FakeClock. Implementations are thread-safe.
#ifndef HUB_COMMON_CLOCK_H_
#define HUB_COMMON_CLOCK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hub::common {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process-wide real-time clock. Never null; lives forever.
  static Clock* Real();
};

// Formats `t` as an RFC 3339 UTC timestamp to the second, e.g.
// "2026-11-21T17:34:00Z", for messages people read.
std::string FormatUtc(absl::Time t);

// Parses a calendar date "YYYY-MM-DD" (exactly that form) as midnight UTC at
// its start. INVALID_ARGUMENT for anything else, including impossible dates.
absl::StatusOr<absl::Time> ParseUtcDate(absl::string_view date);

}  // namespace hub::common

#endif  // HUB_COMMON_CLOCK_H_
