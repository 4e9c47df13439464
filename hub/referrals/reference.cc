#include "hub/referrals/reference.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace hub::referrals {
namespace {

// Lower case (ASCII), runs of spaces as one, trimmed.
std::string Normalise(absl::string_view text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, ' ', absl::SkipWhitespace());
  for (absl::string_view& word : words) word = absl::StripAsciiWhitespace(word);
  return absl::AsciiStrToLower(absl::StrJoin(words, " "));
}

}  // namespace

std::string FormatReference(absl::string_view area, int year, int seq) {
  return absl::StrFormat("PRV-%s-%04d-%06d", area, year, seq);
}

absl::StatusOr<int> ReferenceSequencer::Next(absl::string_view area, int year) {
  absl::MutexLock lock(&mu_);
  auto key = std::make_pair(std::string(area), year);
  auto it = last_.find(key);
  if (it == last_.end()) {
    ASSIGN_OR_RETURN(int stored, store_->MaxReferralSeq(area, year));
    it = last_.emplace(std::move(key), stored).first;
  }
  return ++it->second;
}

std::string SubjectKeyText(const prevent::records::v1::SubjectIdentity& who) {
  return absl::StrCat("subject:", Normalise(who.surname()), "|",
                      Normalise(who.forenames()), "|", who.dob());
}

}  // namespace hub::referrals
