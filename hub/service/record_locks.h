// RecordLocks serialises changes to one record across services: a handler
// that reads, checks and rewrites a referral holds the referral's lock until
// its write commits (Call::Hold), whichever service it is in. Keys share a
// fixed set of locks. A lock is released by destroying its RecordLock, on
// whichever thread ends the call. Thread-safe.
#ifndef HUB_SERVICE_RECORD_LOCKS_H_
#define HUB_SERVICE_RECORD_LOCKS_H_

#include <array>
#include <cstddef>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace hub::service {

class RecordLocks;

// One held lock; movable, released when destroyed.
class RecordLock {
 public:
  RecordLock(RecordLock&& other) noexcept
      : locks_(other.locks_), stripe_(other.stripe_) {
    other.locks_ = nullptr;
  }
  RecordLock(const RecordLock&) = delete;
  RecordLock& operator=(const RecordLock&) = delete;
  RecordLock& operator=(RecordLock&&) = delete;
  ~RecordLock();

 private:
  friend class RecordLocks;
  RecordLock(RecordLocks* locks, size_t stripe)
      : locks_(locks), stripe_(stripe) {}

  RecordLocks* locks_;  // null once moved from
  size_t stripe_;
};

class RecordLocks {
 public:
  // Blocks until the lock for `key` (a referral id, a partner's request id,
  // a principal's query budget) is free, and takes it.
  RecordLock Lock(absl::string_view key);

 private:
  friend class RecordLock;
  void Release(size_t stripe);

  static constexpr size_t kStripes = 64;
  absl::Mutex mu_;
  std::array<bool, kStripes> held_ ABSL_GUARDED_BY(mu_) = {};
};

}  // namespace hub::service

#endif  // HUB_SERVICE_RECORD_LOCKS_H_
