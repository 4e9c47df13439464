#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace hub::common {
namespace {

TEST(Utf8Test, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0);
  EXPECT_EQ(Utf8Length("Okoro"), 5);
  EXPECT_EQ(Utf8Length("Zo\xC3\xAB"), 3);        // Zoë
  EXPECT_EQ(Utf8Length("\xE2\x82\xAC"), 1);      // €
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1);  // U+1F600
}

TEST(Utf8Test, RefusesWhatIsNotUtf8) {
  EXPECT_EQ(Utf8Length("\xC3"), -1);              // truncated
  EXPECT_EQ(Utf8Length("\x80"), -1);              // lone continuation
  EXPECT_EQ(Utf8Length("\xC0\xAF"), -1);          // overlong '/'
  EXPECT_EQ(Utf8Length("\xED\xA0\x80"), -1);      // surrogate
  EXPECT_EQ(Utf8Length("\xF4\x90\x80\x80"), -1);  // above U+10FFFF
  EXPECT_EQ(Utf8Length(std::string("a\xFF", 2)), -1);
}

TEST(Utf8Test, NextCodePointAdvancesOnlyOnSuccess) {
  const std::string text = "\xC3\xA9x\xC3";
  size_t pos = 0;
  EXPECT_EQ(NextCodePoint(text, &pos), 0xE9);
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(NextCodePoint(text, &pos), 'x');
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(NextCodePoint(text, &pos), -1);
  EXPECT_EQ(pos, 3u);
}

}  // namespace
}  // namespace hub::common
