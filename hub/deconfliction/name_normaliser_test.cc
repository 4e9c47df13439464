#include "hub/deconfliction/name_normaliser.h"

#include <memory>
#include <string>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::deconfliction::internal {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class NameNormaliserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<AsciiTransliterator>> t =
        AsciiTransliterator::Create();
    ASSERT_THAT(t, IsOk());
    t_ = std::move(*t);
  }

  std::vector<std::string> Tokens(absl::string_view text) {
    return NameTokens(text, *t_);
  }

  std::unique_ptr<AsciiTransliterator> t_;
};

TEST_F(NameNormaliserTest, CaseAndSpaces) {
  EXPECT_THAT(Tokens("  JORDAN   lee\tPike "),
              ElementsAre("jordan", "lee", "pike"));
}

TEST_F(NameNormaliserTest, ApostrophesJoin) {
  EXPECT_THAT(Tokens("O'Brien"), ElementsAre("obrien"));
  EXPECT_THAT(Tokens("O’Brien"), ElementsAre("obrien"));
  EXPECT_THAT(Tokens("D`Souza"), ElementsAre("dsouza"));
}

TEST_F(NameNormaliserTest, OtherPunctuationSeparates) {
  EXPECT_THAT(Tokens("Lindgren-Cole"), ElementsAre("lindgren", "cole"));
  EXPECT_THAT(Tokens("R. Marsh"), ElementsAre("r", "marsh"));
  EXPECT_THAT(Tokens("Marsh, Rian"), ElementsAre("marsh", "rian"));
  EXPECT_THAT(Tokens("J.R."), ElementsAre("j", "r"));
  EXPECT_THAT(Tokens("Smith2"), ElementsAre("smith"));
  EXPECT_THAT(Tokens("- . ,"), IsEmpty());
  EXPECT_THAT(Tokens(""), IsEmpty());
}

TEST_F(NameNormaliserTest, DiacriticsAndScripts) {
  EXPECT_THAT(Tokens("José"), ElementsAre("jose"));
  EXPECT_THAT(Tokens("Zoë Müller-Łukasz"),
              ElementsAre("zoe", "muller", "lukasz"));
  EXPECT_THAT(Tokens("Мухаммед"), ElementsAre("muhammed"));
  EXPECT_THAT(Tokens("Наталья"), ElementsAre("natala"));  // Natal'a
  EXPECT_THAT(Tokens("Γιώργος Παπαδόπουλος"),
              ElementsAre("giorgos", "papadopoulos"));
  EXPECT_THAT(Tokens("محمد"), ElementsAre("mhmd"));
  EXPECT_THAT(Tokens("陈伟"), ElementsAre("chen", "wei"));
}

TEST_F(NameNormaliserTest, Particles) {
  EXPECT_TRUE(IsSurnameParticle("al"));
  EXPECT_TRUE(IsSurnameParticle("van"));
  EXPECT_FALSE(IsSurnameParticle("das"));
  EXPECT_FALSE(IsSurnameParticle("mc"));
  EXPECT_FALSE(IsSurnameParticle("hassan"));

  std::vector<std::string> tokens = Tokens("al-Hassan");
  DropSurnameParticles(&tokens);
  EXPECT_THAT(tokens, ElementsAre("hassan"));

  tokens = Tokens("van der Berg");
  DropSurnameParticles(&tokens);
  EXPECT_THAT(tokens, ElementsAre("berg"));

  tokens = Tokens("De La Cruz");
  DropSurnameParticles(&tokens);
  EXPECT_THAT(tokens, ElementsAre("cruz"));

  // Nothing but particles: kept.
  tokens = Tokens("Le");
  DropSurnameParticles(&tokens);
  EXPECT_THAT(tokens, ElementsAre("le"));

  // An alias keeps its first token.
  tokens = Tokens("Abu Yusuf al Fenwick");
  DropSurnameParticles(&tokens, 1);
  EXPECT_THAT(tokens, ElementsAre("abu", "yusuf", "fenwick"));
}

}  // namespace
}  // namespace hub::deconfliction::internal
