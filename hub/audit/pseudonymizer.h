// Pseudonymizer turns a subject's id into the keyed pseudonym the audit log
// records instead: HMAC-SHA-256 under the hub's secret key, hex. Without the
// key the pseudonym cannot be linked to the id, nor guessed from a list of
// ids; with it, the hub can answer "who saw subject X" (AQ1). Thread-safe.
#ifndef HUB_AUDIT_PSEUDONYMIZER_H_
#define HUB_AUDIT_PSEUDONYMIZER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::audit {

class Pseudonymizer {
 public:
  inline static constexpr size_t kMinKeySize = 32;

  // INVALID_ARGUMENT if `key` is shorter than kMinKeySize bytes.
  static absl::StatusOr<Pseudonymizer> FromKey(std::string key);

  // The pseudonym of `subject_id` (64 hex characters); "" for "".
  std::string Pseudonym(absl::string_view subject_id) const;

 private:
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace hub::audit

#endif  // HUB_AUDIT_PSEUDONYMIZER_H_
