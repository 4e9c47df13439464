// MatchIndex keeps the deconfliction index in the store and searches it.
// Each referral's subject is indexed once, when the referral is stored, under
// keyed hashes (HMAC with the hub's pseudonym key) of its blocking keys, so
// the index holds no key a reader could link to a name without the hub's
// key; a search looks up the query's keys and grades each entry found with
// the Matcher. Nothing is loaded at start-up. Thread-safe.
#ifndef HUB_DECONFLICTION_MATCH_INDEX_H_
#define HUB_DECONFLICTION_MATCH_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hub/audit/pseudonymizer.h"
#include "hub/deconfliction/matcher.h"
#include "hub/store/record_store.h"
#include "proto/records.pb.h"

namespace hub::deconfliction {

// The person a referral's subject is, for matching.
Person PersonOf(const prevent::records::v1::Subject& subject);

class MatchIndex {
 public:
  // Every argument must outlive the index.
  MatchIndex(const Matcher* matcher, const audit::Pseudonymizer* keyer,
             store::RecordStore* store)
      : matcher_(matcher), keyer_(keyer), store_(store) {}

  // The index entry of referral `referral_id`'s subject, to store with the
  // referral (store::RecordWrite::match_entries).
  store::MatchEntryRow EntryFor(
      absl::string_view referral_id,
      const prevent::records::v1::Subject& subject) const;

  // One indexed referral that matches a query.
  struct Found {
    std::string referral_id;
    std::string subject_id;
    Comparison comparison;
  };

  // Every indexed referral that grades POSSIBLE or better against `query`,
  // strongest first.
  absl::StatusOr<std::vector<Found>> Search(const Person& query) const;

  // The keyed hashes Search() looks up for `query` (normalised), at most
  // kPerKeyLimit entries under each.
  std::vector<int64_t> LookupHashes(const MatchProfile& query) const;

  // Enough to find every plausible candidate under the commonest key without
  // letting one key read the index.
  static constexpr int kPerKeyLimit = 5000;

  // Indexes the referrals stored before the index existed, a batch at a
  // time; returns how many it indexed. Cheap when there are none.
  absl::StatusOr<int> Backfill() const;

 private:
  std::vector<int64_t> Hashes(const std::vector<std::string>& keys) const;

  const Matcher* const matcher_;
  const audit::Pseudonymizer* const keyer_;
  store::RecordStore* const store_;
};

}  // namespace hub::deconfliction

#endif  // HUB_DECONFLICTION_MATCH_INDEX_H_
