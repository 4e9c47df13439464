#include "client/cache/data_key.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kCheapN = 1024;  // tests only: fast scrypt

TEST(DataKeyTest, SealsAndOpensForTheSameRowOnly) {
  auto key = DataKey::Generate();
  ASSERT_THAT(key, IsOk());
  auto sealed = key->Seal("CANARY-briefing-text", "briefing/B-1");
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(*sealed, Not(HasSubstr("CANARY")));
  auto opened = key->Open(*sealed, "briefing/B-1");
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, "CANARY-briefing-text");
  // Moved to another row, altered, or opened with another key: refused.
  EXPECT_THAT(key->Open(*sealed, "briefing/B-2"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("altered")));
  std::string flipped = *sealed;
  flipped[flipped.size() / 2] ^= 1;
  EXPECT_THAT(key->Open(flipped, "briefing/B-1"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("altered")));
  auto other = DataKey::Generate();
  ASSERT_THAT(other, IsOk());
  EXPECT_THAT(other->Open(*sealed, "briefing/B-1"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("altered")));
  EXPECT_THAT(key->Open("short", "briefing/B-1"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("too short")));
}

TEST(DataKeyTest, EachSealUsesAFreshNonce) {
  auto key = DataKey::Generate();
  ASSERT_THAT(key, IsOk());
  EXPECT_NE(*key->Seal("same", "row"), *key->Seal("same", "row"));
}

TEST(DataKeyTest, UnwrapsOnlyWithThePassphrase) {
  auto key = DataKey::Generate();
  ASSERT_THAT(key, IsOk());
  auto sealed = key->Seal("item", "row");
  ASSERT_THAT(sealed, IsOk());
  auto wrapped = key->Wrap("correct horse", kCheapN);
  ASSERT_THAT(wrapped, IsOk());
  EXPECT_EQ(wrapped->salt.size(), 16u);

  auto unwrapped = DataKey::Unwrap(*wrapped, "correct horse");
  ASSERT_THAT(unwrapped, IsOk());
  EXPECT_EQ(*unwrapped->Open(*sealed, "row"), "item");
  EXPECT_THAT(DataKey::Unwrap(*wrapped, "wrong horse"),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("passphrase is wrong")));
  // The parameters are bound to the wrapping: lowering them is detected.
  WrappedKey weakened = *wrapped;
  weakened.scrypt_p = 2;
  EXPECT_THAT(DataKey::Unwrap(weakened, "correct horse"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("")));
  WrappedKey malformed = *wrapped;
  malformed.salt = "short";
  EXPECT_THAT(DataKey::Unwrap(malformed, "correct horse"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
  EXPECT_THAT(key->Wrap("", kCheapN),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("HUBCTL_PASSPHRASE")));
}

}  // namespace
}  // namespace hub::client
