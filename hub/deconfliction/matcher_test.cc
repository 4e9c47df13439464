#include "hub/deconfliction/matcher.h"

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::deconfliction {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

Person P(std::string forenames, std::string surname, std::string dob = "",
         std::string postcode = "") {
  Person p;
  p.forenames = std::move(forenames);
  p.surname = std::move(surname);
  p.dob = std::move(dob);
  p.postcode = std::move(postcode);
  return p;
}

class MatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<Matcher>> m = Matcher::Create();
    ASSERT_THAT(m, IsOk());
    matcher_ = m->release();
  }
  static void TearDownTestSuite() {
    delete matcher_;
    matcher_ = nullptr;
  }

  // Compares query `q` with candidate `c`, and checks what every comparison
  // must satisfy: the grade is the same both ways round, and a candidate
  // graded POSSIBLE or better shares a blocking key with the query.
  static Comparison Compare(const Person& q, const Person& c) {
    const MatchProfile qp = matcher_->Normalise(q);
    const MatchProfile cp = matcher_->Normalise(c);
    const Comparison result = matcher_->Compare(qp, cp);
    const Comparison reverse = matcher_->Compare(cp, qp);
    EXPECT_EQ(result.grade, reverse.grade) << "not symmetric";
    EXPECT_EQ(result.reasons, reverse.reasons) << "not symmetric";
    if (result.grade != Grade::kNoMatch) {
      const std::vector<std::string> query_keys = matcher_->QueryKeys(qp);
      const std::vector<std::string> index_keys = matcher_->IndexKeys(cp);
      EXPECT_TRUE(std::find_first_of(query_keys.begin(), query_keys.end(),
                                     index_keys.begin(),
                                     index_keys.end()) != query_keys.end())
          << "a candidate the query cannot find";
    }
    return result;
  }

  static Matcher* matcher_;
};

Matcher* MatcherTest::matcher_ = nullptr;

MATCHER_P2(Graded, grade, reasons, "") {
  *result_listener << "grade " << static_cast<int>(arg.grade) << ", reasons 0x"
                   << std::hex << arg.reasons;
  return arg.grade == grade && arg.reasons == static_cast<uint32_t>(reasons);
}

// ---- Normalise

TEST_F(MatcherTest, NormalisesNames) {
  Person p = P("  Rian  JAMES", "al-Hassan");
  p.aliases = {"R. Marsh", "Abu Yusuf al Fenwick", "", "r marsh"};
  const MatchProfile m = matcher_->Normalise(p);
  EXPECT_THAT(m.forenames(), ElementsAre("rian", "james"));
  EXPECT_THAT(m.surnames(), ElementsAre("hassan"));
  EXPECT_THAT(m.aliases(), ElementsAre("r marsh", "abu yusuf fenwick"));

  EXPECT_THAT(matcher_->Normalise(P("Seán", "O'Brien")).surnames(),
              ElementsAre("obrien"));
  EXPECT_THAT(matcher_->Normalise(P("Amy", "Lindgren-Cole")).surnames(),
              ElementsAre("lindgren", "cole"));
  EXPECT_THAT(matcher_->Normalise(P("Pieter", "van der Berg")).surnames(),
              ElementsAre("berg"));
  EXPECT_THAT(matcher_->Normalise(P("José", "")).forenames(),
              ElementsAre("jose"));
  EXPECT_THAT(matcher_->Normalise(P("Мухаммед", "")).forenames(),
              ElementsAre("muhammed"));
}

TEST_F(MatcherTest, NormalisesOtherFields) {
  Person p = P("Jordan", "Pike", "2011-09-02", "zz1 7pq");
  p.nhs_number = "943 476 5919";
  p.phones = {"+44 7700 900123", "07700 900123", "n/a"};
  p.emails = {" Jordan.Pike@Example.ORG "};
  p.handles = {"@Jordan_P", ""};
  const MatchProfile m = matcher_->Normalise(p);
  EXPECT_EQ(m.dob_year(), 2011);
  EXPECT_EQ(m.dob_month(), 9);
  EXPECT_EQ(m.dob_day(), 2);
  EXPECT_EQ(m.postcode(), "ZZ17PQ");
  EXPECT_EQ(m.nhs_number(), "9434765919");
  EXPECT_THAT(m.phones(), ElementsAre("07700900123"));
  EXPECT_THAT(m.emails(), ElementsAre("jordan.pike@example.org"));
  EXPECT_THAT(m.handles(), ElementsAre("jordan_p"));

  p.nhs_number = "943 476";
  p.dob = "2011-02-30";
  const MatchProfile bad = matcher_->Normalise(p);
  EXPECT_EQ(bad.nhs_number(), "");
  EXPECT_EQ(bad.dob_year(), 0);
  EXPECT_EQ(bad.dob_month(), 0);

  p.dob = "2011-09-02";
  p.dob_year_only = true;
  const MatchProfile year = matcher_->Normalise(p);
  EXPECT_EQ(year.dob_year(), 2011);
  EXPECT_EQ(year.dob_month(), 0);
  EXPECT_EQ(year.dob_day(), 0);
}

// ---- Grades and reasons

TEST_F(MatcherTest, MatchOnExactNameAndDob) {
  // SPEC 5.4, DQ-0457.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02", "ZZ1 7PQ"),
                      P("JORDAN", "pike", "2011-09-02", "zz17pq")),
              Graded(Grade::kMatch, kNameExact | kDobExact | kPostcode));
  EXPECT_THAT(Compare(P("Seán", "O’Brien", "2004-03-17"),
                      P("Sean", "OBrien", "2004-03-17")),
              Graded(Grade::kMatch, kNameExact | kDobExact));
}

TEST_F(MatcherTest, MatchOnNhsNumberAlone) {
  Person q = P("Jordan", "Pike");
  q.nhs_number = "9434765919";
  Person c = P("Someone", "Else", "1990-01-01");
  c.nhs_number = "943 476 5919";
  EXPECT_THAT(Compare(q, c), Graded(Grade::kMatch, kNhsNumber));
}

TEST_F(MatcherTest, ProbableOnVariantNameAndExactDob) {
  // SPEC 5.4, DQ-0463.
  EXPECT_THAT(Compare(P("Rian", "Marsh", "2003-01-27"),
                      P("Ryan", "Marsh", "2003-01-27")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Mohammed", "Choudhury", "2006-05-14"),
                      P("Muhammad", "Chowdhury", "2006-05-14")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Aleksandr", "Ivanov", "2007-11-30"),
                      P("Alexander", "Ivanov", "2007-11-30")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
}

TEST_F(MatcherTest, ProbableOnExactNameAndTransposedDob) {
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Jordan", "Pike", "2011-02-09")),
              Graded(Grade::kProbable, kNameExact | kDobTransposed));
}

TEST_F(MatcherTest, TransposedDobNeedsDayAndMonthBothMonths) {
  // 13 cannot be a month; 05-05 swapped is itself.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-13"),
                      P("Jordan", "Pike", "2011-13-09")),
              Graded(Grade::kNoMatch, 0));
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-05-05"),
                      P("Jordan", "Pike", "2011-05-05")),
              Graded(Grade::kMatch, kNameExact | kDobExact));
  // A different year is a different date.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Jordan", "Pike", "2012-02-09")),
              Graded(Grade::kNoMatch, 0));
}

TEST_F(MatcherTest, PossibleOnSurnameAndDob) {
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Casey", "Pike", "2011-09-02")),
              Graded(Grade::kPossible, kDobExact));
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Casey", "Pike", "2011-02-09")),
              Graded(Grade::kPossible, kDobTransposed));
  // Surname with a typo.
  EXPECT_THAT(Compare(P("Jordan", "Thompson", "2011-09-02"),
                      P("Casey", "Thomspon", "2011-09-02")),
              Graded(Grade::kPossible, kDobExact));
}

TEST_F(MatcherTest, PossibleOnNameAndPostcode) {
  EXPECT_THAT(Compare(P("Jordan", "Pike", "", "ZZ1 7PQ"),
                      P("Jordan", "Pike", "2011-09-02", "ZZ17PQ")),
              Graded(Grade::kPossible, kNameExact | kPostcode));
  EXPECT_THAT(Compare(P("Jordy", "Pike", "2010-01-01", "ZZ1 7PQ"),
                      P("Jordan", "Pike", "2011-09-02", "ZZ17PQ")),
              Graded(Grade::kPossible, kNameVariant | kPostcode));
}

TEST_F(MatcherTest, PossibleOnVariantNameAndTransposedDob) {
  EXPECT_THAT(Compare(P("Rian", "Marsh", "2003-01-07"),
                      P("Ryan", "Marsh", "2003-07-01")),
              Graded(Grade::kPossible, kNameVariant | kDobTransposed));
}

TEST_F(MatcherTest, PossibleOnContactDetails) {
  Person q = P("Jordan", "Pike");
  Person c = P("J", "Unknown");
  q.phones = {"+44 7700 900123"};
  c.phones = {"07700 900123"};
  EXPECT_THAT(Compare(q, c), Graded(Grade::kPossible, kPhone));
  c.phones.clear();
  q.emails = {"JP@example.org"};
  c.emails = {"jp@example.org "};
  EXPECT_THAT(Compare(q, c), Graded(Grade::kPossible, kEmail));
  c.emails.clear();
  q.handles = {"@jp_2011"};
  c.handles = {"JP_2011"};
  EXPECT_THAT(Compare(q, c), Graded(Grade::kPossible, kHandle));
}

TEST_F(MatcherTest, ReasonsListEveryMatchingField) {
  Person q = P("Jordan", "Pike", "2011-09-02", "ZZ1 7PQ");
  q.nhs_number = "9434765919";
  q.phones = {"07700900123"};
  Person c = q;
  c.emails = {"x@example.org"};
  EXPECT_THAT(Compare(q, c),
              Graded(Grade::kMatch,
                     kNhsNumber | kNameExact | kDobExact | kPostcode | kPhone));
}

TEST_F(MatcherTest, SwappedNames) {
  EXPECT_THAT(Compare(P("Hassan", "Ali", "2005-06-23"),
                      P("Ali", "Hassan", "2005-06-23")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
}

TEST_F(MatcherTest, HyphenatedSurnames) {
  EXPECT_THAT(Compare(P("Amy", "Lindgren-Cole", "2009-10-04"),
                      P("Amy", "Cole", "2009-10-04")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Amy", "Lindgren-Cole", "2009-10-04"),
                      P("Amy", "Lindgren Cole", "2009-10-04")),
              Graded(Grade::kMatch, kNameExact | kDobExact));
  EXPECT_THAT(Compare(P("Yusuf", "Al-Amin", "2009-10-04"),
                      P("Yusuf", "Amin", "2009-10-04")),
              Graded(Grade::kMatch, kNameExact | kDobExact));
}

TEST_F(MatcherTest, Nicknames) {
  EXPECT_THAT(Compare(P("Bill", "Turner", "2008-03-03"),
                      P("William", "Turner", "2008-03-03")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Liz", "Okafor", "2008-03-03"),
                      P("Elisabeth", "Okafor", "2008-03-03")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Sasha", "Petrov", "2008-03-03"),
                      P("Aleksandr", "Petrov", "2008-03-03")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  // A shared nickname does not make two formal names the same.
  EXPECT_THAT(Compare(P("Alexander", "Petrov", "2008-03-03", "ZZ1 1AA"),
                      P("Alexandra", "Petrova", "2001-05-09", "ZZ1 1AA")),
              Graded(Grade::kNoMatch, 0));
}

TEST_F(MatcherTest, Initials) {
  EXPECT_THAT(
      Compare(P("R.", "Marsh", "2003-01-27"), P("Rian", "Marsh", "2003-01-27")),
      Graded(Grade::kProbable, kNameVariant | kDobExact));
  // Not without the exact surname: then only the surname-and-DOB rule.
  EXPECT_THAT(Compare(P("R.", "Marsh-Cole", "2003-01-27"),
                      P("Rian", "Marsh", "2003-01-27")),
              Graded(Grade::kPossible, kDobExact));
}

TEST_F(MatcherTest, Aliases) {
  Person q = P("Mohammed", "Khan", "2002-04-16");
  Person c = P("Abdullah", "Hassan", "2002-04-16");
  c.aliases = {"Mo Khan"};
  EXPECT_THAT(Compare(q, c),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  c.aliases = {"Jay"};
  EXPECT_THAT(Compare(q, c), Graded(Grade::kNoMatch, 0));
}

TEST_F(MatcherTest, OtherScripts) {
  EXPECT_THAT(Compare(P("Мухаммед", "Хасан", "2006-02-11"),
                      P("Muhammed", "Hasan", "2006-02-11")),
              Graded(Grade::kMatch, kNameExact | kDobExact));
  EXPECT_THAT(Compare(P("Мухаммед", "Khan", "2006-02-11"),
                      P("Mohamed", "Khan", "2006-02-11")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Александр", "Ковальчук", "2006-02-11"),
                      P("Alexander", "Kovalcuk", "2006-02-11")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Γιώργος", "Παπαδόπουλος", "2006-02-11"),
                      P("George", "Papadopoulos", "2006-02-11")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("محمد", "Rahman", "2006-02-11"),
                      P("Mohammed", "Rahman", "2006-02-11")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
}

TEST_F(MatcherTest, Typos) {
  EXPECT_THAT(Compare(P("Jonathon", "Smith", "2001-12-01"),
                      P("Jonathan", "Smith", "2001-12-01")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
  EXPECT_THAT(Compare(P("Kieran", "Wiliams", "2001-12-01"),
                      P("Kieran", "Williams", "2001-12-01")),
              Graded(Grade::kProbable, kNameVariant | kDobExact));
}

TEST_F(MatcherTest, YearOnlyDobNeverGradesOnDob) {
  Person q = P("Jordan", "Pike", "2011");
  q.dob_year_only = true;
  EXPECT_THAT(Compare(q, P("Jordan", "Pike", "2011-09-02")),
              Graded(Grade::kNoMatch, 0));
  Person c = P("Jordan", "Pike", "2011-09-02");
  c.dob_year_only = true;
  EXPECT_THAT(Compare(q, c), Graded(Grade::kNoMatch, 0));
  q.postcode = c.postcode = "ZZ1 7PQ";
  EXPECT_THAT(Compare(q, c), Graded(Grade::kPossible, kNameExact | kPostcode));
}

TEST_F(MatcherTest, DifferentPeopleDoNotMatch) {
  // Same surname, different forename and date of birth.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02", "ZZ1 7PQ"),
                      P("Casey", "Pike", "2008-04-19", "ZZ9 2AB")),
              Graded(Grade::kNoMatch, 0));
  // Same name, different date of birth and postcode.
  EXPECT_THAT(Compare(P("Mohammed", "Khan", "2011-09-02", "ZZ1 7PQ"),
                      P("Mohammed", "Khan", "2005-03-21", "ZZ4 4DD")),
              Graded(Grade::kNoMatch, 0));
  // Siblings: same surname and postcode, different forenames and dates.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02", "ZZ1 7PQ"),
                      P("Casey", "Pike", "2013-06-30", "ZZ1 7PQ")),
              Graded(Grade::kNoMatch, 0));
  // Same date of birth, different names.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Rian", "Marsh", "2011-09-02")),
              Graded(Grade::kNoMatch, 0));
  // A mistyped first letter is not a typo we catch.
  EXPECT_THAT(Compare(P("Jordan", "Pike", "2011-09-02"),
                      P("Jordan", "Bike", "2011-09-02")),
              Graded(Grade::kNoMatch, 0));
  // Empty people match nothing, not even each other.
  EXPECT_THAT(Compare(Person(), Person()), Graded(Grade::kNoMatch, 0));
}

// ---- Blocking keys

TEST_F(MatcherTest, Keys) {
  Person p = P("Bill", "Pike", "2011-09-02", "ZZ1 7PQ");
  p.nhs_number = "9434765919";
  p.phones = {"07700 900123"};
  p.emails = {"b@example.org"};
  p.handles = {"@bp"};
  const MatchProfile m = matcher_->Normalise(p);
  const std::vector<std::string> keys = matcher_->IndexKeys(m);
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_THAT(keys, Contains("d:william:2011-09-02"));
  EXPECT_THAT(keys, Contains("d:pike:2011-09-02"));
  EXPECT_THAT(keys, Contains("i:b:2011-09-02"));
  EXPECT_THAT(keys, Contains("i:p:2011-09-02"));
  EXPECT_THAT(keys, Contains("pc:ZZ17PQ"));
  EXPECT_THAT(keys, Contains("n:9434765919"));
  EXPECT_THAT(keys, Contains("ph:07700900123"));
  EXPECT_THAT(keys, Contains("em:b@example.org"));
  EXPECT_THAT(keys, Contains("h:bp"));
  EXPECT_THAT(keys, Not(Contains("d:pike:2011-02-09")));

  const std::vector<std::string> query = matcher_->QueryKeys(m);
  EXPECT_THAT(query, Contains("d:pike:2011-02-09"));
  EXPECT_TRUE(
      std::includes(query.begin(), query.end(), keys.begin(), keys.end()));
}

TEST_F(MatcherTest, NoDateNoNameKeys) {
  Person p = P("Jordan", "Pike", "2011");
  p.dob_year_only = true;
  EXPECT_THAT(matcher_->QueryKeys(matcher_->Normalise(p)), IsEmpty());
}

// ---- Concurrency

TEST_F(MatcherTest, ThreadSafe) {
  const Person q = P("Мухаммед", "Хасан", "2006-02-11");
  const Person c = P("Mohamed", "Hassan", "2006-02-11");
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        const Comparison r =
            matcher_->Compare(matcher_->Normalise(q), matcher_->Normalise(c));
        if (r.grade != Grade::kProbable) ++wrong[i];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(wrong, ::testing::Each(0));
}

}  // namespace
}  // namespace hub::deconfliction
