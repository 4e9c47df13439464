#include "hub/deconfliction/name_comparison.h"

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/match.pb.h"

namespace hub::deconfliction::internal {
namespace {

using ::prevent::match::v1::MatchProfile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// An already normalised profile: space-separated tokens.
MatchProfile Profile(absl::string_view forenames, absl::string_view surnames,
                     std::initializer_list<const char*> aliases = {}) {
  MatchProfile p;
  for (absl::string_view t : absl::StrSplit(forenames, ' ', absl::SkipEmpty()))
    p.add_forenames(std::string(t));
  for (absl::string_view t : absl::StrSplit(surnames, ' ', absl::SkipEmpty()))
    p.add_surnames(std::string(t));
  for (const char* alias : aliases) p.add_aliases(alias);
  return p;
}

class NameComparisonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<NameTables>> tables = NameTables::Parse(
        "mohammed muhammad mohamed\nryan rian\nhassan hasan\n",
        "william bill liam\nmohammed mo\n");
    ASSERT_THAT(tables, IsOk());
    tables_ = std::move(*tables);
  }

  bool Variant(const MatchProfile& a, const MatchProfile& b) {
    const bool ab = NamesVariant(NamesOf(a), NamesOf(b), *tables_);
    EXPECT_EQ(ab, NamesVariant(NamesOf(b), NamesOf(a), *tables_))
        << "not symmetric";
    return ab;
  }

  bool Surnames(const MatchProfile& a, const MatchProfile& b) {
    return SurnamesMatch(NamesOf(a), NamesOf(b), *tables_);
  }

  std::unique_ptr<NameTables> tables_;
};

TEST_F(NameComparisonTest, TokensMatch) {
  EXPECT_TRUE(TokensMatch("jordan", "jordan", *tables_));
  EXPECT_TRUE(TokensMatch("muhammad", "mohamed", *tables_));
  EXPECT_TRUE(TokensMatch("mo", "muhammad", *tables_));  // via the variants
  EXPECT_TRUE(TokensMatch("liam", "bill", *tables_));
  EXPECT_TRUE(TokensMatch("jonathan", "jonathon", *tables_));  // typo
  EXPECT_TRUE(TokensMatch("thompson", "thomspon", *tables_));
  EXPECT_FALSE(TokensMatch("jordan", "ryan", *tables_));
  // Typos need three letters each and the same first letter.
  EXPECT_FALSE(TokensMatch("al", "ali", *tables_));
  EXPECT_FALSE(TokensMatch("xsmith", "smith", *tables_));
  // Nor a feminine form.
  EXPECT_FALSE(TokensMatch("daniel", "daniela", *tables_));
  EXPECT_FALSE(TokensMatch("petrov", "petrova", *tables_));
  EXPECT_FALSE(TokensMatch("alexander", "alexandra", *tables_));
  EXPECT_TRUE(TokensMatch("rahman", "rahmna", *tables_));  // transposed
  // Names that sound alike need less similar spelling: Smyth is 0.89 from
  // Smith, but both are S530.
  EXPECT_TRUE(TokensMatch("smith", "smyth", *tables_));
  EXPECT_FALSE(TokensMatch("smith", "smart", *tables_));
  // An initial is not a token match.
  EXPECT_FALSE(TokensMatch("r", "rian", *tables_));
}

TEST_F(NameComparisonTest, NamesOfSplitsAliases) {
  const MatchProfile p =
      Profile("abdul rahman", "khan", {"mo khan", "abu yusuf fenwick", "jay"});
  const std::vector<NameParts> names = NamesOf(p);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_THAT(names[0].forenames, ElementsAre("abdul", "rahman"));
  EXPECT_EQ(names[0].joined_forenames, "abdulrahman");
  EXPECT_EQ(names[0].joined_surnames, "");
  EXPECT_THAT(names[1].forenames, ElementsAre("mo"));
  EXPECT_THAT(names[1].surnames, ElementsAre("khan"));
  EXPECT_THAT(names[2].forenames, ElementsAre("abu", "yusuf"));
  EXPECT_THAT(names[2].surnames, ElementsAre("fenwick"));
  EXPECT_THAT(names[3].forenames, ElementsAre("jay"));
  EXPECT_THAT(names[3].surnames, IsEmpty());
  EXPECT_THAT(NamesOf(MatchProfile()), IsEmpty());
}

TEST_F(NameComparisonTest, NamesExact) {
  EXPECT_TRUE(NamesExact(Profile("jordan", "pike"), Profile("jordan", "pike")));
  EXPECT_FALSE(
      NamesExact(Profile("jordan lee", "pike"), Profile("jordan", "pike")));
  EXPECT_FALSE(
      NamesExact(Profile("jordan", "pike"), Profile("pike", "jordan")));
  EXPECT_FALSE(NamesExact(Profile("", "pike"), Profile("", "pike")));
  EXPECT_FALSE(NamesExact(Profile("jordan", ""), Profile("jordan", "")));
}

TEST_F(NameComparisonTest, Variants) {
  EXPECT_TRUE(Variant(Profile("rian", "marsh"), Profile("ryan", "marsh")));
  EXPECT_TRUE(Variant(Profile("mo", "khan"), Profile("muhammad", "khan")));
  // Middle names, either way round.
  EXPECT_TRUE(
      Variant(Profile("jordan lee", "pike"), Profile("jordan", "pike")));
  EXPECT_TRUE(Variant(Profile("lee", "pike"), Profile("jordan lee", "pike")));
  // Swapped forenames and surnames.
  EXPECT_TRUE(Variant(Profile("hassan", "ali"), Profile("ali", "hasan")));
  // Either part of a double-barrelled surname.
  EXPECT_TRUE(Variant(Profile("amy", "lindgren cole"), Profile("amy", "cole")));
  EXPECT_TRUE(Variant(Profile("amy lindgren", "cole"),
                      Profile("amy", "lindgren cole")));
  // Written as one word or two.
  EXPECT_TRUE(
      Variant(Profile("abdul rahman", "khan"), Profile("abdulrahman", "khan")));
  EXPECT_TRUE(
      Variant(Profile("sean", "mc donald"), Profile("sean", "mcdonald")));
  // Typos.
  EXPECT_TRUE(
      Variant(Profile("jonathon", "smiht"), Profile("jonathan", "smith")));
}

TEST_F(NameComparisonTest, InitialsOnlyBesideAnExactSurname) {
  EXPECT_TRUE(Variant(Profile("r", "marsh"), Profile("rian", "marsh")));
  EXPECT_TRUE(Variant(Profile("r j", "marsh"), Profile("rian", "marsh")));
  EXPECT_FALSE(Variant(Profile("r", "marsh"), Profile("rian", "marshe")));
  EXPECT_FALSE(Variant(Profile("r", "marsh"), Profile("sam", "marsh")));
}

TEST_F(NameComparisonTest, Aliases) {
  EXPECT_TRUE(Variant(Profile("abdullah", "hassan", {"mo khan"}),
                      Profile("mohamed", "khan")));
  EXPECT_TRUE(Variant(Profile("abdullah", "hassan", {"mo khan"}),
                      Profile("sam", "jones", {"mohamed khan"})));
  // A one-word alias has no surname to match.
  EXPECT_FALSE(
      Variant(Profile("abdullah", "hassan", {"jay"}), Profile("jay", "smith")));
}

TEST_F(NameComparisonTest, NotVariants) {
  EXPECT_FALSE(Variant(Profile("jordan", "pike"), Profile("ryan", "pike")));
  EXPECT_FALSE(Variant(Profile("jordan", "pike"), Profile("jordan", "marsh")));
  EXPECT_FALSE(Variant(Profile("jordan", ""), Profile("jordan", "pike")));
  EXPECT_FALSE(Variant(Profile("", "pike"), Profile("jordan", "pike")));
}

TEST_F(NameComparisonTest, SurnamesMatch) {
  EXPECT_TRUE(Surnames(Profile("a", "lindgren cole"), Profile("b", "cole")));
  EXPECT_TRUE(Surnames(Profile("a", "thompson"), Profile("b", "thomspon")));
  EXPECT_TRUE(Surnames(Profile("a", "mc donald"), Profile("b", "mcdonald")));
  EXPECT_TRUE(
      Surnames(Profile("a", "smith", {"mo khan"}), Profile("b", "khan")));
  EXPECT_FALSE(Surnames(Profile("pike", "a"), Profile("b", "pike")));
  EXPECT_FALSE(Surnames(Profile("a", "pike"), Profile("b", "marsh")));
}

}  // namespace
}  // namespace hub::deconfliction::internal
