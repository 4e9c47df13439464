#include "hub/service/in_flight_limit.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace hub::service {
namespace {

TEST(InFlightLimitTest, RefusesBeyondTheLimitUntilASlotIsReleased) {
  InFlightLimit limit(2);
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
  EXPECT_EQ(limit.held(), 2);  // a refusal takes nothing
  limit.Release();
  EXPECT_TRUE(limit.TryAcquire());
  EXPECT_FALSE(limit.TryAcquire());
}

TEST(InFlightLimitTest, NeverAdmitsMoreThanTheLimitAcrossThreads) {
  constexpr int kMax = 8;
  InFlightLimit limit(kMax);
  std::atomic<int> inside{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        if (!limit.TryAcquire()) continue;
        const int now = inside.fetch_add(1) + 1;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        inside.fetch_sub(1);
        limit.Release();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(most.load(), kMax);
  EXPECT_EQ(limit.held(), 0);
}

}  // namespace
}  // namespace hub::service
