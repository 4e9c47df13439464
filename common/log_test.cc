#include "common/log.h"

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::common {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LogLineTest, WritesOneKeyValueLine) {
  testing::internal::CaptureStderr();
  LogLine(Severity::kInfo, "rpc").Add("method", "/a.B/C").Add("latency_us", 42);
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, StartsWith("ts="));
  EXPECT_THAT(out,
              HasSubstr(" level=INFO event=rpc method=/a.B/C latency_us=42"));
  EXPECT_THAT(out, EndsWith("\n"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(LogLineTest, QuotesAndEscapesSoAValueCannotForgeALine) {
  testing::internal::CaptureStderr();
  LogLine(Severity::kWarning, "x").Add("msg", "a b\nts=forged \"q\"");
  std::string out = testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr(R"(msg="a b\x0ats=forged \"q\"")"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  EXPECT_THAT(out, HasSubstr("level=WARN"));
}

TEST(LogLineTest, EmptyValueIsQuoted) {
  testing::internal::CaptureStderr();
  LogLine(Severity::kError, "x").Add("principal", "");
  EXPECT_THAT(testing::internal::GetCapturedStderr(),
              HasSubstr(R"(principal="")"));
}

TEST(LogLineTest, GoesWhereItIsSent) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  SetLogFileDescriptor(pipe_fds[1]);
  testing::internal::CaptureStderr();
  LogLine(Severity::kInfo, "elsewhere");
  const std::string on_stderr = testing::internal::GetCapturedStderr();
  SetLogFileDescriptor(STDERR_FILENO);
  close(pipe_fds[1]);
  char buffer[512] = {};
  const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer) - 1);
  close(pipe_fds[0]);
  EXPECT_THAT(std::string(buffer, n > 0 ? n : 0), HasSubstr("event=elsewhere"));
  EXPECT_EQ(on_stderr, "");
}

TEST(LocationsOnlyTest, KeepsWhereNotWhat) {
  EXPECT_EQ(
      LocationsOnly(
          "policy_file: /etc/p.textproto:12:5: Expected string, got: Jane\n"
          "/etc/p.textproto:14:1: principal 'U-A' has no roles"),
      "policy_file: /etc/p.textproto:12:5: (details withheld from the log; run "
      "hubd "
      "policy check)\n/etc/p.textproto:14:1: (details withheld from the log; "
      "run hubd "
      "policy check)");
}

TEST(LocationsOnlyTest, KeepsTheHubsOwnMessagesWhole) {
  EXPECT_EQ(
      LocationsOnly(
          "crl_file: the revocation list expired at 2026-11-28T18:18:57Z"),
      "crl_file: the revocation list expired at 2026-11-28T18:18:57Z");
}

}  // namespace
}  // namespace hub::common
