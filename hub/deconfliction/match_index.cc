#include "hub/deconfliction/match_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hub::deconfliction {
namespace {

namespace rec = ::prevent::records::v1;

constexpr int kBackfillBatch = 500;

}  // namespace

Person PersonOf(const rec::Subject& subject) {
  Person person;
  const rec::SubjectIdentity& who = subject.identity();
  person.forenames = who.forenames();
  person.surname = who.surname();
  person.aliases.assign(who.aliases().begin(), who.aliases().end());
  person.dob = who.dob();
  person.dob_year_only = who.dob_precision() == rec::SubjectIdentity::YEAR;
  for (const rec::Address& address : subject.addresses()) {
    if (person.postcode.empty() || address.type() == rec::Address::HOME) {
      person.postcode = address.postcode();
    }
  }
  for (const rec::LocalIdentifier& id : subject.local_identifiers()) {
    if (id.scheme() == rec::LocalIdentifier::NHS_NUMBER) {
      person.nhs_number = id.value();
    }
  }
  person.phones.assign(subject.phones().begin(), subject.phones().end());
  person.emails.assign(subject.emails().begin(), subject.emails().end());
  person.handles.assign(subject.online_handles().begin(),
                        subject.online_handles().end());
  return person;
}

std::vector<int64_t> MatchIndex::Hashes(
    const std::vector<std::string>& keys) const {
  std::vector<int64_t> hashes;
  hashes.reserve(keys.size());
  for (const std::string& key : keys) {
    const std::string hex = keyer_->Pseudonym(absl::StrCat("match:", key));
    // The first 64 bits of the HMAC; Pseudonym() always gives 64 hex
    // characters, so the parse cannot fail.
    uint64_t value = 0;
    if (!absl::SimpleHexAtoi(absl::string_view(hex).substr(0, 16), &value)) {
      value = 0;
    }
    hashes.push_back(static_cast<int64_t>(value));
  }
  return hashes;
}

store::MatchEntryRow MatchIndex::EntryFor(absl::string_view referral_id,
                                          const rec::Subject& subject) const {
  const MatchProfile profile = matcher_->Normalise(PersonOf(subject));
  store::MatchEntryRow entry;
  entry.referral_id = std::string(referral_id);
  entry.subject_id = subject.subject_id();
  entry.profile = profile.SerializeAsString();
  entry.keys = Hashes(matcher_->IndexKeys(profile));
  return entry;
}

std::vector<int64_t> MatchIndex::LookupHashes(const MatchProfile& query) const {
  return Hashes(matcher_->QueryKeys(query));
}

absl::StatusOr<std::vector<MatchIndex::Found>> MatchIndex::Search(
    const Person& query) const {
  const MatchProfile wanted = matcher_->Normalise(query);
  ASSIGN_OR_RETURN(
      std::vector<store::MatchEntryRow> entries,
      store_->MatchEntriesForKeys(LookupHashes(wanted), kPerKeyLimit));
  std::vector<Found> found;
  MatchProfile candidate;
  for (store::MatchEntryRow& entry : entries) {
    if (!candidate.ParseFromString(entry.profile)) {
      return absl::DataLossError(
          absl::StrCat("the deconfliction index entry of referral ",
                       entry.referral_id, " cannot be read"));
    }
    const Comparison comparison = matcher_->Compare(wanted, candidate);
    if (comparison.grade == Grade::kNoMatch) continue;
    found.push_back({std::move(entry.referral_id), std::move(entry.subject_id),
                     comparison});
  }
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::make_pair(a.comparison.grade, b.referral_id) >
           std::make_pair(b.comparison.grade, a.referral_id);
  });
  return found;
}

absl::StatusOr<int> MatchIndex::Backfill() const {
  int indexed = 0;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     store_->ReferralsAwaitingMatchIndex(kBackfillBatch));
    if (ids.empty()) return indexed;
    std::vector<store::MatchEntryRow> entries;
    for (const std::string& id : ids) {
      ASSIGN_OR_RETURN(std::optional<store::ReferralRow> row,
                       store_->FindReferral(id));
      rec::CaseFile file;
      if (row.has_value() && !file.ParseFromString(row->record)) {
        return absl::DataLossError(
            absl::StrCat("referral ", id, " cannot be read to index it"));
      }
      // A referral gone since (erased) leaves an empty entry, which matches
      // nothing and takes it off the list.
      entries.push_back(EntryFor(id, file.subject()));
    }
    RETURN_IF_ERROR(store_->AddMatchEntries(entries));
    indexed += static_cast<int>(entries.size());
  }
}

}  // namespace hub::deconfliction
