#include "hub/service/record_locks.h"

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace hub::service {
namespace {

// Another thread locking `key` cannot get past Lock() while `holder` holds
// it, and gets it once `holder` is released. No sleep can prove that it
// waits, but it must not have taken the lock while held.
void ExpectWaitsUntilReleased(RecordLocks& locks, const std::string& key,
                              std::optional<RecordLock>& holder) {
  std::atomic<bool> taken{false};
  absl::Notification started;
  std::thread other([&] {
    started.Notify();
    RecordLock lock = locks.Lock(key);
    taken = true;
  });
  started.WaitForNotification();
  EXPECT_FALSE(taken.load());
  holder.reset();
  other.join();
  EXPECT_TRUE(taken.load());
}

TEST(RecordLocksTest, ASecondLockerWaitsUntilTheFirstReleases) {
  RecordLocks locks;
  std::optional<RecordLock> first(locks.Lock("R-1"));
  ExpectWaitsUntilReleased(locks, "R-1", first);
}

TEST(RecordLocksTest, AnotherThreadMayReleaseALock) {
  // A lock is released by whichever thread ends the call.
  RecordLocks locks;
  std::optional<RecordLock> held(locks.Lock("R-2"));
  std::thread other([&] { held.reset(); });
  other.join();
  RecordLock again = locks.Lock("R-2");  // would block forever if still held
  SUCCEED();
}

TEST(RecordLocksTest, AMovedFromLockReleasesNothing) {
  RecordLocks locks;
  std::optional<RecordLock> moved_from(locks.Lock("R-3"));
  std::optional<RecordLock> owner(std::move(*moved_from));
  moved_from.reset();  // must not release the lock `owner` holds
  ExpectWaitsUntilReleased(locks, "R-3", owner);
}

}  // namespace
}  // namespace hub::service
