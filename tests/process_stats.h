// What this test process holds, for suites that check the hub in it stays
// bounded: resident memory and open file descriptors, from /proc/self.
#ifndef HUB_TESTS_PROCESS_STATS_H_
#define HUB_TESTS_PROCESS_STATS_H_

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace hub::testing {

inline int64_t OpenFds() {
  int64_t n = 0;
  for (const auto& unused :
       std::filesystem::directory_iterator("/proc/self/fd")) {
    (void)unused;
    ++n;
  }
  return n;
}

// VmRSS in KiB; 0 if it cannot be read.
inline int64_t RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kib = 0;
      return absl::SimpleAtoi(absl::StripAsciiWhitespace(
                                  absl::StripSuffix(line.substr(6), "kB")),
                              &kib)
                 ? kib
                 : 0;
    }
  }
  return 0;
}

}  // namespace hub::testing

#endif  // HUB_TESTS_PROCESS_STATS_H_
