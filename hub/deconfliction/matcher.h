// Matching people for deconfliction (SPEC §2.3): a Matcher normalises a
// person once into a MatchProfile (case, diacritics, punctuation, script,
// surname particles), derives the blocking keys the hub indexes them under,
// and grades a query against a candidate as MATCH, PROBABLE, POSSIBLE or
// NO_MATCH with the reasons that matched. The variant and nickname tables
// are data files in hub/deconfliction/data, built into the binary. Pure: no
// I/O after Create(); thread-safe.
#ifndef HUB_DECONFLICTION_MATCHER_H_
#define HUB_DECONFLICTION_MATCHER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/match.pb.h"

namespace hub::deconfliction {

using prevent::match::v1::MatchProfile;

namespace internal {
class AsciiTransliterator;
class NameTables;
}  // namespace internal

// A person as a query or a referral gives them, before normalisation.
struct Person {
  std::string forenames;
  std::string surname;
  std::vector<std::string> aliases;
  std::string dob;             // YYYY-MM-DD, or empty
  bool dob_year_only = false;  // only dob's year is known
  std::string postcode;
  std::string nhs_number;  // any spacing
  std::vector<std::string> phones;
  std::vector<std::string> emails;
  std::vector<std::string> handles;
};

// SPEC §2.3's grades, weakest first.
enum class Grade { kNoMatch, kPossible, kProbable, kMatch };

// Why a candidate matched (SPEC §3.9), as bits of Comparison::reasons.
enum Reason : uint32_t {
  kNhsNumber = 1 << 0,
  kNameExact = 1 << 1,
  kNameVariant = 1 << 2,
  kDobExact = 1 << 3,
  kDobTransposed = 1 << 4,
  kPostcode = 1 << 5,
  kPhone = 1 << 6,
  kEmail = 1 << 7,
  kHandle = 1 << 8,
};

struct Comparison {
  Grade grade = Grade::kNoMatch;
  // Reason bits: every field that matched, whether or not the grade needed
  // it (a MATCH on NHS number also lists NAME_EXACT if the names are the
  // same); at most one of NAME_EXACT and NAME_VARIANT, and of DOB_EXACT and
  // DOB_TRANSPOSED. 0 for NO_MATCH.
  uint32_t reasons = 0;
};

class Matcher {
 public:
  // Loads the built-in variant and nickname tables and the ICU
  // transliterator; an error only if those are broken.
  static absl::StatusOr<std::unique_ptr<Matcher>> Create();

  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // The normalised form of `person`. Never fails: what cannot be read
  // (e.g. a malformed date) is left out.
  MatchProfile Normalise(const Person& person) const;

  // The blocking keys an indexed person is stored under, sorted and without
  // duplicates. Every person a query could grade POSSIBLE or better shares
  // at least one key with the query's QueryKeys(). Keys are plain text; the
  // hub stores only a keyed hash of each. A key names one name or name
  // group with a full date of birth, one initial with a full date of birth
  // (for typing errors), or one postcode, NHS number, phone, email or
  // handle, so a lookup reads few rows even in a large index. A date of
  // birth known only to the year gives no key: it never grades.
  std::vector<std::string> IndexKeys(const MatchProfile& person) const;

  // The keys to look up for a query: IndexKeys() plus the transposed date
  // of birth's.
  std::vector<std::string> QueryKeys(const MatchProfile& query) const;

  // How well `candidate` matches `query`, by SPEC §2.3's scoring, where
  // names are exact when their forename and surname tokens are the same;
  // variants when the first forename and a surname token match allowing for
  // the variant and nickname tables, typing errors, initials, swapped
  // forenames and surnames, double-barrelled surnames and aliases (see
  // name_comparison.h); and dates of birth count only when day, month and
  // year are all known:
  //   MATCH     exact NHS number, or exact full name and exact date of birth
  //   PROBABLE  name variant and exact date of birth, or exact name and
  //             date of birth with day and month transposed
  //   POSSIBLE  surname and date of birth (exact or transposed); full name
  //             (exact or variant) and postcode; name variant and transposed
  //             date of birth; phone, email or handle exact
  Comparison Compare(const MatchProfile& query,
                     const MatchProfile& candidate) const;

 private:
  Matcher(std::unique_ptr<internal::NameTables> tables,
          std::unique_ptr<internal::AsciiTransliterator> transliterator);

  // Adds the name keys of `person` born on `date` ("YYYY-MM-DD") to *keys.
  void AddNameKeys(const MatchProfile& person, absl::string_view date,
                   std::vector<std::string>* keys) const;

  const std::unique_ptr<internal::NameTables> tables_;
  const std::unique_ptr<internal::AsciiTransliterator> transliterator_;
};

}  // namespace hub::deconfliction

#endif  // HUB_DECONFLICTION_MATCHER_H_
