#include "hub/referrals/nhs_number.h"

#include <string>

#include "gtest/gtest.h"

namespace hub::referrals {
namespace {

TEST(IsValidNhsNumberTest, AcceptsPublishedTestNumbers) {
  EXPECT_TRUE(IsValidNhsNumber("999 526 0182"));
  EXPECT_TRUE(IsValidNhsNumber("999 159 0838"));
  EXPECT_TRUE(IsValidNhsNumber("999 016 6137"));
}

TEST(IsValidNhsNumberTest, IgnoresSpacesAndHyphens) {
  EXPECT_TRUE(IsValidNhsNumber("9995260182"));
  EXPECT_TRUE(IsValidNhsNumber("999-526-0182"));
  EXPECT_TRUE(IsValidNhsNumber(" 999 526 0182 "));
  EXPECT_TRUE(IsValidNhsNumber("99952 60182"));
}

TEST(IsValidNhsNumberTest, RejectsAWrongCheckDigit) {
  EXPECT_FALSE(IsValidNhsNumber("999 526 0183"));
  EXPECT_FALSE(IsValidNhsNumber("999 159 0830"));
  EXPECT_FALSE(IsValidNhsNumber("999 016 6136"));
}

TEST(IsValidNhsNumberTest, RejectsTransposedDigits) {
  EXPECT_FALSE(IsValidNhsNumber("999 562 0182"));
}

TEST(IsValidNhsNumberTest, ElevenMeansZero) {
  // 9*10 + 9*9 + 9*8 + 5*2 = 253 = 23 * 11, so the check digit is 0.
  EXPECT_TRUE(IsValidNhsNumber("999 000 0050"));
  EXPECT_FALSE(IsValidNhsNumber("999 000 0051"));
}

TEST(IsValidNhsNumberTest, TenMeansNeverIssued) {
  // 9*10 + 9*9 + 9*8 = 243 = 22 * 11 + 1: 11 - 1 = 10, so no last digit fits.
  for (char last = '0'; last <= '9'; ++last) {
    std::string number = "999000000";
    number.push_back(last);
    EXPECT_FALSE(IsValidNhsNumber(number)) << number;
  }
}

TEST(IsValidNhsNumberTest, RejectsTheWrongNumberOfDigits) {
  EXPECT_FALSE(IsValidNhsNumber(""));
  EXPECT_FALSE(IsValidNhsNumber("   "));
  EXPECT_FALSE(IsValidNhsNumber("999 526 018"));
  EXPECT_FALSE(IsValidNhsNumber("999 526 01820"));
}

TEST(IsValidNhsNumberTest, RejectsOtherCharacters) {
  EXPECT_FALSE(IsValidNhsNumber("999.526.0182"));
  EXPECT_FALSE(IsValidNhsNumber("999/526/0182"));
  EXPECT_FALSE(IsValidNhsNumber("999 526 018X"));
  EXPECT_FALSE(IsValidNhsNumber("+999 526 0182"));
  EXPECT_FALSE(IsValidNhsNumber("999\t526\t0182"));
  EXPECT_FALSE(
      IsValidNhsNumber(std::string("999526018\0"
                                   "2",
                                   11)));
  // Arabic-Indic digits are digits, but not ASCII ones.
  EXPECT_FALSE(IsValidNhsNumber("\u0669\u0669\u0669 526 0182"));
}

}  // namespace
}  // namespace hub::referrals
