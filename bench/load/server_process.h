// A server (hubd or bench_echo) run as a child process for a benchmark:
// started with its stdout on a pipe, ready once it prints its one line
// "...: serving on HOST:PORT", measured (resident memory) and stopped.
#ifndef HUB_BENCH_LOAD_SERVER_PROCESS_H_
#define HUB_BENCH_LOAD_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hub::bench {

class ServerProcess {
 public:
  // Runs `argv` (argv[0] a path) with stderr appended to `log_path`, and
  // waits up to `timeout` for its "serving on" line. On failure the child
  // is killed and the error names the log.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path,
      absl::Duration timeout);

  ~ServerProcess();  // Stop()s if still running

  const std::string& address() const { return address_; }
  // From the fork to the "serving on" line.
  absl::Duration listening_after() const { return listening_after_; }
  pid_t pid() const { return pid_; }

  // Resident set (VmRSS) and its peak (VmHWM) in MiB, from /proc.
  double RssMib() const;
  double PeakRssMib() const;

  // SIGTERM, then waits for the exit; an error if it did not exit 0.
  absl::Status Stop();

 private:
  ServerProcess(pid_t pid, std::string address, absl::Duration after)
      : pid_(pid), address_(std::move(address)), listening_after_(after) {}
  double StatusMib(const char* field) const;

  pid_t pid_;
  std::string address_;
  absl::Duration listening_after_;
};

}  // namespace hub::bench

#endif  // HUB_BENCH_LOAD_SERVER_PROCESS_H_
