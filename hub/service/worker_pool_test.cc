#include "hub/service/worker_pool.h"

#include <atomic>
#include <memory>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace hub::service {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnce) {
  std::atomic<int> runs{0};
  absl::BlockingCounter done(1000);
  WorkerPool pool(4);
  for (int i = 0; i < 1000; ++i) {
    pool.Run([&] {
      runs.fetch_add(1);
      done.DecrementCount();
    });
  }
  done.Wait();
  EXPECT_EQ(runs.load(), 1000);
}

TEST(WorkerPoolTest, ABlockedTaskDoesNotHoldUpTheOthers) {
  WorkerPool pool(2);
  absl::Notification released;
  absl::Notification first_done;
  // The first task waits for the second, which can only run on the pool's
  // other thread: with one thread for both this would never finish.
  pool.Run([&] {
    released.WaitForNotification();
    first_done.Notify();
  });
  pool.Run([&] { released.Notify(); });
  first_done.WaitForNotification();
}

TEST(WorkerPoolTest, ATaskMayQueueAnother) {
  WorkerPool pool(1);
  absl::Notification second_ran;
  pool.Run([&] { pool.Run([&] { second_ran.Notify(); }); });
  second_ran.WaitForNotification();
}

TEST(WorkerPoolTest, DestroyingRunsWhatIsQueued) {
  std::atomic<int> runs{0};
  absl::Notification go;
  {
    WorkerPool pool(1);
    pool.Run([&] { go.WaitForNotification(); });
    for (int i = 0; i < 50; ++i) {
      pool.Run([&] { runs.fetch_add(1); });
    }
    go.Notify();
  }  // joins only once all 50 have run
  EXPECT_EQ(runs.load(), 50);
}

TEST(WorkerPoolTest, AtLeastOneThread) {
  WorkerPool pool(0);
  absl::Notification ran;
  pool.Run([&] { ran.Notify(); });
  ran.WaitForNotification();
}

}  // namespace
}  // namespace hub::service
