#include "hub/deconfliction/name_tables.h"

#include <memory>

#include "absl/status/status.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::unique_ptr<NameTables> Parse(absl::string_view variants,
                                  absl::string_view nicknames) {
  absl::StatusOr<std::unique_ptr<NameTables>> tables =
      NameTables::Parse(variants, nicknames);
  EXPECT_THAT(tables, IsOk());
  return tables.ok() ? std::move(*tables) : nullptr;
}

TEST(NameTablesTest, GroupMembersAreEquivalent) {
  std::unique_ptr<NameTables> t = Parse(
      "# comment\n\nmohammed muhammad mohamed\nryan rian\n", "william bill\n");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->Equivalent("muhammad", "mohamed"));
  EXPECT_TRUE(t->Equivalent("rian", "ryan"));
  EXPECT_TRUE(t->Equivalent("bill", "william"));
  EXPECT_FALSE(t->Equivalent("ryan", "mohammed"));
  EXPECT_FALSE(t->Equivalent("ryan", "unknown"));
  EXPECT_FALSE(t->Equivalent("unknown", "unknown"));  // equality is not ours
  EXPECT_EQ(t->group_count(), 3u);
}

TEST(NameTablesTest, SharedNicknameDoesNotLinkItsFormalNames) {
  std::unique_ptr<NameTables> t =
      Parse("", "alexander alex sandy\nalexandra alex lexi\n");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->Equivalent("alex", "alexander"));
  EXPECT_TRUE(t->Equivalent("alex", "alexandra"));
  EXPECT_FALSE(t->Equivalent("alexander", "alexandra"));
  EXPECT_FALSE(t->Equivalent("sandy", "lexi"));
  EXPECT_THAT(t->GroupNames("alex"), ElementsAre("alexander", "alexandra"));
  EXPECT_THAT(t->GroupNames("nobody"), IsEmpty());
}

TEST(NameTablesTest, NicknamesCoverTheFormalNamesVariants) {
  std::unique_ptr<NameTables> t = Parse("alexander aleksandr alexandr\n",
                                        "alexander sasha\naleksandr shura\n");
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->Equivalent("sasha", "aleksandr"));
  EXPECT_TRUE(t->Equivalent("sasha", "alexandr"));
  EXPECT_TRUE(t->Equivalent("shura", "alexander"));
  EXPECT_FALSE(t->Equivalent("sasha", "shura"));
}

TEST(NameTablesTest, RejectsMalformedLines) {
  EXPECT_THAT(NameTables::Parse("ryan Rian\n", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("name_variants.txt:1: 'Rian'")));
  EXPECT_THAT(NameTables::Parse("", "# c\nwilliam\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("nicknames.txt:2: a line needs two")));
  EXPECT_THAT(NameTables::Parse("o'brien obrien\n", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(":1:")));
}

// The tables built into the binary parse, and hold the SPEC's examples.
TEST(NameTablesTest, BuiltInTables) {
  absl::StatusOr<std::unique_ptr<NameTables>> t = NameTables::BuiltIn();
  ASSERT_THAT(t, IsOk());
  EXPECT_GE((*t)->group_count(), 200u);
  EXPECT_TRUE((*t)->Equivalent("mohammed", "muhammad"));
  EXPECT_TRUE((*t)->Equivalent("mohamed", "mohammad"));
  EXPECT_TRUE((*t)->Equivalent("aleksandr", "alexander"));
  EXPECT_TRUE((*t)->Equivalent("rian", "ryan"));
  EXPECT_TRUE((*t)->Equivalent("bill", "william"));
  EXPECT_TRUE((*t)->Equivalent("jordy", "jordan"));
  EXPECT_TRUE((*t)->Equivalent("liz", "elisabeth"));
  EXPECT_FALSE((*t)->Equivalent("jordan", "ryan"));
}

}  // namespace
}  // namespace hub::deconfliction::internal
