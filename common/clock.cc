#include "common/clock.h"

#include "absl/strings/str_cat.h"

namespace hub::common {
namespace {

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock* const clock = new RealClock();
  return clock;
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseUtcDate(absl::string_view date) {
  absl::Time t;
  std::string error;
  // absl::ParseTime accepts out-of-range fields (it normalises them), so the
  // date must also print back to exactly what was given.
  if (date.size() != 10 ||
      !absl::ParseTime("%Y-%m-%d", std::string(date), absl::UTCTimeZone(), &t,
                       &error) ||
      absl::FormatTime("%Y-%m-%d", t, absl::UTCTimeZone()) != date) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", date, "' is not a date; write it as YYYY-MM-DD"));
  }
  return t;
}

}  // namespace hub::common
