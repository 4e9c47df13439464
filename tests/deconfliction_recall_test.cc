// Recall and precision of the deconfliction Matcher on a labelled set of
// fictional pairs (testdata/deconfliction_pairs.tsv): every pair of the same
// person whose names differ only as the variant and nickname tables say must
// be found, exact pairs must be MATCH, transposed dates PROBABLE, and every
// pair graded at all must share a blocking key. Prints the figures.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/deconfliction/matcher.h"

namespace hub::deconfliction {
namespace {

constexpr char kPairsFile[] =
    HUB_SOURCE_DIR "/tests/testdata/deconfliction_pairs.tsv";
constexpr size_t kMinPairs = 300;

// Categories of the same person whose every pair must grade POSSIBLE or
// better.
const char* const kMustFind[] = {"exact", "transposed_dob", "variant",
                                 "nickname"};

struct Pair {
  int line = 0;
  std::string category;
  bool same = false;
  Person query;
  Person candidate;
  std::string text;  // the line, for failure messages
  Comparison comparison;
  bool shares_key = false;
};

Person PersonFrom(const std::vector<std::string>& fields, size_t at) {
  Person p;
  p.forenames = fields[at];
  p.surname = fields[at + 1];
  p.dob = fields[at + 2];
  p.dob_year_only = p.dob.size() == 4;
  p.postcode = fields[at + 3];
  return p;
}

bool SharesKey(const Matcher& m, const MatchProfile& q, const MatchProfile& c) {
  const std::vector<std::string> query = m.QueryKeys(q);
  const std::vector<std::string> index = m.IndexKeys(c);
  std::vector<std::string> common;
  std::set_intersection(query.begin(), query.end(), index.begin(), index.end(),
                        std::back_inserter(common));
  return !common.empty();
}

class DeconflictionRecallTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pairs_ = new std::vector<Pair>();
    absl::StatusOr<std::unique_ptr<Matcher>> m = Matcher::Create();
    ASSERT_THAT(m, IsOk());
    matcher_ = m->release();
    std::ifstream in(kPairsFile);
    ASSERT_TRUE(in) << "cannot open " << kPairsFile;
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
      ++line;
      if (line == 1 || text.empty()) continue;  // the header
      std::vector<std::string> fields = absl::StrSplit(text, '\t');
      ASSERT_EQ(fields.size(), 10u) << kPairsFile << ":" << line;
      ASSERT_TRUE(fields[1] == "0" || fields[1] == "1")
          << kPairsFile << ":" << line;
      Pair pair;
      pair.line = line;
      pair.category = fields[0];
      pair.same = fields[1] == "1";
      pair.query = PersonFrom(fields, 2);
      pair.candidate = PersonFrom(fields, 6);
      pair.text = text;
      const MatchProfile q = matcher_->Normalise(pair.query);
      const MatchProfile c = matcher_->Normalise(pair.candidate);
      pair.comparison = matcher_->Compare(q, c);
      pair.shares_key = SharesKey(*matcher_, q, c);
      pairs_->push_back(std::move(pair));
    }
  }

  static void TearDownTestSuite() {
    delete pairs_;
    delete matcher_;
  }

  static const Matcher* matcher_;
  static std::vector<Pair>* pairs_;
};

const Matcher* DeconflictionRecallTest::matcher_ = nullptr;
std::vector<Pair>* DeconflictionRecallTest::pairs_ = nullptr;

std::string Describe(const Pair& p) {
  return absl::StrCat("line ", p.line, " [",
                      absl::StrReplaceAll(p.text, {{"\t", " | "}}), "] graded ",
                      static_cast<int>(p.comparison.grade), " reasons 0x",
                      absl::Hex(p.comparison.reasons));
}

TEST_F(DeconflictionRecallTest, ReadsEnoughPairs) {
  EXPECT_GE(pairs_->size(), kMinPairs);
}

TEST_F(DeconflictionRecallTest, PrintsRecallAndPrecision) {
  struct Counts {
    int pairs = 0, same = 0, possible = 0, probable = 0, match = 0;
  };
  std::map<std::string, Counts> by_category;
  int tp_possible = 0, fp_possible = 0, tp_probable = 0, fp_probable = 0;
  for (const Pair& p : *pairs_) {
    Counts& c = by_category[p.category];
    ++c.pairs;
    if (p.same) ++c.same;
    const bool possible = p.comparison.grade >= Grade::kPossible;
    const bool probable = p.comparison.grade >= Grade::kProbable;
    c.possible += possible;
    c.probable += probable;
    c.match += p.comparison.grade == Grade::kMatch;
    if (possible) (p.same ? tp_possible : fp_possible)++;
    if (probable) (p.same ? tp_probable : fp_probable)++;
  }
  std::printf("%-16s %5s %10s %10s %10s\n", "category", "pairs", ">=POSSIBLE",
              ">=PROBABLE", "MATCH");
  for (const auto& entry : by_category) {
    const std::string& name = entry.first;
    const Counts& c = entry.second;
    auto pct = [&](int n) { return 100.0 * n / c.pairs; };
    std::printf(
        "%-16s %5d %9.1f%% %9.1f%% %9.1f%%%s\n", name.c_str(), c.pairs,
        pct(c.possible), pct(c.probable), pct(c.match),
        c.same == 0 ? "  (different people: false positives)" : "  (recall)");
  }
  auto ratio = [](int tp, int fp) {
    return tp + fp == 0 ? 100.0 : 100.0 * tp / (tp + fp);
  };
  std::printf("precision at >=POSSIBLE: %.1f%% (%d of %d)\n",
              ratio(tp_possible, fp_possible), tp_possible,
              tp_possible + fp_possible);
  std::printf("precision at >=PROBABLE: %.1f%% (%d of %d)\n",
              ratio(tp_probable, fp_probable), tp_probable,
              tp_probable + fp_probable);
  size_t index_keys = 0, query_keys = 0;
  for (const Pair& p : *pairs_) {
    const MatchProfile q = matcher_->Normalise(p.query);
    index_keys += matcher_->IndexKeys(q).size();
    query_keys += matcher_->QueryKeys(q).size();
  }
  std::printf("keys per person: %.1f indexed, %.1f looked up\n",
              static_cast<double>(index_keys) / pairs_->size(),
              static_cast<double>(query_keys) / pairs_->size());
}

TEST_F(DeconflictionRecallTest, FindsEveryListedSamePerson) {
  for (const Pair& p : *pairs_) {
    if (std::find(std::begin(kMustFind), std::end(kMustFind), p.category) ==
        std::end(kMustFind)) {
      continue;
    }
    EXPECT_TRUE(p.same) << Describe(p);
    EXPECT_GE(p.comparison.grade, Grade::kPossible) << Describe(p);
  }
}

TEST_F(DeconflictionRecallTest, ExactPairsMatch) {
  for (const Pair& p : *pairs_) {
    if (p.category == "exact") {
      EXPECT_EQ(p.comparison.grade, Grade::kMatch) << Describe(p);
    }
  }
}

TEST_F(DeconflictionRecallTest, TransposedDobPairsAreProbable) {
  for (const Pair& p : *pairs_) {
    if (p.category == "transposed_dob") {
      EXPECT_GE(p.comparison.grade, Grade::kProbable) << Describe(p);
    }
  }
}

// Matcher::IndexKeys' promise, over every pair the matcher grades.
TEST_F(DeconflictionRecallTest, EveryGradedPairSharesAKey) {
  int graded = 0;
  for (const Pair& p : *pairs_) {
    if (p.comparison.grade == Grade::kNoMatch) continue;
    ++graded;
    EXPECT_TRUE(p.shares_key) << Describe(p);
  }
  EXPECT_GT(graded, 0);
}

}  // namespace
}  // namespace hub::deconfliction
