#include "hub/deconfliction/ascii_transliterator.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

class AsciiTransliteratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<AsciiTransliterator>> t =
        AsciiTransliterator::Create();
    ASSERT_THAT(t, IsOk());
    t_ = std::move(*t);
  }

  std::unique_ptr<AsciiTransliterator> t_;
};

TEST_F(AsciiTransliteratorTest, AsciiUnchanged) {
  EXPECT_EQ(t_->ToAscii("O'Brien, R. Marsh-Cole 12"),
            "O'Brien, R. Marsh-Cole 12");
  EXPECT_EQ(t_->ToAscii(""), "");
}

TEST_F(AsciiTransliteratorTest, Diacritics) {
  EXPECT_EQ(t_->ToAscii("José Müller-Łukasz"), "Jose Muller-Lukasz");
  EXPECT_EQ(t_->ToAscii("Søren Straße"), "Soren Strasse");
  EXPECT_EQ(t_->ToAscii("Jose\xcc\x81"), "Jose");  // combining acute
  EXPECT_EQ(t_->ToAscii("O’Brien"), "O'Brien");
}

TEST_F(AsciiTransliteratorTest, OtherScripts) {
  EXPECT_EQ(t_->ToAscii("Мухаммед"), "Muhammed");
  EXPECT_EQ(t_->ToAscii("Александр"), "Aleksandr");
  EXPECT_EQ(t_->ToAscii("Γιώργος"), "Giorgos");
  EXPECT_EQ(t_->ToAscii("محمد"), "mhmd");
  EXPECT_EQ(t_->ToAscii("علي"), "ly");  // the ayin has no ASCII form
}

TEST_F(AsciiTransliteratorTest, InvalidUtf8IsDropped) {
  EXPECT_EQ(t_->ToAscii("Ann\xff\xfe"), "Ann");
}

// Many threads at once, each needing its own ICU transliterator.
TEST_F(AsciiTransliteratorTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([this, i, &failures] {
      for (int n = 0; n < 300; ++n) {
        if (t_->ToAscii("Мухаммед Γιώργος José") != "Muhammed Giorgos Jose") {
          ++failures[i];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(failures, ::testing::Each(0));
}

}  // namespace
}  // namespace hub::deconfliction::internal
