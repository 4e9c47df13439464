#include "hub/deconfliction/field_normaliser.h"

#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

TEST(FieldNormaliserTest, Postcode) {
  EXPECT_EQ(NormalisePostcode("zz1 7pq"), "ZZ17PQ");
  EXPECT_EQ(NormalisePostcode(" ZZ1  7PQ "), "ZZ17PQ");
  EXPECT_EQ(NormalisePostcode(" - "), "");
}

TEST(FieldNormaliserTest, NhsNumber) {
  EXPECT_EQ(NormaliseNhsNumber("943 476 5919"), "9434765919");
  EXPECT_EQ(NormaliseNhsNumber("943-476-5919"), "9434765919");
  EXPECT_EQ(NormaliseNhsNumber("943 476 591"), "");
  EXPECT_EQ(NormaliseNhsNumber("943 476 59190"), "");
  EXPECT_EQ(NormaliseNhsNumber(""), "");
}

TEST(FieldNormaliserTest, Phone) {
  EXPECT_EQ(NormalisePhone("07700 900123"), "07700900123");
  EXPECT_EQ(NormalisePhone("+44 7700 900123"), "07700900123");
  EXPECT_EQ(NormalisePhone("+447700900123"), "07700900123");
  EXPECT_EQ(NormalisePhone("0044 7700 900123"), "07700900123");
  EXPECT_EQ(NormalisePhone("+44 (0)7700 900123"), "07700900123");
  EXPECT_EQ(NormalisePhone("(0117) 496-0123"), "01174960123");
  EXPECT_EQ(NormalisePhone("+33 1 23 45 67 89"), "33123456789");
  EXPECT_EQ(NormalisePhone("n/a"), "");
  EXPECT_EQ(NormalisePhone("999"), "");
}

TEST(FieldNormaliserTest, EmailAndHandle) {
  EXPECT_EQ(NormaliseEmail("  Jordan.Pike@Example.ORG "),
            "jordan.pike@example.org");
  EXPECT_EQ(NormaliseEmail("   "), "");
  EXPECT_EQ(NormaliseHandle(" @Jordan_P "), "jordan_p");
  EXPECT_EQ(NormaliseHandle("jordan_p"), "jordan_p");
  EXPECT_EQ(NormaliseHandle("@"), "");
}

TEST(FieldNormaliserTest, Dob) {
  Dob d = ParseDob("2011-09-02", false);
  EXPECT_EQ(d.year, 2011);
  EXPECT_EQ(d.month, 9);
  EXPECT_EQ(d.day, 2);

  d = ParseDob("2008-02-29", false);
  EXPECT_EQ(d.day, 29);
  d = ParseDob("2009-02-29", false);  // not a leap year
  EXPECT_EQ(d.year, 0);
  EXPECT_EQ(ParseDob("2011-04-31", false).year, 0);
  EXPECT_EQ(ParseDob("2011-13-01", false).year, 0);
  EXPECT_EQ(ParseDob("2011-9-2", false).year, 0);
  EXPECT_EQ(ParseDob("02/09/2011", false).year, 0);
  EXPECT_EQ(ParseDob("", false).year, 0);
  EXPECT_EQ(ParseDob("2011", false).year, 0);
}

TEST(FieldNormaliserTest, YearOnlyDob) {
  Dob d = ParseDob("2011-09-02", true);
  EXPECT_EQ(d.year, 2011);
  EXPECT_EQ(d.month, 0);
  EXPECT_EQ(d.day, 0);
  d = ParseDob("2011", true);
  EXPECT_EQ(d.year, 2011);
  EXPECT_EQ(d.month, 0);
  EXPECT_EQ(ParseDob("20x1", true).year, 0);
}

}  // namespace
}  // namespace hub::deconfliction::internal
