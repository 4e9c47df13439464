#include "common/file_util.h"

#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::common {
namespace {

using ::testing::HasSubstr;

TEST(FileUtilTest, MissingFileIsNotFoundAndNamed) {
  EXPECT_THAT(
      ReadFile("/nonexistent/x.pem"),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/x.pem")));
}

TEST(FileUtilTest, AConfiguredFileThatIsMissingIsASetUpProblem) {
  EXPECT_THAT(ReadConfiguredFile("cert_file", "/nonexistent/x.pem"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("cert_file: cannot read /nonexistent/x.pem")));
}

TEST(FileUtilTest, ReadsContents) {
  auto contents = ReadFile(HUB_SOURCE_DIR "/.clang-format");
  ASSERT_THAT(contents, IsOk());
  EXPECT_THAT(*contents, HasSubstr("Google"));
}

TEST(FileUtilTest, WritesAtomicallyAndReplaces) {
  ScopedTempDir dir;
  const std::string path = dir.path() + "/state";
  ASSERT_THAT(WriteFileAtomically(path, "first"), IsOk());
  ASSERT_THAT(WriteFileAtomically(path, "second"), IsOk());
  auto contents = ReadFile(path);
  ASSERT_THAT(contents, IsOk());
  EXPECT_EQ(*contents, "second");
  EXPECT_THAT(ReadFile(path + ".tmp"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(".tmp")));
  EXPECT_THAT(WriteFileAtomically("/nonexistent/dir/state", "x"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("/nonexistent/dir/state")));
}

TEST(FileUtilTest, ResolvesRelativePathsOnly) {
  EXPECT_EQ(ResolvePath("/etc/hub", "ca.pem"), "/etc/hub/ca.pem");
  EXPECT_EQ(ResolvePath("/etc/hub", "/abs/ca.pem"), "/abs/ca.pem");
  EXPECT_EQ(ResolvePath("/etc/hub", ""), "");
  EXPECT_EQ(DirName("/etc/hub/hub.textproto"), "/etc/hub");
  EXPECT_EQ(DirName("hub.textproto"), ".");
  EXPECT_EQ(DirName("/hub.textproto"), "/");
}

}  // namespace
}  // namespace hub::common
