// Structured logging: one line per event on stderr, as key=value pairs, e.g.
//   ts=2026-11-21T17:34:00.123Z level=INFO event=rpc method=/x.Y/Z status=OK
// The log is not protected like the store: never put personal data (subject
// names, dates of birth, free text from requests) in a field value.
// Thread-safe: each line is written with a single write(2).
#ifndef HUB_COMMON_LOG_H_
#define HUB_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace hub::common {

enum class Severity { kInfo, kWarning, kError };

// Builds one log line and writes it when destroyed.
//   LogLine(Severity::kInfo, "rpc").Add("method", m).Add("latency_us", 12);
class LogLine {
 public:
  LogLine(Severity severity, absl::string_view event);
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  // Appends key=value. Values with spaces, quotes or '=' are quoted; control
  // characters are escaped so a value can never forge a second line.
  LogLine& Add(absl::string_view key, absl::string_view value);
  LogLine& Add(absl::string_view key, int64_t value);

 private:
  std::string line_;
};

// Sends every later line to `fd` (stderr, 2, until this is called), for a
// process that needs stderr for something else, such as a fuzzer's reports.
// `fd` must stay open while lines may be written.
void SetLogFileDescriptor(int fd);

// For logging an error about a file people write (the policy file): keeps,
// of each line, only its "path:line:column" (and any "field: " before it),
// because the parser's text can quote the file's content, such as a name.
// Lines without a location are kept whole: they are the hub's own words.
std::string LocationsOnly(absl::string_view message);

}  // namespace hub::common

#endif  // HUB_COMMON_LOG_H_
