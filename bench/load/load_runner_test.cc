#include "bench/load/load_runner.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace hub::bench {
namespace {

// Completes calls on its own thread, in the order they were started, as a
// channel's callbacks do; counts how many are in flight at most.
class FakeServer {
 public:
  explicit FakeServer(int fail_every = 0, std::string error = "14: unavailable")
      : fail_every_(fail_every), error_(std::move(error)) {
    worker_ = std::thread([this] { Serve(); });
  }
  ~FakeServer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  StartCall Calls() {
    return [this](std::function<void(const std::string&)> done) {
      std::lock_guard<std::mutex> lock(mu_);
      ++started_;
      max_in_flight_ = std::max<int>(max_in_flight_, queue_.size() + 1);
      queue_.push_back(std::move(done));
      cv_.notify_all();
    };
  }

  int started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }
  int max_in_flight() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_;
  }

 private:
  void Serve() {
    int served = 0;
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto done = std::move(queue_.front());
      queue_.pop_front();
      ++served;
      const bool fail = fail_every_ > 0 && served % fail_every_ == 0;
      lock.unlock();
      done(fail ? error_ : "");
      lock.lock();
    }
  }

  const int fail_every_;
  const std::string error_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void(const std::string&)>> queue_;
  int started_ = 0;
  int max_in_flight_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

TEST(RunCallsTest, MakesExactlyTheCallsAskedWithAtMostConcurrencyInFlight) {
  FakeServer server;
  LoadResult result = RunCalls(server.Calls(), 8, 1000);
  EXPECT_EQ(result.calls, 1000);
  EXPECT_EQ(result.failures, 0);
  EXPECT_EQ(server.started(), 1000);
  EXPECT_LE(server.max_in_flight(), 8);
  EXPECT_EQ(result.latencies_ns.size(), 1000u);
}

TEST(RunCallsTest, FewerCallsThanConcurrency) {
  FakeServer server;
  LoadResult result = RunCalls(server.Calls(), 64, 5);
  EXPECT_EQ(result.calls, 5);
  EXPECT_EQ(server.started(), 5);
}

TEST(RunCallsTest, AFailureIsCountedWithItsErrorAndEndsItsLane) {
  FakeServer server(/*fail_every=*/10);
  LoadResult result = RunCalls(server.Calls(), 1, 1000);
  // The one lane stops at its first failure: the tenth call.
  EXPECT_EQ(result.calls, 9);
  EXPECT_EQ(result.failures, 1);
  EXPECT_EQ(result.first_error, "14: unavailable");
}

TEST(RunCallsTest, AnOverloadRefusalIsShedNotAFailure) {
  FakeServer server(/*fail_every=*/10, "8: Server Threadpool Exhausted");
  LoadResult result = RunCalls(server.Calls(), 1, 1000);
  EXPECT_EQ(result.calls, 9);
  EXPECT_EQ(result.shed, 1);
  EXPECT_EQ(result.failures, 0);
  EXPECT_DOUBLE_EQ(result.ShedPercent(), 10);
  EXPECT_FALSE(IsShed("14: unavailable"));
  EXPECT_FALSE(IsShed("18: x"));  // a code that starts with 8 is not 8
}

TEST(LoadResultTest, Percentiles) {
  LoadResult result;
  for (int us = 100; us >= 1; --us) result.latencies_ns.push_back(us * 1000);
  EXPECT_DOUBLE_EQ(result.PercentileUs(0.5), 50);
  EXPECT_DOUBLE_EQ(result.PercentileUs(0.99), 99);
  EXPECT_DOUBLE_EQ(result.PercentileUs(1.0), 100);
  EXPECT_DOUBLE_EQ(result.PercentileUs(0), 1);
  EXPECT_DOUBLE_EQ(LoadResult().PercentileUs(0.5), 0);
}

TEST(LoadResultTest, CallsPerSecond) {
  LoadResult result;
  result.calls = 500;
  result.seconds = 0.25;
  EXPECT_DOUBLE_EQ(result.CallsPerSecond(), 2000);
  EXPECT_DOUBLE_EQ(LoadResult().CallsPerSecond(), 0);
}

}  // namespace
}  // namespace hub::bench
