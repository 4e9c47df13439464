// A Registry is the validated set of partners and principals from a policy
// file: who the hub knows, and by which SPIFFE ID. Immutable once built, so
// one instance may be shared by every thread; a reload builds a new one.
#ifndef HUB_POLICY_REGISTRY_H_
#define HUB_POLICY_REGISTRY_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/policy.pb.h"

namespace hub::policy {

using Partner = ::prevent::policy::v1::Partner;
using Principal = ::prevent::policy::v1::Principal;
using PolicyFile = ::prevent::policy::v1::PolicyFile;

class Registry {
 public:
  // Parses and validates policy text. `filename` labels errors. On failure
  // returns INVALID_ARGUMENT listing every problem, one per line, as
  // "filename:line:column: what is wrong; what to do".
  static absl::StatusOr<std::unique_ptr<const Registry>> Parse(
      absl::string_view text, absl::string_view filename);

  // Reads the file at `path` and parses it as above; NOT_FOUND or
  // FAILED_PRECONDITION if it cannot be read.
  static absl::StatusOr<std::unique_ptr<const Registry>> Load(
      const std::string& path);

  const std::string& trust_domain() const { return file_.trust_domain(); }

  // Each returns null when nothing matches. Pointers live as long as this.
  const Principal* FindPrincipalBySpiffeId(absl::string_view spiffe_id) const;
  const Principal* FindPrincipal(absl::string_view id) const;
  const Partner* FindPartner(absl::string_view id) const;

  const PolicyFile& file() const { return file_; }

 private:
  explicit Registry(PolicyFile file);

  PolicyFile file_;
  absl::flat_hash_map<std::string, const Partner*> partners_;
  absl::flat_hash_map<std::string, const Principal*> principals_;
  absl::flat_hash_map<std::string, const Principal*> by_spiffe_id_;
};

}  // namespace hub::policy

#endif  // HUB_POLICY_REGISTRY_H_
