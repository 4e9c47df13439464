#include "hub/service/record_locks.h"

#include <atomic>
#include <optional>
#include <thread>
#include <utility>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace hub::service {
namespace {

TEST(RecordLocksTest, ASecondLockerWaitsUntilTheFirstReleases) {
  RecordLocks locks;
  std::optional<RecordLock> first(locks.Lock("R-1"));
  std::atomic<bool> second_held{false};
  absl::Notification started;
  std::thread second([&] {
    started.Notify();
    RecordLock lock = locks.Lock("R-1");
    second_held = true;
  });
  started.WaitForNotification();
  // The second locker cannot get past Lock() while the first is held; no
  // sleep can prove it waits, but it must not have taken the lock.
  EXPECT_FALSE(second_held.load());
  first.reset();
  second.join();
  EXPECT_TRUE(second_held.load());
}

TEST(RecordLocksTest, AnotherThreadMayReleaseALock) {
  // The audit writer releases a call's locks after its commit.
  RecordLocks locks;
  std::optional<RecordLock> held(locks.Lock("R-2"));
  std::thread writer([&] { held.reset(); });
  writer.join();
  RecordLock again = locks.Lock("R-2");  // would block forever if still held
  SUCCEED();
}

TEST(RecordLocksTest, AMovedFromLockReleasesNothing) {
  RecordLocks locks;
  std::optional<RecordLock> moved_from(locks.Lock("R-3"));
  std::optional<RecordLock> owner(std::move(*moved_from));
  moved_from.reset();  // must not release the lock `owner` holds
  std::atomic<bool> taken{false};
  absl::Notification started;
  std::thread other([&] {
    started.Notify();
    RecordLock lock = locks.Lock("R-3");
    taken = true;
  });
  started.WaitForNotification();
  EXPECT_FALSE(taken.load());
  owner.reset();
  other.join();
  EXPECT_TRUE(taken.load());
}

}  // namespace
}  // namespace hub::service
