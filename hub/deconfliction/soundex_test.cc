#include "hub/deconfliction/soundex.h"

#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

// The US National Archives' examples of the coding rules.
TEST(SoundexTest, KnownAnswers) {
  EXPECT_EQ(Soundex("Robert"), "R163");
  EXPECT_EQ(Soundex("Rupert"), "R163");
  EXPECT_EQ(Soundex("Rubin"), "R150");
  EXPECT_EQ(Soundex("Ashcraft"), "A261");  // h does not separate s and c
  EXPECT_EQ(Soundex("Ashcroft"), "A261");
  EXPECT_EQ(Soundex("Tymczak"), "T522");  // the vowel separates the 2s
  EXPECT_EQ(Soundex("Pfister"), "P236");  // f codes like the P it follows
  EXPECT_EQ(Soundex("Honeyman"), "H555");
  EXPECT_EQ(Soundex("Gutierrez"), "G362");
  EXPECT_EQ(Soundex("Jackson"), "J250");
  EXPECT_EQ(Soundex("Lee"), "L000");
  EXPECT_EQ(Soundex("Washington"), "W252");
}

TEST(SoundexTest, IgnoresCaseAndNonLetters) {
  EXPECT_EQ(Soundex("o'brien"), Soundex("OBRIEN"));
  EXPECT_EQ(Soundex("smith-jones"), Soundex("SmithJones"));
  EXPECT_EQ(Soundex("Smith"), Soundex("Smyth"));
}

TEST(SoundexTest, NoLettersGivesEmpty) {
  EXPECT_EQ(Soundex(""), "");
  EXPECT_EQ(Soundex("123 -"), "");
  EXPECT_EQ(Soundex("a"), "A000");
}

}  // namespace
}  // namespace hub::deconfliction::internal
