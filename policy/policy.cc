#include "policy/policy.h"

#include <google/protobuf/text_format.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/text_proto.h"
#include "policy/record_types.h"
#include "policy/validator.h"

namespace hub::policy {
namespace {

namespace pb = ::prevent::policy::v1;

std::string VersionOf(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), 8));
}

template <typename List>
uint64_t Mask(const List& values) {
  uint64_t mask = 0;
  for (int v : values) {
    if (v >= 0 && v < 64) mask |= uint64_t{1} << v;
  }
  return mask;
}

// The validator has accepted every date, so parse failures cannot happen.
absl::Time DateOr(const std::string& date, absl::Time fallback) {
  if (date.empty()) return fallback;
  absl::StatusOr<absl::Time> t = common::ParseUtcDate(date);
  return t.ok() ? *t : fallback;
}

}  // namespace

int MarkingRank(pb::SecurityMarking::Tier tier, bool sensitive) {
  switch (tier) {
    case pb::SecurityMarking::SECRET:
      return 3;
    case pb::SecurityMarking::TOP_SECRET:
      return 4;
    default:
      return sensitive ? 2 : 1;
  }
}

int MarkingRank(const pb::SecurityMarking& marking) {
  return MarkingRank(marking.tier(), marking.sensitive());
}

Policy::Policy(PolicyFile file, std::string version)
    : file_(std::move(file)), version_(std::move(version)) {
  for (const Partner& partner : file_.partners()) {
    partners_[partner.id()] = &partner;
  }
  for (const Principal& principal : file_.principals()) {
    principals_[principal.id()] = &principal;
    by_spiffe_id_[principal.spiffe_id()] = &principal;
  }
  for (const Agreement& agreement : file_.agreements()) {
    agreements_[agreement.id()] = &agreement;
  }
}

absl::Status Policy::Compile() {
  auto add = [this](std::unique_ptr<CompiledRule> rule) {
    for (int action = 0; action < kActionSlots; ++action) {
      if ((rule->actions & (1u << action)) == 0) continue;
      index_[rule->record * kActionSlots + action].push_back(rule.get());
    }
    rules_.push_back(std::move(rule));
  };

  for (const StandingRule& standing : file_.standing_rules()) {
    auto rule = std::make_unique<CompiledRule>();
    rule->standing = &standing;
    rule->id = standing.id();
    rule->record = standing.record();
    rule->actions = static_cast<uint32_t>(Mask(standing.actions()));
    rule->recipient_roles = Mask(standing.roles());
    rule->scope = standing.record() == pb::SERVICE ? pb::PARTNERSHIP : pb::SELF;
    ASSIGN_OR_RETURN(rule->fields,
                     CompileRuleFields(standing.record(),
                                       {standing.allowed_fields().begin(),
                                        standing.allowed_fields().end()},
                                       0, false, &rule->withheld));
    add(std::move(rule));
  }

  for (const Agreement& agreement : file_.agreements()) {
    auto compiled = std::make_unique<CompiledAgreement>();
    compiled->agreement = &agreement;
    for (const pb::Party& party : agreement.parties()) {
      compiled->parties.insert(party.partner_id());
    }
    for (const LegalBasis& basis : agreement.legal_bases()) {
      compiled->legal_bases[basis.partner_id()] = &basis;
    }
    compiled->effective_from =
        DateOr(agreement.effective_from(), absl::InfinitePast());
    // Review and expiry dates are inclusive: the agreement holds all day.
    compiled->review_after =
        DateOr(agreement.review_due(), absl::InfiniteFuture()) +
        absl::Hours(24);
    compiled->expires_after =
        DateOr(agreement.expires_on(), absl::InfiniteFuture()) +
        absl::Hours(24);
    if (agreement.has_classification_ceiling()) {
      compiled->ceiling_rank = MarkingRank(agreement.classification_ceiling());
    }

    for (const FlowRule& flow : agreement.flows()) {
      auto rule = std::make_unique<CompiledRule>();
      rule->agreement = compiled.get();
      rule->flow = &flow;
      rule->id = flow.id();
      rule->record = flow.record();
      rule->actions = static_cast<uint32_t>(Mask(flow.actions()));
      rule->recipient_roles = Mask(flow.recipient_roles());
      rule->source_roles = Mask(flow.source_roles());
      rule->states = Mask(flow.workflow_states());
      rule->audit_queries = static_cast<uint32_t>(Mask(flow.audit_queries()));
      rule->scope = flow.scope();
      rule->purpose = flow.purpose();
      rule->max_marking_rank = flow.has_max_marking()
                                   ? MarkingRank(flow.max_marking())
                                   : compiled->ceiling_rank;
      // A briefing rule releases no more than its audience may hold.
      for (const pb::BriefingAudience& audience : file_.briefing_audiences()) {
        if (flow.record() == pb::BRIEFING &&
            audience.audience() == flow.audience() &&
            audience.has_max_marking()) {
          rule->max_marking_rank = std::min(
              rule->max_marking_rank, MarkingRank(audience.max_marking()));
        }
      }
      rule->expires_after_hours = flow.expires_after_hours();
      for (int r : flow.requires()) {
        rule->requires.push_back(static_cast<Requirement>(r));
      }
      rule->needs_special_category_basis =
          !flow.special_category_allowed().empty();
      bool police = !flow.recipient_roles().empty();
      for (int role : flow.recipient_roles()) {
        police &= IsCtPoliceRole(static_cast<Role>(role));
      }
      ASSIGN_OR_RETURN(
          rule->fields,
          CompileRuleFields(
              flow.record(),
              {flow.allowed_fields().begin(), flow.allowed_fields().end()},
              static_cast<uint32_t>(Mask(flow.special_category_allowed())),
              police, &rule->withheld));
      add(std::move(rule));
    }
    compiled_agreements_.push_back(std::move(compiled));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<const Policy>> Policy::Parse(
    absl::string_view text, absl::string_view filename, absl::Time now) {
  PolicyFile file;
  google::protobuf::TextFormat::ParseInfoTree tree;
  RETURN_IF_ERROR(common::ParseTextProto(text, filename, &file, &tree));
  RETURN_IF_ERROR(ValidatePolicyFile(file, tree, filename, now));
  std::unique_ptr<Policy> policy(new Policy(std::move(file), VersionOf(text)));
  RETURN_IF_ERROR(policy->Compile());
  return std::unique_ptr<const Policy>(std::move(policy));
}

absl::StatusOr<std::unique_ptr<const Policy>> Policy::Load(
    const std::string& path, absl::Time now) {
  ASSIGN_OR_RETURN(std::string text, common::ReadFile(path));
  return Parse(text, path, now);
}

const Principal* Policy::FindPrincipalBySpiffeId(
    absl::string_view spiffe_id) const {
  auto it = by_spiffe_id_.find(spiffe_id);
  return it == by_spiffe_id_.end() ? nullptr : it->second;
}

const Principal* Policy::FindPrincipal(absl::string_view id) const {
  auto it = principals_.find(id);
  return it == principals_.end() ? nullptr : it->second;
}

const Partner* Policy::FindPartner(absl::string_view id) const {
  auto it = partners_.find(id);
  return it == partners_.end() ? nullptr : it->second;
}

const Agreement* Policy::FindAgreement(absl::string_view id) const {
  auto it = agreements_.find(id);
  return it == agreements_.end() ? nullptr : it->second;
}

absl::Span<const CompiledRule* const> Policy::Candidates(RecordClass record,
                                                         Action action) const {
  if (record < 0 || record >= kRecordSlots || action < 0 ||
      action >= kActionSlots) {
    return {};
  }
  return index_[record * kActionSlots + action];
}

}  // namespace hub::policy
