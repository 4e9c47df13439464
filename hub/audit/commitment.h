// How an audit event enters the Merkle tree: as a salted commitment,
// SHA-256(salt || event bytes), whose RFC 6962 leaf hash the tree holds. The
// random salt keeps an erased event's commitment from being matched against
// guessed contents; erasing the salt and payload leaves the commitment, so
// the tree and every signed checkpoint still verify (docs/audit.md).
#ifndef HUB_AUDIT_COMMITMENT_H_
#define HUB_AUDIT_COMMITMENT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "hub/audit/merkle.h"

namespace hub::audit {

inline constexpr size_t kSaltSize = 32;

// kSaltSize random bytes from OpenSSL's generator.
std::string NewSalt();

// SHA-256(salt || event).
Hash EventCommitment(absl::string_view salt, absl::string_view event);

// The Merkle leaf hash of an event as committed: LeafHash of its commitment.
Hash EventLeafHash(absl::string_view salt, absl::string_view event);

}  // namespace hub::audit

#endif  // HUB_AUDIT_COMMITMENT_H_
