// A Policy is a validated, compiled policy file: the partnership's partners
// and principals, its agreements with their flow rules, its standing rules and
// briefing audiences. Immutable once built, so one instance may be shared by
// every thread; a reload builds a new one and swaps it in whole.
//
// Compilation does everything that does not depend on a request, so that
// Decide() (policy/decide.h) only compares: each rule's allowed fields become
// a Projection, its roles, actions and states become bit masks, its
// agreement's dates become absl::Time.
#ifndef HUB_POLICY_POLICY_H_
#define HUB_POLICY_POLICY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "policy/projection.h"
#include "proto/policy.pb.h"

namespace hub::policy {

using Agreement = ::prevent::policy::v1::Agreement;
using FlowRule = ::prevent::policy::v1::FlowRule;
using LegalBasis = ::prevent::policy::v1::LegalBasis;
using Partner = ::prevent::policy::v1::Partner;
using PolicyFile = ::prevent::policy::v1::PolicyFile;
using Principal = ::prevent::policy::v1::Principal;
using StandingRule = ::prevent::policy::v1::StandingRule;
using Action = ::prevent::policy::v1::Action;
using Purpose = ::prevent::policy::v1::Purpose;
using RecordClass = ::prevent::policy::v1::RecordClass;
using ReferralState = ::prevent::policy::v1::ReferralState;
using Requirement = ::prevent::policy::v1::Requirement;
using Role = ::prevent::policy::v1::Role;
using Scope = ::prevent::policy::v1::Scope;

// Marking levels in order, for "at most" comparisons: OFFICIAL = 1,
// OFFICIAL-SENSITIVE = 2, SECRET = 3, TOP SECRET = 4. An unset tier counts as
// OFFICIAL (the policy file's default).
int MarkingRank(prevent::policy::v1::SecurityMarking::Tier tier,
                bool sensitive);
int MarkingRank(const prevent::policy::v1::SecurityMarking& marking);

// An agreement's facts that Decide() needs, precomputed.
struct CompiledAgreement {
  const Agreement* agreement = nullptr;
  absl::flat_hash_set<std::string> parties;
  absl::flat_hash_map<std::string, const LegalBasis*> legal_bases;
  absl::Time effective_from = absl::InfinitePast();
  absl::Time review_after = absl::InfiniteFuture();   // first instant past
  absl::Time expires_after = absl::InfiniteFuture();  // first instant past
  int ceiling_rank = 2;  // OFFICIAL-SENSITIVE unless the file says otherwise
};

// One flow rule or standing rule, ready to evaluate. For a standing rule
// `agreement` and `flow` are null.
struct CompiledRule {
  const CompiledAgreement* agreement = nullptr;
  const FlowRule* flow = nullptr;
  const StandingRule* standing = nullptr;

  absl::string_view id;
  RecordClass record = prevent::policy::v1::RECORD_CLASS_UNSPECIFIED;
  uint32_t actions = 0;          // bit per Action
  uint64_t recipient_roles = 0;  // bit per Role
  uint64_t source_roles = 0;     // bit per Role; 0: any role
  uint64_t states = 0;           // bit per ReferralState; 0: any state
  uint32_t audit_queries = 0;    // bit per AuditQuery (AUDIT_LOG rules)
  Scope scope = prevent::policy::v1::SCOPE_UNSPECIFIED;
  Purpose purpose = prevent::policy::v1::PURPOSE_UNSPECIFIED;
  int max_marking_rank = 0;
  int64_t expires_after_hours = 0;
  std::vector<Requirement>
  requires;
  bool needs_special_category_basis = false;  // releases special categories
  Projection fields;
  // What the fields would cover but the rule does not release: special
  // categories it does not list, police-only fields for non-police roles.
  std::vector<std::string> withheld;
};

class Policy {
 public:
  // Parses and validates policy text; `now` decides which agreements have
  // expired. `filename` labels errors. On failure returns INVALID_ARGUMENT
  // listing every problem, one per line, as
  // "filename:line:column: what is wrong; what to do".
  static absl::StatusOr<std::unique_ptr<const Policy>> Parse(
      absl::string_view text, absl::string_view filename, absl::Time now);

  // Reads the file at `path` and parses it as above; NOT_FOUND or
  // FAILED_PRECONDITION if it cannot be read.
  static absl::StatusOr<std::unique_ptr<const Policy>> Load(
      const std::string& path, absl::Time now);

  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  const std::string& trust_domain() const { return file_.trust_domain(); }
  // A short fingerprint of the policy text (SHA-256, 16 hex digits), recorded
  // with every decision so an auditor can tell which policy made it.
  const std::string& version() const { return version_; }

  // Each returns null when nothing matches. Pointers live as long as this.
  const Principal* FindPrincipalBySpiffeId(absl::string_view spiffe_id) const;
  const Principal* FindPrincipal(absl::string_view id) const;
  const Partner* FindPartner(absl::string_view id) const;
  const Agreement* FindAgreement(absl::string_view id) const;

  // The rules that may decide `action` on `record`, in file order: standing
  // rules first, then each agreement's flows.
  absl::Span<const CompiledRule* const> Candidates(RecordClass record,
                                                   Action action) const;

  const PolicyFile& file() const { return file_; }

 private:
  Policy(PolicyFile file, std::string version);
  absl::Status Compile();

  const PolicyFile file_;
  const std::string version_;
  absl::flat_hash_map<std::string, const Partner*> partners_;
  absl::flat_hash_map<std::string, const Principal*> principals_;
  absl::flat_hash_map<std::string, const Principal*> by_spiffe_id_;
  absl::flat_hash_map<std::string, const Agreement*> agreements_;
  std::vector<std::unique_ptr<CompiledAgreement>> compiled_agreements_;
  std::vector<std::unique_ptr<CompiledRule>> rules_;
  // Index: record class * kActionSlots + action -> candidate rules.
  // One slot per value of each enum, so a new record class or action is
  // indexed without anyone remembering to grow the table.
  static constexpr int kActionSlots = prevent::policy::v1::Action_ARRAYSIZE;
  static constexpr int kRecordSlots =
      prevent::policy::v1::RecordClass_ARRAYSIZE;
  std::vector<const CompiledRule*> index_[kRecordSlots * kActionSlots];
};

}  // namespace hub::policy

#endif  // HUB_POLICY_POLICY_H_
