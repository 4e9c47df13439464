#include "client/exit_codes.h"

#include "gtest/gtest.h"

namespace hub::client {
namespace {

TEST(ExitCodesTest, MapsStatusesToTheDocumentedCodes) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), 1);
  EXPECT_EQ(ExitCodeFor(absl::FailedPreconditionError("")), 1);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("")), 2);
  EXPECT_EQ(ExitCodeFor(absl::PermissionDeniedError("")), 2);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("")), 2);
  EXPECT_EQ(ExitCodeFor(absl::UnavailableError("")), 3);
  EXPECT_EQ(ExitCodeFor(absl::DeadlineExceededError("")), 3);
  EXPECT_EQ(ExitCodeFor(absl::DataLossError("")), 4);
}

}  // namespace
}  // namespace hub::client
