#include "bench/load/load_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"

namespace hub::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t Ns(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

Clock::duration Of(absl::Duration d) {
  return std::chrono::nanoseconds(absl::ToInt64Nanoseconds(d));
}

// What every call of one run adds to, from any thread.
class Tally {
 public:
  Tally(Clock::time_point from, Clock::time_point until)
      : from_(from), until_(until) {}

  // A call scheduled (or started) at `start` ended now with `error`.
  void Ended(Clock::time_point start, const std::string& error) {
    const Clock::time_point now = Clock::now();
    absl::MutexLock lock(&mu_);
    const bool in_window = start >= from_ && now <= until_;
    if (IsShed(error)) {
      if (in_window) ++result_.shed;
      return;
    }
    if (!error.empty()) {
      if (result_.failures++ == 0) result_.first_error = error;
      return;
    }
    if (in_window) {
      ++result_.calls;
      result_.latencies_ns.push_back(Ns(now - start));
    }
  }

  void StartedOne() {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  void EndedOne() {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }

  // Blocks until no call is in flight and returns what was recorded.
  LoadResult Drain() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &in_flight_));
    return std::move(result_);
  }

 private:
  const Clock::time_point from_, until_;
  absl::Mutex mu_;
  LoadResult result_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// One of the closed loop's lanes: starts a call, and when it ends the next,
// until the window closes.
// `budget`, if not null, is how many calls may still start.
void Lane(const StartCall& start, Tally* tally, Clock::time_point until,
          std::atomic<int64_t>* budget) {
  const Clock::time_point started = Clock::now();
  start([&start, tally, until, budget, started](const std::string& error) {
    tally->Ended(started, error);
    if (error.empty() && Clock::now() < until &&
        (budget == nullptr || budget->fetch_sub(1) > 0)) {
      Lane(start, tally, until, budget);
    } else {
      tally->EndedOne();
    }
  });
}

}  // namespace

bool IsShed(const std::string& error) {
  // grpc::StatusCode::RESOURCE_EXHAUSTED is 8.
  return absl::StartsWith(error, "8: ");
}

double LoadResult::PercentileUs(double q) const {
  if (latencies_ns.empty()) return 0;
  std::vector<int64_t> sorted = latencies_ns;
  const size_t at = std::min(
      sorted.size() - 1,
      static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size()))) -
          (q > 0 ? 1 : 0));
  std::nth_element(sorted.begin(), sorted.begin() + at, sorted.end());
  return sorted[at] / 1e3;
}

LoadResult RunClosedLoop(const StartCall& start, int concurrency,
                         absl::Duration warmup, absl::Duration duration) {
  const Clock::time_point from = Clock::now() + Of(warmup);
  const Clock::time_point until = from + Of(duration);
  Tally tally(from, until);
  for (int i = 0; i < concurrency; ++i) {
    tally.StartedOne();
    Lane(start, &tally, until, nullptr);
  }
  LoadResult result = tally.Drain();
  result.seconds = absl::ToDoubleSeconds(duration);
  return result;
}

LoadResult RunCalls(const StartCall& start, int concurrency, int64_t calls) {
  const Clock::time_point from = Clock::now();
  Tally tally(from, Clock::time_point::max());
  std::atomic<int64_t> budget(calls - std::min<int64_t>(concurrency, calls));
  for (int64_t i = 0; i < std::min<int64_t>(concurrency, calls); ++i) {
    tally.StartedOne();
    Lane(start, &tally, Clock::time_point::max(), &budget);
  }
  LoadResult result = tally.Drain();
  result.seconds = std::chrono::duration<double>(Clock::now() - from).count();
  return result;
}

LoadResult RunOpenLoop(const StartCall& start, double rate,
                       absl::Duration warmup, absl::Duration duration) {
  const Clock::time_point begin = Clock::now();
  const Clock::time_point from = begin + Of(warmup);
  const Clock::time_point until = from + Of(duration);
  // Calls ending after the window still count: the window is when they were
  // scheduled, and every scheduled call is waited for.
  Tally tally(from, Clock::time_point::max());
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  for (int64_t i = 0;; ++i) {
    const Clock::time_point at =
        begin + std::chrono::duration_cast<Clock::duration>(interval * i);
    if (at >= until) break;
    std::this_thread::sleep_until(at);
    tally.StartedOne();
    start([&tally, at](const std::string& error) {
      tally.Ended(at, error);
      tally.EndedOne();
    });
  }
  LoadResult result = tally.Drain();
  result.seconds = absl::ToDoubleSeconds(duration);
  return result;
}

}  // namespace hub::bench
