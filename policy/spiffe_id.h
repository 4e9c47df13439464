// A SpiffeId is the identity a client certificate carries in its URI SAN:
//   spiffe://<trust-domain>/partner/<partner>/user/<user>
// Value type; thread-compatible.
#ifndef HUB_POLICY_SPIFFE_ID_H_
#define HUB_POLICY_SPIFFE_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::policy {

struct SpiffeId {
  std::string trust_domain;  // e.g. "wexcombe.prevent-hub.example"
  std::string partner;       // e.g. "p-lbw"
  std::string user;          // e.g. "u-hokoro"

  // Parses `uri`. Trust domain: lower-case letters, digits, '.', '-', '_';
  // segments: letters, digits, '.', '-', '_'. On failure returns
  // INVALID_ARGUMENT saying which part is wrong.
  static absl::StatusOr<SpiffeId> Parse(absl::string_view uri);

  std::string ToString() const;

  // True if `s` is a valid trust domain: 1-255 of lower-case letters,
  // digits, '.', '-', '_'.
  static bool IsValidTrustDomain(absl::string_view s);
};

}  // namespace hub::policy

#endif  // HUB_POLICY_SPIFFE_ID_H_
