#include "hub/audit/pseudonymizer.h"

#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::audit {
namespace {

TEST(PseudonymizerTest, IsHmacSha256InHex) {
  // RFC 4231 test case 6: a key longer than SHA-256's block.
  absl::StatusOr<Pseudonymizer> p =
      Pseudonymizer::FromKey(std::string(131, '\xaa'));
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(
      p->Pseudonym("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(PseudonymizerTest, DependsOnTheKeyAndTheId) {
  absl::StatusOr<Pseudonymizer> a =
      Pseudonymizer::FromKey(std::string(32, 'a'));
  absl::StatusOr<Pseudonymizer> b =
      Pseudonymizer::FromKey(std::string(32, 'b'));
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->Pseudonym("S-1"), a->Pseudonym("S-1"));
  EXPECT_NE(a->Pseudonym("S-1"), a->Pseudonym("S-2"));
  EXPECT_NE(a->Pseudonym("S-1"), b->Pseudonym("S-1"));
  EXPECT_EQ(a->Pseudonym(""), "");
}

TEST(PseudonymizerTest, RefusesAShortKey) {
  EXPECT_THAT(Pseudonymizer::FromKey(std::string(31, 'k')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::HasSubstr("at least 32")));
}

TEST(PseudonymizerTest, CopiesAndThreadsAgree) {
  absl::StatusOr<Pseudonymizer> p =
      Pseudonymizer::FromKey(std::string(32, 'k'));
  ASSERT_THAT(p, IsOk());
  const std::string expected = p->Pseudonym("S-1");
  const Pseudonymizer copy = *p;
  std::vector<std::string> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) seen[t] = copy.Pseudonym("S-1");
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& s : seen) EXPECT_EQ(s, expected);
}

}  // namespace
}  // namespace hub::audit
