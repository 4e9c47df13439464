// RecordLocks serialises changes to one record across services: a handler
// that reads, checks and rewrites a referral holds the referral's lock until
// its write commits (Call::Hold), whichever service it is in. Keys share a
// fixed set of locks. Thread-safe.
#ifndef HUB_SERVICE_RECORD_LOCKS_H_
#define HUB_SERVICE_RECORD_LOCKS_H_

#include <array>
#include <mutex>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace hub::service {

class RecordLocks {
 public:
  // The lock for `key` (a referral id, a partner's request id, a
  // principal's query budget).
  std::unique_lock<std::mutex> Lock(absl::string_view key) {
    return std::unique_lock<std::mutex>(
        locks_[absl::Hash<absl::string_view>{}(key) % locks_.size()]);
  }

 private:
  std::array<std::mutex, 64> locks_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_RECORD_LOCKS_H_
