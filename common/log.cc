#include "common/log.h"

#include <unistd.h>

#include <atomic>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hub::common {
namespace {

std::atomic<int> log_fd{STDERR_FILENO};

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARN";
    case Severity::kError:
      return "ERROR";
  }
  return "INFO";
}

bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, absl::string_view v) {
  if (!NeedsQuotes(v)) {
    out.append(v.data(), v.size());
    return;
  }
  out.push_back('"');
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string LocationsOnly(absl::string_view message) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(message, '\n')) {
    if (!out.empty()) out += "\n";
    // Find ":<digits>:<digits>:" and cut just after it.
    size_t cut = absl::string_view::npos;
    for (size_t i = 0; i < line.size() && cut == absl::string_view::npos; ++i) {
      if (line[i] != ':') continue;
      size_t j = i + 1;
      int groups = 0;
      while (groups < 2) {
        size_t digits = j;
        while (j < line.size() && absl::ascii_isdigit(line[j])) ++j;
        if (j == digits || j >= line.size() || line[j] != ':') break;
        ++j;
        ++groups;
      }
      if (groups == 2) cut = j;
    }
    if (cut == absl::string_view::npos) {
      out.append(line.data(), line.size());
    } else {
      out.append(line.data(), cut);
      out += " (details withheld from the log; run hubd policy check)";
    }
  }
  return out;
}

void SetLogFileDescriptor(int fd) {
  log_fd.store(fd, std::memory_order_relaxed);
}

LogLine::LogLine(Severity severity, absl::string_view event) {
  line_ = absl::StrCat("ts=",
                       absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                        absl::UTCTimeZone()),
                       " level=", SeverityName(severity), " event=");
  AppendValue(line_, event);
}

LogLine& LogLine::Add(absl::string_view key, absl::string_view value) {
  absl::StrAppend(&line_, " ", key, "=");
  AppendValue(line_, value);
  return *this;
}

LogLine& LogLine::Add(absl::string_view key, int64_t value) {
  absl::StrAppend(&line_, " ", key, "=", value);
  return *this;
}

LogLine::~LogLine() {
  line_.push_back('\n');
  // One write so concurrent lines never interleave; a failed log write must
  // not take the server down, so the result is deliberately ignored.
  ssize_t ignored = ::write(log_fd.load(std::memory_order_relaxed),
                            line_.data(), line_.size());
  (void)ignored;
}

}  // namespace hub::common
