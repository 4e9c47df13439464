#include "policy/validator.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "policy/record_types.h"
#include "policy/spiffe_id.h"

namespace hub::policy {
namespace {

namespace pb = ::prevent::policy::v1;
using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

// One step of a path from the top of the file to a field: the field's name
// and, for a repeated field, the element's index.
struct Step {
  const char* field;
  int index = -1;
};

// Collects problems with the place in the file each refers to.
class Problems {
 public:
  Problems(const pb::PolicyFile& file, absl::string_view filename,
           const TextFormat::ParseInfoTree& tree)
      : file_(file), filename_(filename), tree_(tree) {}

  // Reports `what` at the deepest step of `path` the file spells out (a
  // field that was never written is reported at its enclosing element).
  void At(std::initializer_list<Step> path, absl::string_view what) {
    const google::protobuf::Message* message = &file_;
    const TextFormat::ParseInfoTree* tree = &tree_;
    TextFormat::ParseLocation best;
    for (const Step& step : path) {
      const FieldDescriptor* field =
          message->GetDescriptor()->FindFieldByName(step.field);
      if (field == nullptr || tree == nullptr) break;
      int index = -1;
      if (field->is_repeated()) {
        index = std::max(step.index, 0);
        // The parser records a location per occurrence of the field, and
        // one occurrence may be a list of many elements ("roles: [A, B]").
        // Element and occurrence line up only when their counts agree;
        // otherwise the problem is reported at the field's first mention.
        const int size = message->GetReflection()->FieldSize(*message, field);
        if (size > 0 && (tree->GetLocation(field, size - 1).line < 0 ||
                         tree->GetLocation(field, size).line >= 0)) {
          index = 0;
        }
      }
      TextFormat::ParseLocation loc = tree->GetLocation(field, index);
      if (loc.line < 0) break;
      best = loc;
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) break;
      tree = tree->GetTreeForNested(field, index);
      const google::protobuf::Reflection* reflection = message->GetReflection();
      if (!field->is_repeated()) {
        message = &reflection->GetMessage(*message, field);
      } else if (index < reflection->FieldSize(*message, field)) {
        message = &reflection->GetRepeatedMessage(*message, field, index);
      } else {
        break;
      }
    }
    const int line = best.line >= 0 ? best.line + 1 : 1;
    const int column = best.column >= 0 ? best.column + 1 : 1;
    errors_.push_back(
        absl::StrCat(filename_, ":", line, ":", column, ": ", what));
  }

  absl::Status ToStatus() const {
    if (errors_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }

 private:
  const pb::PolicyFile& file_;
  std::string filename_;
  const TextFormat::ParseInfoTree& tree_;
  std::vector<std::string> errors_;
};

// Index of the first element equal to `value` in `list` that is not the
// first occurrence, or -1.
template <typename List>
int FirstDuplicate(const List& list) {
  for (int i = 0; i < list.size(); ++i) {
    for (int j = 0; j < i; ++j) {
      if (list.Get(i) == list.Get(j)) return i;
    }
  }
  return -1;
}

void ValidateTrustDomain(const pb::PolicyFile& file, Problems& p) {
  if (file.trust_domain().empty()) {
    p.At({{"trust_domain"}},
         "trust_domain is missing; set it to the partnership CA's SPIFFE "
         "trust domain, e.g. \"wexcombe.prevent-hub.example\"");
  } else if (!SpiffeId::IsValidTrustDomain(file.trust_domain())) {
    p.At({{"trust_domain"}},
         absl::StrCat("trust_domain '", file.trust_domain(),
                      "' is not a valid SPIFFE trust domain (lower-case "
                      "letters, digits, '.', '-', '_')"));
  }
}

void ValidatePartners(const pb::PolicyFile& file, Problems& p) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < file.partners_size(); ++i) {
    const pb::Partner& partner = file.partners(i);
    const std::string label = absl::StrCat("partner '", partner.id(), "'");
    if (partner.id().empty()) {
      p.At({{"partners", i}, {"id"}},
           "partner has no id; give it a unique id such as \"P-LBW\"");
    } else if (!seen.insert(partner.id()).second) {
      p.At(
          {{"partners", i}, {"id"}},
          absl::StrCat(label, " is defined twice; partner ids must be unique"));
    }
    if (partner.type() == pb::Partner::TYPE_UNSPECIFIED ||
        !pb::Partner::Type_IsValid(partner.type())) {
      p.At({{"partners", i}, {"type"}},
           absl::StrCat(label,
                        " has no known type; set type (e.g. LOCAL_AUTHORITY, "
                        "NHS_TRUST)"));
    }
    if (partner.status() == pb::Partner::STATUS_UNSPECIFIED ||
        !pb::Partner::Status_IsValid(partner.status())) {
      p.At({{"partners", i}, {"status"}},
           absl::StrCat(label,
                        " has no status; set status: ACTIVE, ONBOARDING, "
                        "SUSPENDED or OFFBOARDED"));
    }
  }
}

void ValidatePrincipals(const pb::PolicyFile& file, Problems& p) {
  absl::flat_hash_set<std::string> partners;
  for (const pb::Partner& partner : file.partners()) {
    partners.insert(partner.id());
  }
  absl::flat_hash_set<std::string> ids;
  absl::flat_hash_set<std::string> spiffe_ids;
  for (int i = 0; i < file.principals_size(); ++i) {
    const pb::Principal& principal = file.principals(i);
    const std::string label = absl::StrCat("principal '", principal.id(), "'");
    if (principal.id().empty()) {
      p.At({{"principals", i}, {"id"}},
           "principal has no id; give it a unique id such as \"U-HOKORO\"");
    } else if (!ids.insert(principal.id()).second) {
      p.At({{"principals", i}, {"id"}},
           absl::StrCat(label,
                        " is defined twice; principal ids must be unique"));
    }
    if (!partners.contains(principal.partner_id())) {
      p.At(
          {{"principals", i}, {"partner_id"}},
          absl::StrCat(
              label, " names partner '", principal.partner_id(),
              "', which is not defined; add it to partners or fix partner_id"));
    }
    if (principal.roles().empty()) {
      p.At({{"principals", i}, {"roles"}},
           absl::StrCat(label, " has no roles; give it at least one role"));
    }
    for (int r = 0; r < principal.roles_size(); ++r) {
      const int role = principal.roles(r);
      if (role == pb::ROLE_UNSPECIFIED || !pb::Role_IsValid(role)) {
        p.At({{"principals", i}, {"roles", r}},
             absl::StrCat(label, " has an unknown role (", role,
                          "); name a role from SPEC §1.1"));
      }
    }
    if (principal.status() == pb::Principal::STATUS_UNSPECIFIED ||
        !pb::Principal::Status_IsValid(principal.status())) {
      p.At({{"principals", i}, {"status"}},
           absl::StrCat(
               label,
               " has no status; set status: ACTIVE, SUSPENDED or OFFBOARDED"));
    }

    absl::StatusOr<SpiffeId> spiffe = SpiffeId::Parse(principal.spiffe_id());
    if (!spiffe.ok()) {
      p.At({{"principals", i}, {"spiffe_id"}},
           absl::StrCat(label, ": spiffe_id ", spiffe.status().message()));
      continue;
    }
    if (spiffe->trust_domain != file.trust_domain()) {
      p.At({{"principals", i}, {"spiffe_id"}},
           absl::StrCat(label, ": spiffe_id is in trust domain '",
                        spiffe->trust_domain,
                        "' but this partnership's trust_domain is '",
                        file.trust_domain(), "'"));
    }
    // The SPIFFE ID must name the principal and its own partner, so a
    // certificate issued for one partner can never map to another's user.
    const std::string want_partner =
        absl::AsciiStrToLower(principal.partner_id());
    const std::string want_user = absl::AsciiStrToLower(principal.id());
    if (spiffe->partner != want_partner || spiffe->user != want_user) {
      p.At({{"principals", i}, {"spiffe_id"}},
           absl::StrCat(label, ": spiffe_id must end /partner/", want_partner,
                        "/user/", want_user,
                        " (its partner_id and id in lower case)"));
    }
    if (!spiffe_ids.insert(principal.spiffe_id()).second) {
      p.At({{"principals", i}, {"spiffe_id"}},
           absl::StrCat(label,
                        ": spiffe_id is already used by another principal"));
    }
  }
}

// A marking the hub may hold: OFFICIAL, optionally SENSITIVE (SPEC P05).
bool IsAcceptedMarking(const pb::SecurityMarking& marking) {
  return marking.tier() == pb::SecurityMarking::TIER_UNSPECIFIED ||
         marking.tier() == pb::SecurityMarking::OFFICIAL;
}

void ValidateAudiences(const pb::PolicyFile& file, Problems& p) {
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < file.briefing_audiences_size(); ++i) {
    const pb::BriefingAudience& audience = file.briefing_audiences(i);
    if (audience.audience() == pb::AUDIENCE_UNSPECIFIED ||
        !pb::Audience_IsValid(audience.audience())) {
      p.At({{"briefing_audiences", i}, {"audience"}},
           "briefing audience has no known audience; set audience (e.g. "
           "SCHOOLS, ELECTED_MEMBERS)");
    } else if (!seen.insert(audience.audience()).second) {
      p.At({{"briefing_audiences", i}, {"audience"}},
           absl::StrCat("briefing audience ",
                        pb::Audience_Name(audience.audience()),
                        " is defined twice"));
    }
    if (!IsAcceptedMarking(audience.max_marking())) {
      p.At({{"briefing_audiences", i}, {"max_marking"}},
           "the hub holds OFFICIAL material only; set max_marking to "
           "OFFICIAL (with sensitive: true for OFFICIAL-SENSITIVE)");
    }
  }
}

// Roles with no unknown or unspecified values; reports the first bad one.
void CheckRoles(const google::protobuf::RepeatedField<int>& roles,
                std::initializer_list<Step> at_list, const char* field,
                const std::string& label, Problems& p) {
  for (int r = 0; r < roles.size(); ++r) {
    if (roles.Get(r) == pb::ROLE_UNSPECIFIED ||
        !pb::Role_IsValid(roles.Get(r))) {
      p.At(at_list,
           absl::StrCat(label, ": ", field, " has an unknown role (",
                        roles.Get(r), "); name a role from SPEC §1.1"));
      return;
    }
  }
}

void ValidateStandingRules(const pb::PolicyFile& file, Problems& p) {
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < file.standing_rules_size(); ++i) {
    const pb::StandingRule& rule = file.standing_rules(i);
    const std::string label = absl::StrCat("standing rule '", rule.id(), "'");
    if (rule.id().empty()) {
      p.At({{"standing_rules", i}, {"id"}},
           "standing rule has no id; give it a unique id such as \"S01\"");
    } else if (!ids.insert(rule.id()).second) {
      p.At({{"standing_rules", i}, {"id"}},
           absl::StrCat(label, " is defined twice; rule ids must be unique"));
    }
    if (rule.record() != pb::IDENTITY && rule.record() != pb::ACCESS &&
        rule.record() != pb::SERVICE && rule.record() != pb::AUDIT_PROOF) {
      p.At({{"standing_rules", i}, {"record"}},
           absl::StrCat(label,
                        ": a standing rule may only grant IDENTITY, ACCESS, "
                        "SERVICE or AUDIT_PROOF (hashes, no personal data); "
                        "partner data needs a flow rule in an agreement"));
      continue;
    }
    if (rule.actions().empty()) {
      p.At({{"standing_rules", i}, {"actions"}},
           absl::StrCat(label, " has no actions; set actions: READ"));
    }
    for (int a = 0; a < rule.actions_size(); ++a) {
      if (rule.actions(a) != pb::READ) {
        p.At({{"standing_rules", i}, {"actions", a}},
             absl::StrCat(label, ": a standing rule grants READ only"));
      }
    }
    if (rule.roles().empty()) {
      p.At({{"standing_rules", i}, {"roles"}},
           absl::StrCat(label, " grants no roles; list the roles it is for"));
    }
    CheckRoles(rule.roles(), {{"standing_rules", i}, {"roles"}}, "roles", label,
               p);
    for (int f = 0; f < rule.allowed_fields_size(); ++f) {
      absl::StatusOr<Projection> fields = CompileRuleFields(
          rule.record(), {rule.allowed_fields(f)}, 0, false, nullptr);
      if (!fields.ok()) {
        p.At({{"standing_rules", i}, {"allowed_fields", f}},
             absl::StrCat(label, ": ", fields.status().message()));
      }
    }
    if (rule.allowed_fields().empty()) {
      p.At({{"standing_rules", i}, {"allowed_fields"}},
           absl::StrCat(label, " allows no fields; list them (\"*\" for all)"));
    }
  }
}

// The dates of agreement `i`; problems reported, unparsable dates skipped.
struct Dates {
  absl::Time effective_from = absl::InfinitePast();
  absl::Time review_due = absl::InfiniteFuture();
  absl::Time expires_on = absl::InfiniteFuture();
};

Dates CheckDates(const pb::Agreement& agreement, int i,
                 const std::string& label, absl::Time now, Problems& p) {
  Dates dates;
  struct DateField {
    const char* name;
    const std::string& value;
    absl::Time* out;
    bool required;
  };
  for (const DateField& d :
       {DateField{"effective_from", agreement.effective_from(),
                  &dates.effective_from, true},
        DateField{"review_due", agreement.review_due(), &dates.review_due,
                  true},
        DateField{"expires_on", agreement.expires_on(), &dates.expires_on,
                  false}}) {
    if (d.value.empty()) {
      if (d.required) {
        p.At({{"agreements", i}, {d.name}},
             absl::StrCat(label, " has no ", d.name, "; set it (YYYY-MM-DD)"));
      }
      continue;
    }
    absl::StatusOr<absl::Time> t = common::ParseUtcDate(d.value);
    if (!t.ok()) {
      p.At({{"agreements", i}, {d.name}},
           absl::StrCat(label, ": ", d.name, " ", t.status().message()));
      continue;
    }
    *d.out = *t;
  }
  if (dates.review_due < dates.effective_from) {
    p.At({{"agreements", i}, {"review_due"}},
         absl::StrCat(label, ": review_due is before effective_from"));
  }
  if (dates.expires_on < dates.effective_from) {
    p.At({{"agreements", i}, {"expires_on"}},
         absl::StrCat(label, ": expires_on is before effective_from"));
  }
  // The agreement covers the whole of its expiry day.
  if (agreement.status() == pb::Agreement::ACTIVE &&
      dates.expires_on != absl::InfiniteFuture() &&
      now >= dates.expires_on + absl::Hours(24)) {
    p.At({{"agreements", i}, {"status"}},
         absl::StrCat(label, " expired on ", agreement.expires_on(),
                      " but is still marked ACTIVE; set status: EXPIRED, or "
                      "record the renewal with a new expires_on"));
  }
  return dates;
}

void ValidateFlow(const pb::PolicyFile& file, const pb::Agreement& agreement,
                  int i, int j, const absl::flat_hash_set<std::string>& parties,
                  const absl::flat_hash_set<int>& audiences, Problems& p) {
  const pb::FlowRule& rule = agreement.flows(j);
  const std::string label = absl::StrCat(
      "rule '", rule.id(), "' of agreement '", agreement.id(), "'");
  auto at = [&](const char* field, int index, absl::string_view what) {
    p.At({{"agreements", i}, {"flows", j}, {field, index}},
         absl::StrCat(label, ": ", what));
  };

  if (rule.record() == pb::RECORD_CLASS_UNSPECIFIED ||
      RecordDescriptor(rule.record()) == nullptr) {
    at("record", -1, "has no known record; set record (e.g. CASE, BRIEFING)");
    return;
  }
  if (rule.record() == pb::SERVICE) {
    at("record", -1,
       "SERVICE needs no agreement; grant it with a standing rule");
  }
  bool sends_only = !rule.actions().empty();
  if (rule.actions().empty()) {
    at("actions", -1, "has no actions; list them (SEND, READ, LIST, ...)");
  }
  for (int a = 0; a < rule.actions_size(); ++a) {
    if (rule.actions(a) == pb::ACTION_UNSPECIFIED ||
        !pb::Action_IsValid(rule.actions(a))) {
      at("actions", a, "has an unknown action");
    }
    if (rule.actions(a) != pb::SEND) sends_only = false;
  }
  if (int a = FirstDuplicate(rule.actions()); a >= 0) {
    at("actions", a, "lists an action twice");
  }

  switch (rule.source_case()) {
    case pb::FlowRule::kSourcePartnerType:
      if (rule.source_partner_type() == pb::Partner::TYPE_UNSPECIFIED ||
          !pb::Partner::Type_IsValid(rule.source_partner_type())) {
        at("source_partner_type", -1, "has no known source_partner_type");
      }
      break;
    case pb::FlowRule::kSourcePartnerId:
      if (!parties.contains(rule.source_partner_id())) {
        at("source_partner_id", -1,
           absl::StrCat("source_partner_id '", rule.source_partner_id(),
                        "' is not a party to the agreement; add it to "
                        "parties or fix the id"));
      }
      break;
    case pb::FlowRule::kAnySource:
      if (!rule.any_source()) {
        at("any_source", -1,
           "any_source: false names no source; set a source_partner_type "
           "or source_partner_id instead");
      }
      break;
    case pb::FlowRule::SOURCE_NOT_SET:
      at("id", -1,
         "has no source; set source_partner_type, source_partner_id or "
         "any_source: true");
      break;
  }
  CheckRoles(rule.source_roles(),
             {{"agreements", i}, {"flows", j}, {"source_roles"}},
             "source_roles", label, p);
  CheckRoles(rule.recipient_roles(),
             {{"agreements", i}, {"flows", j}, {"recipient_roles"}},
             "recipient_roles", label, p);
  if (!sends_only && rule.recipient_roles().empty()) {
    at("recipient_roles", -1,
       "has no recipient_roles; list the roles that receive the data");
  }
  if (!sends_only && (rule.scope() == pb::SCOPE_UNSPECIFIED ||
                      !pb::Scope_IsValid(rule.scope()))) {
    at("scope", -1,
       "has no scope; set scope (SELF, OWN_RECORD, OWN_PARTNER, ADDRESSED, "
       "AREA or PARTNERSHIP)");
  }

  if (rule.purpose() == pb::PURPOSE_UNSPECIFIED ||
      !pb::Purpose_IsValid(rule.purpose())) {
    at("purpose", -1, "has no known purpose; set purpose from SPEC §3.4");
  } else if (std::find(agreement.purposes().begin(), agreement.purposes().end(),
                       rule.purpose()) == agreement.purposes().end()) {
    at("purpose", -1,
       absl::StrCat("purpose ", pb::Purpose_Name(rule.purpose()),
                    " is not one of the agreement's purposes; add it to the "
                    "agreement's purposes or change the rule"));
  }

  for (int s = 0; s < rule.workflow_states_size(); ++s) {
    if (rule.record() != pb::CASE && rule.record() != pb::INFORMATION) {
      at("workflow_states", s,
         "workflow_states apply to CASE and INFORMATION records only (the "
         "referral's state); remove them");
      break;
    }
    if (rule.workflow_states(s) == pb::REFERRAL_STATE_UNSPECIFIED ||
        !pb::ReferralState_IsValid(rule.workflow_states(s))) {
      at("workflow_states", s, "has an unknown workflow state");
    }
  }

  uint32_t special = 0;
  for (int s = 0; s < rule.special_category_allowed_size(); ++s) {
    const int category = rule.special_category_allowed(s);
    if (category == pb::SPECIAL_CATEGORY_UNSPECIFIED ||
        !pb::SpecialCategory_IsValid(category)) {
      at("special_category_allowed", s, "has an unknown special category");
      continue;
    }
    special |= 1u << category;
  }
  for (int r = 0; r < rule.requires_size(); ++r) {
    if (rule.requires(r) == pb::REQUIREMENT_UNSPECIFIED ||
        !pb::Requirement_IsValid(rule.requires(r))) {
      at("requires", r, "has an unknown requirement");
    }
  }

  bool police_recipients = !rule.recipient_roles().empty();
  for (int role : rule.recipient_roles()) {
    police_recipients &= IsCtPoliceRole(static_cast<pb::Role>(role));
  }
  if (rule.allowed_fields().empty()) {
    at("allowed_fields", -1,
       "allows no fields; list the field paths it releases (see "
       "docs/policy-language.md)");
  }
  for (int f = 0; f < rule.allowed_fields_size(); ++f) {
    absl::StatusOr<Projection> fields =
        CompileRuleFields(rule.record(), {rule.allowed_fields(f)}, special,
                          police_recipients, nullptr);
    if (!fields.ok()) at("allowed_fields", f, fields.status().message());
  }

  if (!IsAcceptedMarking(rule.max_marking())) {
    at("max_marking", -1,
       "the hub holds OFFICIAL material only (SPEC P05); set tier: OFFICIAL");
  } else if (rule.has_max_marking() && agreement.has_classification_ceiling() &&
             rule.max_marking().sensitive() &&
             !agreement.classification_ceiling().sensitive()) {
    at("max_marking", -1,
       "max_marking is above the agreement's classification_ceiling");
  }
  if (rule.expires_after_hours() < 0) {
    at("expires_after_hours", -1,
       "expires_after_hours is negative; use 0 for no expiry");
  }

  if (rule.record() == pb::BRIEFING) {
    if (rule.audience() == pb::AUDIENCE_UNSPECIFIED) {
      at("audience", -1,
         "a BRIEFING rule must name the audience whose rendition it "
         "releases");
    } else if (!audiences.contains(rule.audience())) {
      at("audience", -1,
         absl::StrCat("audience ", pb::Audience_Name(rule.audience()),
                      " is not defined; add it to briefing_audiences"));
    } else {
      for (const pb::BriefingAudience& a : file.briefing_audiences()) {
        if (a.audience() == rule.audience() && rule.offline_allowed() &&
            !a.offline_allowed()) {
          at("offline_allowed", -1,
             absl::StrCat("the ", pb::Audience_Name(rule.audience()),
                          " audience is online only; remove "
                          "offline_allowed"));
        }
      }
    }
  } else if (rule.audience() != pb::AUDIENCE_UNSPECIFIED) {
    at("audience", -1, "audience applies to BRIEFING rules only; remove it");
  }

  if (rule.record() == pb::AUDIT_LOG) {
    if (rule.allowed_fields_size() != 1 || rule.allowed_fields(0) != "*") {
      at("allowed_fields", -1,
         "an AUDIT_LOG rule releases whole events (allowed_fields: \"*\"): "
         "auditors verify each event's bytes against the signed log");
    }
    if (rule.audit_queries().empty()) {
      at("audit_queries", -1,
         "an AUDIT_LOG rule must name the audit queries it grants (e.g. "
         "audit_queries: [AQ2_PARTNER_FLOWS])");
    }
    for (int q = 0; q < rule.audit_queries_size(); ++q) {
      const int query = rule.audit_queries(q);
      if (query == pb::AUDIT_QUERY_UNSPECIFIED ||
          !pb::AuditQuery_IsValid(query)) {
        at("audit_queries", q,
           "is not an audit query; use AQ1_SUBJECT_RECIPIENTS, "
           "AQ2_PARTNER_FLOWS or AQ3_DENIALS");
      }
    }
  } else if (!rule.audit_queries().empty()) {
    at("audit_queries", -1,
       "audit_queries applies to AUDIT_LOG rules only; remove it");
  }

  const bool case_query =
      rule.record() == pb::CASE &&
      absl::c_linear_search(rule.actions(), static_cast<int>(pb::QUERY));
  if (case_query && rule.daily_query_limit() <= 0) {
    at("daily_query_limit", -1,
       "a CASE rule granting QUERY (deconfliction) must cap each "
       "principal's queries per day, e.g. daily_query_limit: 40");
  } else if (!case_query && rule.daily_query_limit() != 0) {
    at("daily_query_limit", -1,
       "daily_query_limit applies to CASE rules granting QUERY only; remove "
       "it");
  }
  if (rule.bulk_query_flag() < 0 ||
      (case_query && rule.bulk_query_flag() > rule.daily_query_limit())) {
    at("bulk_query_flag", -1,
       "bulk_query_flag must be between 0 (never flag) and "
       "daily_query_limit");
  } else if (!case_query && rule.bulk_query_flag() != 0) {
    at("bulk_query_flag", -1,
       "bulk_query_flag applies to CASE rules granting QUERY only; remove it");
  }
}

void ValidateRetention(const pb::Agreement& agreement, int i,
                       const std::string& label, Problems& p) {
  for (int r = 0; r < agreement.retention_rules_size(); ++r) {
    const pb::RetentionRule& rule = agreement.retention_rules(r);
    auto at = [&](const char* field, absl::string_view what) {
      p.At({{"agreements", i}, {"retention_rules", r}, {field}},
           absl::StrCat(label, ": retention rule ", r + 1, " ", what));
    };
    if (rule.record_type().empty()) {
      at("record_type", "has no record_type (e.g. \"REFERRAL\")");
    }
    if (rule.trigger() == pb::RetentionRule::TRIGGER_UNSPECIFIED ||
        !pb::RetentionRule::Trigger_IsValid(rule.trigger())) {
      at("trigger", "has no known trigger (e.g. CASE_CLOSED)");
    }
    if (rule.action() == pb::RetentionRule::RETENTION_ACTION_UNSPECIFIED ||
        !pb::RetentionRule::RetentionAction_IsValid(rule.action())) {
      at("action", "has no known action (REVIEW, ERASE or ANONYMISE)");
    }
    // ISO 8601 durations in whole days, months or years: P14D, P6M, P6Y.
    const std::string& period = rule.period();
    bool ok = period.size() >= 3 && period[0] == 'P' &&
              (period.back() == 'D' || period.back() == 'M' ||
               period.back() == 'Y') &&
              period.size() <= 6;
    for (size_t k = 1; ok && k + 1 < period.size(); ++k) {
      ok = absl::ascii_isdigit(static_cast<unsigned char>(period[k]));
    }
    if (!ok) {
      at("period",
         absl::StrCat("has period '", period,
                      "'; write an ISO 8601 duration in days, months or "
                      "years, e.g. \"P14D\", \"P6Y\""));
    }
  }
}

void ValidateAgreements(const pb::PolicyFile& file, absl::Time now,
                        Problems& p) {
  absl::flat_hash_set<std::string> partners;
  for (const pb::Partner& partner : file.partners()) {
    partners.insert(partner.id());
  }
  absl::flat_hash_set<int> audiences;
  for (const pb::BriefingAudience& a : file.briefing_audiences()) {
    audiences.insert(a.audience());
  }
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < file.agreements_size(); ++i) {
    const pb::Agreement& agreement = file.agreements(i);
    const std::string label = absl::StrCat("agreement '", agreement.id(), "'");
    if (agreement.id().empty()) {
      p.At({{"agreements", i}, {"id"}},
           "agreement has no id; give it a unique id such as "
           "\"A-ISA-WXC-2025\"");
    } else if (!ids.insert(agreement.id()).second) {
      p.At({{"agreements", i}, {"id"}},
           absl::StrCat(label,
                        " is defined twice; agreement ids must be unique"));
    }
    if (agreement.reference().empty()) {
      p.At({{"agreements", i}, {"reference"}},
           absl::StrCat(label,
                        " has no reference; set the signed document's "
                        "reference, e.g. \"ISA-LBW-PREVENT-2025\""));
    }
    if (agreement.status() == pb::Agreement::STATUS_UNSPECIFIED ||
        !pb::Agreement::Status_IsValid(agreement.status())) {
      p.At({{"agreements", i}, {"status"}},
           absl::StrCat(label,
                        " has no status; set status: DRAFT, ACTIVE, "
                        "SUSPENDED, EXPIRED or TERMINATED"));
    }

    absl::flat_hash_set<std::string> parties;
    if (agreement.parties().empty()) {
      p.At({{"agreements", i}, {"parties"}},
           absl::StrCat(label, " has no parties"));
    }
    for (int k = 0; k < agreement.parties_size(); ++k) {
      const pb::Party& party = agreement.parties(k);
      if (!partners.contains(party.partner_id())) {
        p.At({{"agreements", i}, {"parties", k}, {"partner_id"}},
             absl::StrCat(label, " names party '", party.partner_id(),
                          "', which is not a partner; add it to partners or "
                          "fix partner_id"));
      } else if (!parties.insert(party.partner_id()).second) {
        p.At({{"agreements", i}, {"parties", k}, {"partner_id"}},
             absl::StrCat(label, " lists party '", party.partner_id(),
                          "' twice"));
      }
      if (party.controller_role() == pb::Party::CONTROLLER_ROLE_UNSPECIFIED ||
          !pb::Party::ControllerRole_IsValid(party.controller_role())) {
        p.At({{"agreements", i}, {"parties", k}, {"controller_role"}},
             absl::StrCat(label, ": party '", party.partner_id(),
                          "' has no controller_role; set CONTROLLER, "
                          "JOINT_CONTROLLER or PROCESSOR"));
      }
      if (!party.signed_on().empty() &&
          !common::ParseUtcDate(party.signed_on()).ok()) {
        p.At({{"agreements", i}, {"parties", k}, {"signed_on"}},
             absl::StrCat(label, ": signed_on '", party.signed_on(),
                          "' is not a date; write it as YYYY-MM-DD"));
      }
    }

    if (agreement.purposes().empty()) {
      p.At({{"agreements", i}, {"purposes"}},
           absl::StrCat(label, " has no purposes; list them (SPEC §3.4)"));
    }
    for (int k = 0; k < agreement.purposes_size(); ++k) {
      if (agreement.purposes(k) == pb::PURPOSE_UNSPECIFIED ||
          !pb::Purpose_IsValid(agreement.purposes(k))) {
        p.At({{"agreements", i}, {"purposes", k}},
             absl::StrCat(label, " has an unknown purpose"));
      }
    }
    if (int k = FirstDuplicate(agreement.purposes()); k >= 0) {
      p.At({{"agreements", i}, {"purposes", k}},
           absl::StrCat(label, " lists a purpose twice"));
    }

    absl::flat_hash_set<std::string> bases;
    for (int k = 0; k < agreement.legal_bases_size(); ++k) {
      const pb::LegalBasis& basis = agreement.legal_bases(k);
      if (!parties.contains(basis.partner_id())) {
        p.At({{"agreements", i}, {"legal_bases", k}, {"partner_id"}},
             absl::StrCat(label, ": legal basis for '", basis.partner_id(),
                          "', which is not a party; add it to parties or fix "
                          "partner_id"));
      } else if (!bases.insert(basis.partner_id()).second) {
        p.At({{"agreements", i}, {"legal_bases", k}, {"partner_id"}},
             absl::StrCat(label, ": two legal bases for '", basis.partner_id(),
                          "'"));
      }
      if (basis.regime() == pb::LegalBasis::REGIME_UNSPECIFIED ||
          !pb::LegalBasis::Regime_IsValid(basis.regime())) {
        p.At({{"agreements", i}, {"legal_bases", k}, {"regime"}},
             absl::StrCat(label, ": legal basis for '", basis.partner_id(),
                          "' has no regime; set UK_GDPR or DPA_PART3"));
      }
    }

    if (!IsAcceptedMarking(agreement.classification_ceiling())) {
      p.At({{"agreements", i}, {"classification_ceiling"}},
           absl::StrCat(label,
                        ": the hub holds OFFICIAL material only (SPEC P05); "
                        "set the ceiling's tier to OFFICIAL"));
    }
    CheckDates(agreement, i, label, now, p);

    absl::flat_hash_set<std::string> rule_ids;
    for (int j = 0; j < agreement.flows_size(); ++j) {
      const std::string& id = agreement.flows(j).id();
      if (id.empty()) {
        p.At({{"agreements", i}, {"flows", j}},
             absl::StrCat(label, ": flow rule ", j + 1,
                          " has no id; give it one such as \"F01\""));
      } else if (!rule_ids.insert(id).second) {
        p.At({{"agreements", i}, {"flows", j}, {"id"}},
             absl::StrCat(label, ": rule id '", id,
                          "' is used twice; rule ids must be unique within "
                          "an agreement"));
      }
      ValidateFlow(file, agreement, i, j, parties, audiences, p);
    }
    ValidateRetention(agreement, i, label, p);
  }
}

}  // namespace

absl::Status ValidatePolicyFile(const pb::PolicyFile& file,
                                const TextFormat::ParseInfoTree& tree,
                                absl::string_view filename, absl::Time now) {
  Problems problems(file, filename, tree);
  ValidateTrustDomain(file, problems);
  ValidatePartners(file, problems);
  ValidatePrincipals(file, problems);
  ValidateAudiences(file, problems);
  ValidateStandingRules(file, problems);
  ValidateAgreements(file, now, problems);
  return problems.ToStatus();
}

}  // namespace hub::policy
