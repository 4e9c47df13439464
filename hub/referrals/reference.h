// Referral references ("PRV-WXC-2025-000123": area, year, number) and the
// key that links referrals about the same subject. Thread-safe.
#ifndef HUB_REFERRALS_REFERENCE_H_
#define HUB_REFERRALS_REFERENCE_H_

#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "hub/store/record_store.h"
#include "proto/records.pb.h"

namespace hub::referrals {

// "PRV-<area>-<year>-<number, six digits>".
std::string FormatReference(absl::string_view area, int year, int seq);

// Hands out the next reference number per area and year. Numbers start
// after the highest stored, so a restart never reuses one that was
// committed; one taken by a write that then failed is simply skipped.
class ReferenceSequencer {
 public:
  explicit ReferenceSequencer(store::RecordStore* store) : store_(store) {}

  absl::StatusOr<int> Next(absl::string_view area, int year);

 private:
  store::RecordStore* const store_;
  absl::Mutex mu_;
  std::map<std::pair<std::string, int>, int> last_ ABSL_GUARDED_BY(mu_);
};

// The subject's name and date of birth, normalised (case, spacing), as the
// text whose keyed hash links referrals about the same person. Exact
// matching only; deconfliction does the fuzzy kind.
std::string SubjectKeyText(const prevent::records::v1::SubjectIdentity& who);

}  // namespace hub::referrals

#endif  // HUB_REFERRALS_REFERENCE_H_
