// Drives asynchronous calls at a server, closed-loop (a fixed number of
// calls always in flight: throughput) or open-loop (calls started on a fixed
// schedule whatever the answers: latency at a given rate), and records each
// call's latency. In open loop a call's latency runs from the time it was
// scheduled, not the time it was started, so a server that falls behind is
// charged for the queue it causes (no coordinated omission).
#ifndef HUB_BENCH_LOAD_LOAD_RUNNER_H_
#define HUB_BENCH_LOAD_LOAD_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace hub::bench {

// Starts one asynchronous call and returns at once; `done` must be called
// exactly once when the call ends, on any thread, with "" for success or
// the error as "CODE: message" (CODE the gRPC status code's number). May be
// called from inside a `done`.
using StartCall =
    std::function<void(std::function<void(const std::string& error)> done)>;

// True for an error that refuses a call because the server is overloaded
// (RESOURCE_EXHAUSTED): load shed, counted apart from failures.
bool IsShed(const std::string& error);

struct LoadResult {
  int64_t calls = 0;     // answered successfully inside the window
  int64_t shed = 0;      // refused as overloaded (IsShed), inside the window
  int64_t failures = 0;  // ended with any other error
  std::string first_error;
  double seconds = 0;                 // the measured window
  std::vector<int64_t> latencies_ns;  // of the successful calls, unsorted

  double CallsPerSecond() const { return seconds > 0 ? calls / seconds : 0; }
  // Of the calls ended inside the window, the percentage shed.
  double ShedPercent() const {
    return calls + shed > 0 ? 100.0 * shed / (calls + shed) : 0;
  }
  // The q-quantile (0..1) of the latencies in microseconds; 0 if none.
  double PercentileUs(double q) const;
};

// Keeps `concurrency` calls in flight for `warmup`, then measures for
// `duration`: calls answered in the window, and their latencies.
LoadResult RunClosedLoop(const StartCall& start, int concurrency,
                         absl::Duration warmup, absl::Duration duration);

// Makes exactly `calls` calls (fewer if one fails), `concurrency` at a
// time; the window is the whole run.
LoadResult RunCalls(const StartCall& start, int concurrency, int64_t calls);

// Starts calls at `rate` per second for `duration` (after `warmup` at the
// same rate, not recorded), then waits for the last to end.
LoadResult RunOpenLoop(const StartCall& start, double rate,
                       absl::Duration warmup, absl::Duration duration);

}  // namespace hub::bench

#endif  // HUB_BENCH_LOAD_LOAD_RUNNER_H_
