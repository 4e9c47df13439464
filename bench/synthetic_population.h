// SyntheticPopulation generates a deterministic, entirely fictional
// population of referral subjects for the deconfliction benchmark: names
// drawn with a realistic skew from built-in forename and surname lists (and
// spelt, for names in the hub's variant table, as records spell them),
// dates of birth from 1940 to 2015, "ZZ" postcodes shared by households,
// and NHS numbers from the 999 test range. Not thread-safe; the tables it
// reads are immutable.
#ifndef BENCH_SYNTHETIC_POPULATION_H_
#define BENCH_SYNTHETIC_POPULATION_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "proto/records.pb.h"

namespace hub::bench {

// The seed deconfliction_bench builds its index from; hub_bench draws its
// deconfliction queries from the same population.
inline constexpr uint64_t kBenchPopulationSeed = 20261122;

// One generated person, as a referral records them.
struct SyntheticPerson {
  int64_t index = 0;        // position in the population, from 0
  std::string subject_id;   // a UUID-shaped id, unique in the population
  std::string referral_id;  // likewise
  std::string forenames;    // one or two forenames, e.g. "Mohammed Ali"
  std::string surname;      // e.g. "O'Brien", "Garside-Calder"
  std::string dob;          // "YYYY-MM-DD", or "YYYY" when year_only
  bool dob_year_only = false;
  bool male = false;
  std::string postcode;    // "ZZ<n> <n><L><L>"
  std::string nhs_number;  // "999 xxx xxxx", or empty
};

class SyntheticPopulation {
 public:
  // The population for `seed`: the same seed gives the same people, in the
  // same order, on the same standard library.
  explicit SyntheticPopulation(uint64_t seed);

  SyntheticPopulation(const SyntheticPopulation&) = delete;
  SyntheticPopulation& operator=(const SyntheticPopulation&) = delete;

  // The next person (the first call gives person 0).
  SyntheticPerson Next();

  // `person` as a referral's subject: identity, home address, NHS number.
  static prevent::records::v1::Subject SubjectOf(const SyntheticPerson& person);

  // The other spellings of the name `token` in the hub's variant table
  // (data/name_variants.txt), capitalised, in the table's order (script
  // skeletons such as "Mhmd" included); empty for a name in no group or
  // not a capitalised run of ASCII letters.
  std::vector<std::string> SpellingsOf(absl::string_view token) const;

  // The short forms of `token` (or of a spelling of it) in the nickname
  // table, or if `token` is itself a short form, its formal names;
  // capitalised. Empty if there are none.
  std::vector<std::string> NicknamesOf(absl::string_view token) const;

 private:
  struct Household {
    std::string surname;
    std::string postcode;
    int remaining = 0;
  };

  std::string Forename(bool male);
  std::string Surname();
  std::string Spelt(absl::string_view name);
  std::string Dob(bool* year_only);
  std::string Postcode();
  std::string NhsNumber();
  std::string Id(uint64_t tag, int64_t index);

  const uint64_t seed_;
  std::mt19937_64 rng_;
  int64_t next_index_ = 0;
  uint64_t next_nhs_ = 0;  // the next NHS number base to try
  Household household_;
  // Lower-case name -> its spelling groups (each most common first).
  absl::flat_hash_map<std::string, std::vector<std::vector<std::string>>>
      spellings_;
  // Lower-case formal name -> nicknames, and nickname -> formal names.
  absl::flat_hash_map<std::string, std::vector<std::string>> nicknames_;
  absl::flat_hash_map<std::string, std::vector<std::string>> formal_names_;
};

}  // namespace hub::bench

#endif  // BENCH_SYNTHETIC_POPULATION_H_
