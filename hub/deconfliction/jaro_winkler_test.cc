#include "hub/deconfliction/jaro_winkler.h"

#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

// Winkler's published examples.
TEST(JaroWinklerTest, KnownAnswers) {
  EXPECT_NEAR(Jaro("MARTHA", "MARHTA"), 0.944, 0.001);
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 0.961, 0.001);
  EXPECT_NEAR(Jaro("DWAYNE", "DUANE"), 0.822, 0.001);
  EXPECT_NEAR(JaroWinkler("DWAYNE", "DUANE"), 0.840, 0.001);
  EXPECT_NEAR(Jaro("DIXON", "DICKSONX"), 0.767, 0.001);
  EXPECT_NEAR(JaroWinkler("DIXON", "DICKSONX"), 0.813, 0.001);
}

TEST(JaroWinklerTest, Symmetric) {
  EXPECT_DOUBLE_EQ(JaroWinkler("jonathan", "jonathon"),
                   JaroWinkler("jonathon", "jonathan"));
  EXPECT_DOUBLE_EQ(JaroWinkler("dixon", "dicksonx"),
                   JaroWinkler("dicksonx", "dixon"));
}

TEST(JaroWinklerTest, Extremes) {
  EXPECT_DOUBLE_EQ(JaroWinkler("smith", "smith"), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", ""), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("a", "b"), 0.0);
}

// Below 0.7 the prefix adds nothing (Winkler's boost threshold).
TEST(JaroWinklerTest, NoBoostForDissimilarStrings) {
  EXPECT_DOUBLE_EQ(JaroWinkler("abcdxyz", "abcwpqr"),
                   Jaro("abcdxyz", "abcwpqr"));
}

TEST(JaroWinklerTest, TyposScoreHigh) {
  EXPECT_GE(JaroWinkler("jonathan", "jonathon"), 0.9);
  EXPECT_GE(JaroWinkler("thompson", "thomspon"), 0.9);
  EXPECT_GE(JaroWinkler("williams", "wiliams"), 0.9);
  EXPECT_LT(JaroWinkler("jordan", "jason"), 0.9);
}

}  // namespace
}  // namespace hub::deconfliction::internal
