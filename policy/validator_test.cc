// Tests of the policy file's semantic validation (policy/validator.cc): one
// table row per kind of problem, each asserting the "file:line:column:" it is
// reported at. Rows edit a small valid base policy, kBase below.
#include "policy/validator.h"

#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "policy/policy.h"

namespace hub::policy {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

const absl::Time kNow =
    absl::FromCivil(absl::CivilDay(2026, 11, 21), absl::UTCTimeZone());

constexpr char kFile[] = "p.textproto";

// A small valid policy. Rows below refer to its lines by number (1-based), so
// keep one field per line where a row points at it. Line numbers are noted
// every ten lines.
constexpr char kBase[] = R"policy(trust_domain: "td.example"
partners { id: "P-LA" type: LOCAL_AUTHORITY areas: "WXC" status: ACTIVE }
partners { id: "P-POL" type: CT_POLICE areas: "WXC" status: ACTIVE }
partners { id: "P-NHS" type: NHS_TRUST areas: "WXC" status: ACTIVE }
principals {
  id: "U-A"
  partner_id: "P-LA"
  roles: LA_PREVENT_COORDINATOR
  status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-la/user/u-a"
}
principals {
  id: "U-B"
  partner_id: "P-POL"
  roles: CT_GATEWAY_OFFICER
  status: ACTIVE
  spiffe_id: "spiffe://td.example/partner/p-pol/user/u-b"
}
briefing_audiences {
  audience: SCHOOLS
  max_marking { tier: OFFICIAL }
  offline_allowed: true
}
briefing_audiences {
  audience: ELECTED_MEMBERS
  max_marking { tier: OFFICIAL }
  offline_allowed: false
}
standing_rules {
  id: "S01"
  record: IDENTITY
  actions: READ
  roles: LA_PREVENT_COORDINATOR
  allowed_fields: "*"
}
standing_rules {
  id: "S02"
  record: SERVICE
  actions: READ
  roles: CT_GATEWAY_OFFICER
  allowed_fields: "status"
}
agreements {
  id: "A-1"
  reference: "ISA-1"
  status: ACTIVE
  effective_from: "2025-10-01"
  review_due: "2027-09-30"
  expires_on: "2028-09-30"
  classification_ceiling { tier: OFFICIAL sensitive: true }
  parties { partner_id: "P-LA" controller_role: CONTROLLER signed_on: "2025-09-15" }
  parties { partner_id: "P-POL" controller_role: CONTROLLER }
  purposes: PREVENT_SCREENING
  purposes: CTLP_BRIEFING
  legal_bases { partner_id: "P-LA" regime: UK_GDPR }
  legal_bases { partner_id: "P-POL" regime: DPA_PART3 }
  flows {
    id: "F01"
    record: CASE
    actions: READ
    any_source: true
    recipient_roles: LA_PREVENT_COORDINATOR
    scope: AREA
    purpose: PREVENT_SCREENING
    workflow_states: SCREENING
    allowed_fields: "subject.identity"
  }
  flows {
    id: "F02"
    record: CASE
    actions: READ
    source_partner_id: "P-LA"
    recipient_roles: CT_GATEWAY_OFFICER
    scope: AREA
    purpose: PREVENT_SCREENING
    allowed_fields: "gateway"
  }
  flows {
    id: "F03"
    record: BRIEFING
    actions: READ
    source_partner_type: CT_POLICE
    recipient_roles: LA_PREVENT_COORDINATOR
    scope: AREA
    purpose: CTLP_BRIEFING
    audience: SCHOOLS
    allowed_fields: "*"
  }
  retention_rules {
    record_type: "REFERRAL"
    trigger: CASE_CLOSED
    period: "P6Y"
    action: REVIEW
  }
}
)policy";

// Replaces `from` in line `line` (1-based, of kBase) by `to`; an empty `from`
// appends `to` to the line. `to` may hold newlines (added lines).
struct Edit {
  int line;
  const char* from;
  const char* to;
};

std::string Edited(const std::vector<Edit>& edits) {
  std::vector<std::string> lines = absl::StrSplit(kBase, '\n');
  for (const Edit& edit : edits) {
    EXPECT_GE(edit.line, 1);
    EXPECT_LE(edit.line, static_cast<int>(lines.size()));
    std::string& line = lines[edit.line - 1];
    if (*edit.from == '\0') {
      line += edit.to;
      continue;
    }
    const size_t at = line.find(edit.from);
    EXPECT_NE(at, std::string::npos) << "line " << edit.line << " '" << line
                                     << "' has no '" << edit.from << "'";
    if (at == std::string::npos) continue;
    line.replace(at, std::strlen(edit.from), edit.to);
  }
  return absl::StrJoin(lines, "\n");
}

absl::StatusOr<std::unique_ptr<const Policy>> Parse(absl::string_view text) {
  return Policy::Parse(text, kFile, kNow);
}

// The problems reported for `text`, one per element; empty if it is valid.
std::vector<std::string> Problems(absl::string_view text) {
  auto policy = Parse(text);
  if (policy.ok()) return {};
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  return absl::StrSplit(policy.status().message(), '\n');
}

TEST(ValidatorTest, TheBaseIsValid) {
  auto policy = Parse(kBase);
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ((*policy)->file().agreements(0).flows_size(), 3);
  EXPECT_NE((*policy)->FindAgreement("A-1"), nullptr);
  // And so are no edits at all.
  EXPECT_THAT(Parse(Edited({})), IsOk());
}

// One kind of problem: the edits that cause it, where it is reported
// ("line:column") and what the message says.
struct ErrorRow {
  const char* name;
  std::vector<Edit> edits;
  const char* where;
  const char* what;
  // How many problems the edits cause in all (some cause follow-on ones).
  size_t count = 1;
};

void PrintTo(const ErrorRow& row, std::ostream* os) { *os << row.name; }

std::vector<ErrorRow> ErrorRows() {
  return {
      // --- trust domain ---
      {"TrustDomainMissing",
       {{1, "trust_domain: \"td.example\"", ""}},
       "1:1",
       "trust_domain is missing",
       3},  // and each spiffe_id is then outside the trust domain
      {"TrustDomainInvalid",
       {{1, "td.example", "TD.Example"}},
       "1:1",
       "trust_domain 'TD.Example' is not a valid SPIFFE trust domain",
       3},

      // --- partners ---
      {"PartnerWithoutId",
       {{4, "id: \"P-NHS\" ", ""}},
       "4:1",
       "partner has no id"},
      {"DuplicatePartnerId",
       {{4, "P-NHS", "P-LA"}},
       "4:12",
       "partner 'P-LA' is defined twice; partner ids must be unique"},
      {"UnknownPartnerType",
       {{4, "NHS_TRUST", "99"}},
       "4:24",
       "partner 'P-NHS' has no known type"},
      {"UnspecifiedPartnerType",
       {{4, "NHS_TRUST", "TYPE_UNSPECIFIED"}},
       "4:24",
       "partner 'P-NHS' has no known type"},
      {"UnknownPartnerStatus",
       {{4, "status: ACTIVE", "status: 99"}},
       "4:53",
       "partner 'P-NHS' has no status"},

      // --- principals ---
      {"PrincipalWithoutId",
       {{13, "id: \"U-B\"", ""}},
       "12:1",
       "principal has no id",
       2},  // and its spiffe_id no longer names it
      {"DuplicatePrincipalId",
       {{18, "}",
         "}\nprincipals { id: \"U-A\" partner_id: \"P-LA\" roles: PANEL_CHAIR "
         "status: ACTIVE spiffe_id: "
         "\"spiffe://td.example/partner/p-la/user/u-a\" }"}},
       "19:14",
       "principal 'U-A' is defined twice; principal ids must be unique",
       2},
      {"DuplicateSpiffeId",
       {{18, "}",
         "}\nprincipals { id: \"U-A\" partner_id: \"P-LA\" roles: PANEL_CHAIR "
         "status: ACTIVE spiffe_id: "
         "\"spiffe://td.example/partner/p-la/user/u-a\" }"}},
       "19:77",
       "principal 'U-A': spiffe_id is already used by another principal",
       2},
      {"UnknownPartnerOfPrincipal",
       {{14, "P-POL", "P-NONE"}},
       "14:3",
       "principal 'U-B' names partner 'P-NONE', which is not defined",
       2},  // and its spiffe_id names p-pol, not p-none
      {"PrincipalWithoutRoles",
       {{15, "roles: CT_GATEWAY_OFFICER", ""}},
       "12:1",
       "principal 'U-B' has no roles"},
      {"UnknownRole",
       {{15, "CT_GATEWAY_OFFICER", "99"}},
       "15:3",
       "principal 'U-B' has an unknown role (99)"},
      {"UnspecifiedRole",
       {{15, "CT_GATEWAY_OFFICER", "ROLE_UNSPECIFIED"}},
       "15:3",
       "principal 'U-B' has an unknown role (0)"},
      {"UnknownRoleSecondInList",
       {{15, "", " roles: 77"}},
       "15:29",
       "principal 'U-B' has an unknown role (77)"},
      {"PrincipalWithoutStatus",
       {{16, "status: ACTIVE", ""}},
       "12:1",
       "principal 'U-B' has no status"},
      {"UnknownPrincipalStatus",
       {{16, "ACTIVE", "42"}},
       "16:3",
       "principal 'U-B' has no status"},
      {"MalformedSpiffeId",
       {{17, "spiffe://td.example/partner/p-pol/user/u-b", "not-a-uri"}},
       "17:3",
       "principal 'U-B': spiffe_id 'not-a-uri' is not a SPIFFE ID"},
      {"SpiffeIdInAnotherTrustDomain",
       {{17, "td.example", "other.example"}},
       "17:3",
       "spiffe_id is in trust domain 'other.example' but this partnership's "
       "trust_domain is 'td.example'"},
      {"SpiffeIdNamingAnotherUser",
       {{17, "user/u-b", "user/u-a"}},
       "17:3",
       "principal 'U-B': spiffe_id must end /partner/p-pol/user/u-b"},

      // --- briefing audiences ---
      {"UnknownAudience",
       {{25, "ELECTED_MEMBERS", "99"}},
       "25:3",
       "briefing audience has no known audience"},
      {"DuplicateAudience",
       {{25, "ELECTED_MEMBERS", "SCHOOLS"}},
       "25:3",
       "briefing audience SCHOOLS is defined twice"},
      {"AudienceMarkingAboveOfficial",
       {{26, "OFFICIAL", "SECRET"}},
       "26:3",
       "the hub holds OFFICIAL material only; set max_marking to OFFICIAL"},

      // --- standing rules ---
      {"StandingRuleWithoutId",
       {{37, "id: \"S02\"", ""}},
       "36:1",
       "standing rule has no id"},
      {"DuplicateStandingRuleId",
       {{37, "S02", "S01"}},
       "37:3",
       "standing rule 'S01' is defined twice; rule ids must be unique"},
      {"StandingRuleGrantingCase",
       {{38, "SERVICE", "CASE"}},
       "38:3",
       "standing rule 'S02': a standing rule may only grant IDENTITY, ACCESS, "
       "SERVICE or AUDIT_PROOF"},
      {"StandingRuleGrantingBriefing",
       {{38, "SERVICE", "BRIEFING"}},
       "38:3",
       "a standing rule may only grant IDENTITY, ACCESS, SERVICE or "
       "AUDIT_PROOF"},
      {"StandingRuleWithoutActions",
       {{39, "actions: READ", ""}},
       "36:1",
       "standing rule 'S02' has no actions"},
      {"StandingRuleGrantingSend",
       {{39, "READ", "SEND"}},
       "39:3",
       "standing rule 'S02': a standing rule grants READ only"},
      {"StandingRuleWithoutRoles",
       {{40, "roles: CT_GATEWAY_OFFICER", ""}},
       "36:1",
       "standing rule 'S02' grants no roles"},
      {"StandingRuleUnknownRole",
       {{40, "CT_GATEWAY_OFFICER", "99"}},
       "40:3",
       "standing rule 'S02': roles has an unknown role (99)"},
      {"StandingRuleBadFieldPath",
       {{41, "status", "nope"}},
       "41:3",
       "standing rule 'S02': field path 'nope': "
       "prevent.records.v1.ServiceInfo has no field 'nope'"},
      {"StandingRuleWithoutFields",
       {{41, "allowed_fields: \"status\"", ""}},
       "36:1",
       "standing rule 'S02' allows no fields"},

      // --- agreements ---
      {"AgreementWithoutId",
       {{44, "id: \"A-1\"", ""}},
       "43:1",
       "agreement has no id"},
      {"DuplicateAgreementId",
       {{95, "}",
         "}\nagreements { id: \"A-1\" reference: \"R\" status: DRAFT "
         "effective_from: \"2025-10-01\" review_due: \"2027-09-30\" "
         "parties { partner_id: \"P-LA\" controller_role: CONTROLLER } "
         "purposes: PREVENT_SCREENING }"}},
       "96:14",
       "agreement 'A-1' is defined twice; agreement ids must be unique"},
      {"AgreementWithoutReference",
       {{45, "reference: \"ISA-1\"", ""}},
       "43:1",
       "agreement 'A-1' has no reference"},
      {"UnknownAgreementStatus",
       {{46, "ACTIVE", "99"}},
       "46:3",
       "agreement 'A-1' has no status"},
      {"AgreementWithoutParties",
       {{51, "parties {", "# parties {"}, {52, "parties {", "# parties {"}},
       "43:1",
       "agreement 'A-1' has no parties",
       4},  // and both legal bases and F02's source name non-parties
      {"PartyThatIsNotAPartner",
       {{52, "",
         "\n  parties { partner_id: \"P-NONE\" controller_role: CONTROLLER }"}},
       "53:13",
       "agreement 'A-1' names party 'P-NONE', which is not a partner"},
      {"DuplicateParty",
       {{52, "",
         "\n  parties { partner_id: \"P-LA\" controller_role: JOINT_CONTROLLER "
         "}"}},
       "53:13",
       "agreement 'A-1' lists party 'P-LA' twice"},
      {"PartyWithoutControllerRole",
       {{52, "CONTROLLER", "99"}},
       "52:33",
       "agreement 'A-1': party 'P-POL' has no controller_role"},
      {"PartySignedOnBadDate",
       {{51, "2025-09-15", "2025-02-30"}},
       "51:60",
       "agreement 'A-1': signed_on '2025-02-30' is not a date"},
      {"AgreementWithoutPurposes",
       {{53, "purposes: PREVENT_SCREENING", ""},
        {54, "purposes: CTLP_BRIEFING", ""}},
       "43:1",
       "agreement 'A-1' has no purposes",
       4},  // and no rule's purpose is then among them
      {"UnknownAgreementPurpose",
       {{54, "", "\n  purposes: 99"}},
       "55:3",
       "agreement 'A-1' has an unknown purpose"},
      {"UnspecifiedAgreementPurpose",
       {{54, "", "\n  purposes: PURPOSE_UNSPECIFIED"}},
       "55:3",
       "agreement 'A-1' has an unknown purpose"},
      {"DuplicateAgreementPurpose",
       {{54, "", "\n  purposes: PREVENT_SCREENING"}},
       "55:3",
       "agreement 'A-1' lists a purpose twice"},
      {"LegalBasisForANonParty",
       {{56, "", "\n  legal_bases { partner_id: \"P-NHS\" regime: UK_GDPR }"}},
       "57:17",
       "agreement 'A-1': legal basis for 'P-NHS', which is not a party"},
      {"DuplicateLegalBasis",
       {{56, "", "\n  legal_bases { partner_id: \"P-LA\" regime: UK_GDPR }"}},
       "57:17",
       "agreement 'A-1': two legal bases for 'P-LA'"},
      {"LegalBasisWithoutRegime",
       {{56, "regime: DPA_PART3", ""}},
       "56:3",
       "agreement 'A-1': legal basis for 'P-POL' has no regime"},
      {"CeilingAboveOfficial",
       {{50, "tier: OFFICIAL sensitive: true", "tier: SECRET"}},
       "50:3",
       "agreement 'A-1': the hub holds OFFICIAL material only (SPEC P05)"},

      // --- agreement dates ---
      {"MissingEffectiveFrom",
       {{47, "effective_from: \"2025-10-01\"", ""}},
       "43:1",
       "agreement 'A-1' has no effective_from; set it (YYYY-MM-DD)"},
      {"MissingReviewDue",
       {{48, "review_due: \"2027-09-30\"", ""}},
       "43:1",
       "agreement 'A-1' has no review_due"},
      {"EffectiveFromNotADate",
       {{47, "2025-10-01", "2025-10-1"}},
       "47:3",
       "agreement 'A-1': effective_from '2025-10-1' is not a date"},
      {"ReviewDueNotADate",
       {{48, "2027-09-30", "2027-13-01"}},
       "48:3",
       "agreement 'A-1': review_due '2027-13-01' is not a date"},
      {"ExpiresOnNotADate",
       {{49, "2028-09-30", "30/09/2028"}},
       "49:3",
       "agreement 'A-1': expires_on '30/09/2028' is not a date"},
      {"ReviewDueBeforeEffectiveFrom",
       {{48, "2027-09-30", "2025-09-30"}},
       "48:3",
       "agreement 'A-1': review_due is before effective_from"},
      {"ExpiresOnBeforeEffectiveFrom",
       {{49, "2028-09-30", "2025-09-01"}, {46, "ACTIVE", "EXPIRED"}},
       "49:3",
       "agreement 'A-1': expires_on is before effective_from"},
      {"ExpiredButStillActive",
       {{49, "2028-09-30", "2026-11-20"}},
       "46:3",
       "agreement 'A-1' expired on 2026-11-20 but is still marked ACTIVE; "
       "set status: EXPIRED"},

      // --- flow rules (F01 is lines 57-67, F02 68-77, F03 78-88) ---
      {"FlowWithoutId",
       {{58, "id: \"F01\"", ""}},
       "57:3",
       "agreement 'A-1': flow rule 1 has no id"},
      {"DuplicateFlowId",
       {{69, "F02", "F01"}},
       "69:5",
       "agreement 'A-1': rule id 'F01' is used twice; rule ids must be unique "
       "within an agreement"},
      {"UnknownRecord",
       {{59, "CASE", "99"}},
       "59:5",
       "rule 'F01' of agreement 'A-1': has no known record"},
      {"UnspecifiedRecord",
       {{59, "record: CASE", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': has no known record"},
      {"ServiceInAFlowRule",
       {{80, "BRIEFING", "SERVICE"}},
       "80:5",
       "rule 'F03' of agreement 'A-1': SERVICE needs no agreement; grant it "
       "with a standing rule",
       2},  // and its audience is then not for a BRIEFING rule
      {"FlowWithoutActions",
       {{60, "actions: READ", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': has no actions"},
      {"UnknownAction",
       {{60, "READ", "99"}},
       "60:5",
       "rule 'F01' of agreement 'A-1': has an unknown action"},
      {"DuplicateAction",
       {{60, "", " actions: READ"}},
       "60:19",
       "rule 'F01' of agreement 'A-1': lists an action twice"},
      {"UnknownSourcePartnerType",
       {{82, "CT_POLICE", "99"}},
       "82:5",
       "rule 'F03' of agreement 'A-1': has no known source_partner_type"},
      {"SourcePartnerIdNotAParty",
       {{72, "P-LA", "P-NHS"}},
       "72:5",
       "rule 'F02' of agreement 'A-1': source_partner_id 'P-NHS' is not a "
       "party to the agreement"},
      {"AnySourceFalse",
       {{61, "true", "false"}},
       "61:5",
       "rule 'F01' of agreement 'A-1': any_source: false names no source"},
      {"FlowWithoutSource",
       {{61, "any_source: true", ""}},
       "58:5",
       "rule 'F01' of agreement 'A-1': has no source"},
      {"UnknownSourceRole",
       {{61, "", " source_roles: 99"}},
       "61:22",
       "rule 'F01' of agreement 'A-1': source_roles has an unknown role (99)"},
      {"UnknownRecipientRole",
       {{62, "LA_PREVENT_COORDINATOR", "99"}},
       "62:5",
       "rule 'F01' of agreement 'A-1': recipient_roles has an unknown role "
       "(99)"},
      {"FlowWithoutRecipientRoles",
       {{62, "recipient_roles: LA_PREVENT_COORDINATOR", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': has no recipient_roles"},
      {"FlowWithoutScope",
       {{63, "scope: AREA", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': has no scope"},
      {"UnknownScope",
       {{63, "AREA", "99"}},
       "63:5",
       "rule 'F01' of agreement 'A-1': has no scope"},
      {"UnknownPurpose",
       {{64, "PREVENT_SCREENING", "99"}},
       "64:5",
       "rule 'F01' of agreement 'A-1': has no known purpose"},
      {"FlowWithoutPurpose",
       {{64, "purpose: PREVENT_SCREENING", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': has no known purpose"},
      {"PurposeNotInAgreement",
       {{64, "PREVENT_SCREENING", "CHANNEL_PANEL"}},
       "64:5",
       "rule 'F01' of agreement 'A-1': purpose CHANNEL_PANEL is not one of "
       "the agreement's purposes"},
      {"WorkflowStatesOnANonCaseRule",
       {{86, "", " workflow_states: SCREENING"}},
       "86:23",
       "rule 'F03' of agreement 'A-1': workflow_states apply to CASE and "
       "INFORMATION records only"},
      {"UnknownWorkflowState",
       {{65, "SCREENING", "99"}},
       "65:5",
       "rule 'F01' of agreement 'A-1': has an unknown workflow state"},
      {"UnknownSpecialCategory",
       {{65, "", " special_category_allowed: 99"}},
       "65:32",
       "rule 'F01' of agreement 'A-1': has an unknown special category"},
      {"UnknownRequirement",
       {{65, "", " requires: 99"}},
       "65:32",
       "rule 'F01' of agreement 'A-1': has an unknown requirement"},
      {"FlowWithoutFields",
       {{66, "allowed_fields: \"subject.identity\"", ""}},
       "57:3",
       "rule 'F01' of agreement 'A-1': allows no fields"},
      {"FieldPathThatDoesNotExist",
       {{66, "subject.identity", "subject.nope"}},
       "66:5",
       "rule 'F01' of agreement 'A-1': field path 'subject.nope': "
       "prevent.records.v1.Subject has no field 'nope'"},
      {"FieldPathInsideAScalar",
       {{66, "subject.identity", "subject.nationality.x"}},
       "66:5",
       "field path 'subject.nationality.x': cannot select inside scalar "
       "field"},
      {"FieldPathWithStarMidPath",
       {{66, "subject.identity", "subject.*.x"}},
       "66:5",
       "field path 'subject.*.x': '*' may only end a path"},
      {"SpecialCategoryFieldNotAllowed",
       {{66, "subject.identity", "subject.religion"}},
       "66:5",
       "rule 'F01' of agreement 'A-1': field path 'subject.religion': "
       "religion holds RELIGION special-category data; list RELIGION in "
       "special_category_allowed to release it"},
      {"SpecialCategoryAllowedButAnotherNamed",
       {{66, "subject.identity", "referral.complex_needs"},
        {65, "", " special_category_allowed: RELIGION"}},
       "66:5",
       "field path 'referral.complex_needs': complex_needs holds HEALTH "
       "special-category data"},
      {"PoliceOnlyFieldToNonPolice",
       {{66, "subject.identity", "gateway.officer_id"}},
       "66:5",
       "rule 'F01' of agreement 'A-1': field path 'gateway.officer_id': "
       "officer_id is police-only data"},
      {"PoliceOnlyFieldToMixedRecipients",
       {{73, "", " recipient_roles: LA_PREVENT_COORDINATOR"},
        {76, "gateway", "deconfliction.police_result"}},
       "76:5",
       "rule 'F02' of agreement 'A-1': field path "
       "'deconfliction.police_result': police_result is police-only data"},
      {"FlowMarkingAboveOfficial",
       {{66, "", " max_marking { tier: SECRET }"}},
       "66:40",
       "rule 'F01' of agreement 'A-1': the hub holds OFFICIAL material only"},
      {"FlowMarkingAboveCeiling",
       {{50, " sensitive: true", ""},
        {66, "", " max_marking { tier: OFFICIAL sensitive: true }"}},
       "66:40",
       "rule 'F01' of agreement 'A-1': max_marking is above the agreement's "
       "classification_ceiling"},
      {"NegativeExpiresAfterHours",
       {{66, "", " expires_after_hours: -1"}},
       "66:40",
       "rule 'F01' of agreement 'A-1': expires_after_hours is negative"},
      {"BriefingRuleWithoutAudience",
       {{86, "audience: SCHOOLS", ""}},
       "78:3",
       "rule 'F03' of agreement 'A-1': a BRIEFING rule must name the "
       "audience"},
      {"BriefingRuleWithUndeclaredAudience",
       {{86, "SCHOOLS", "PUBLIC"}},
       "86:5",
       "rule 'F03' of agreement 'A-1': audience PUBLIC is not defined; add it "
       "to briefing_audiences"},
      {"OfflineAllowedOnOnlineOnlyAudience",
       {{86, "SCHOOLS", "ELECTED_MEMBERS offline_allowed: true"}},
       "86:31",
       "rule 'F03' of agreement 'A-1': the ELECTED_MEMBERS audience is online "
       "only; remove offline_allowed"},
      {"AudienceOnANonBriefingRule",
       {{65, "", " audience: SCHOOLS"}},
       "65:32",
       "rule 'F01' of agreement 'A-1': audience applies to BRIEFING rules "
       "only"},

      {"QueryRuleWithoutDailyLimit",
       {{60, "actions: READ", "actions: [READ, QUERY]"}},
       "57:3",
       "rule 'F01' of agreement 'A-1': a CASE rule granting QUERY "
       "(deconfliction) must cap each principal's queries per day"},
      {"DailyLimitOnANonQueryRule",
       {{65, "", " daily_query_limit: 5"}},
       "65:32",
       "rule 'F01' of agreement 'A-1': daily_query_limit applies to CASE "
       "rules granting QUERY only"},
      {"BulkFlagAboveDailyLimit",
       {{60, "actions: READ",
         "actions: [READ, QUERY] daily_query_limit: 5 bulk_query_flag: 9"}},
       "60:49",
       "rule 'F01' of agreement 'A-1': bulk_query_flag must be between 0 "
       "(never flag) and daily_query_limit"},

      // --- retention rules (lines 89-94) ---
      {"RetentionWithoutRecordType",
       {{90, "record_type: \"REFERRAL\"", ""}},
       "89:3",
       "agreement 'A-1': retention rule 1 has no record_type"},
      {"RetentionUnknownTrigger",
       {{91, "CASE_CLOSED", "99"}},
       "91:5",
       "agreement 'A-1': retention rule 1 has no known trigger"},
      {"RetentionWithoutAction",
       {{93, "action: REVIEW", ""}},
       "89:3",
       "agreement 'A-1': retention rule 1 has no known action"},
      {"RetentionBadPeriod",
       {{92, "P6Y", "6 years"}},
       "92:5",
       "agreement 'A-1': retention rule 1 has period '6 years'; write an ISO "
       "8601 duration"},
  };
}

class ValidationErrorTest : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(ValidationErrorTest, IsReportedWhereItIs) {
  const ErrorRow& row = GetParam();
  const std::string text = Edited(row.edits);
  const std::vector<std::string> problems = Problems(text);
  ASSERT_FALSE(problems.empty()) << "accepted:\n" << text;
  const std::string prefix = absl::StrCat(kFile, ":", row.where, ": ");
  EXPECT_THAT(problems,
              Contains(AllOf(StartsWith(prefix), HasSubstr(row.what))))
      << "want " << prefix << "..." << row.what << "\ngot:\n"
      << absl::StrJoin(problems, "\n");
  EXPECT_THAT(problems, SizeIs(row.count)) << absl::StrJoin(problems, "\n");
}

INSTANTIATE_TEST_SUITE_P(EveryKind, ValidationErrorTest,
                         ::testing::ValuesIn(ErrorRows()),
                         [](const ::testing::TestParamInfo<ErrorRow>& info) {
                           return std::string(info.param.name);
                         });

TEST(ValidatorTest, RowNamesAreUniqueAndEachRowChangesTheBase) {
  std::set<std::string> names;
  for (const ErrorRow& row : ErrorRows()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_NE(Edited(row.edits), kBase) << row.name;
  }
}

// Every line is "file:line:column: message"; all problems are reported, in
// the order the validator visits them.
TEST(ValidatorTest, EveryProblemIsReportedOnItsOwnLine) {
  const std::vector<std::string> problems =
      Problems(Edited({{4, "NHS_TRUST", "99"},
                       {15, "CT_GATEWAY_OFFICER", "99"},
                       {64, "PREVENT_SCREENING", "CHANNEL_PANEL"},
                       {92, "P6Y", "P6W"}}));
  ASSERT_THAT(problems, SizeIs(4));
  EXPECT_THAT(problems[0], StartsWith("p.textproto:4:24: partner 'P-NHS'"));
  EXPECT_THAT(problems[1], StartsWith("p.textproto:15:3: principal 'U-B'"));
  EXPECT_THAT(problems[2], StartsWith("p.textproto:64:5: rule 'F01'"));
  EXPECT_THAT(problems[3],
              StartsWith("p.textproto:92:5: agreement 'A-1': retention"));
  for (const std::string& problem : problems) {
    EXPECT_THAT(problem, HasSubstr("; "))  // what is wrong; what to do
        << problem;
  }
}

TEST(ValidatorTest, TheFilenameLabelsEveryProblem) {
  auto policy =
      Policy::Parse(Edited({{4, "NHS_TRUST", "99"}}), "dir/other.txt", kNow);
  EXPECT_THAT(policy, StatusIs(absl::StatusCode::kInvalidArgument,
                               StartsWith("dir/other.txt:4:24: ")));
}

// Edits that look close to an error but are allowed.
struct AcceptedRow {
  const char* name;
  std::vector<Edit> edits;
};

void PrintTo(const AcceptedRow& row, std::ostream* os) { *os << row.name; }

class AcceptedTest : public ::testing::TestWithParam<AcceptedRow> {};

TEST_P(AcceptedTest, IsValid) {
  const std::string text = Edited(GetParam().edits);
  EXPECT_THAT(Parse(text), IsOk()) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Variants, AcceptedTest,
    ::testing::ValuesIn(std::vector<AcceptedRow>{
        // A rule that only SENDs names no recipients and no scope.
        {"SendOnlyRuleWithoutRecipientsOrScope",
         {{60, "READ", "SEND"},
          {62, "recipient_roles: LA_PREVENT_COORDINATOR", ""},
          {63, "scope: AREA", ""}}},
        {"SpecialCategoryFieldThatIsAllowed",
         {{66, "subject.identity", "subject.religion"},
          {65, "", " special_category_allowed: RELIGION"}}},
        // A covering path withholds what it may not release instead.
        {"CoveringPathOverSpecialAndPoliceFields",
         {{66, "subject.identity", "*"}}},
        {"PoliceOnlyFieldToPoliceRecipients",
         {{76, "gateway", "gateway.officer_id"}}},
        {"ExpiresToday", {{49, "2028-09-30", "2026-11-21"}}},
        {"ExpiredAndMarkedExpired",
         {{49, "2028-09-30", "2026-01-01"}, {46, "ACTIVE", "EXPIRED"}}},
        {"ReviewDueOnEffectiveFrom", {{48, "2027-09-30", "2025-10-01"}}},
        {"NoExpiryDate", {{49, "expires_on: \"2028-09-30\"", ""}}},
        {"OfflineAllowedOnAnOfflineAudience",
         {{86, "", " offline_allowed: true"}}},
        {"SensitiveMarkingUnderSensitiveCeiling",
         {{66, "", " max_marking { tier: OFFICIAL sensitive: true }"}}},
        {"ListSyntax",
         {{53, "purposes: PREVENT_SCREENING",
           "purposes: [PREVENT_SCREENING, CTLP_BRIEFING]"},
          {54, "purposes: CTLP_BRIEFING", ""},
          {60, "actions: READ", "actions: [READ, LIST]"}}},
        {"UnsignedParty", {{51, " signed_on: \"2025-09-15\"", ""}}},
        {"StandingRuleOnAccess", {{31, "IDENTITY", "ACCESS"}}},
    }),
    [](const ::testing::TestParamInfo<AcceptedRow>& info) {
      return std::string(info.param.name);
    });

TEST(ValidatorTest, RetentionPeriodsAreWholeDaysMonthsOrYears) {
  for (const char* good : {"P0D", "P14D", "P6M", "P6Y", "P1234Y"}) {
    EXPECT_THAT(Parse(Edited({{92, "P6Y", good}})), IsOk()) << good;
  }
  for (const char* bad : {"", "P", "PY", "6Y", "P6W", "p6y", "P-6Y", "P6.5Y",
                          "P12345Y", "P6Y6M", "P6D "}) {
    const std::vector<std::string> problems =
        Problems(Edited({{92, "P6Y", bad}}));
    EXPECT_THAT(
        problems,
        ElementsAre(AllOf(StartsWith("p.textproto:92:5: "),
                          HasSubstr(absl::StrCat("has period '", bad, "'")))))
        << "'" << bad << "'";
  }
}

TEST(ValidatorTest, ADateMustBeARealDayWrittenInFull) {
  for (const char* bad : {"2027-02-29", "2027-9-30", "27-09-30", "2027/09/30",
                          "2027-09-30T00", "tomorrow"}) {
    EXPECT_THAT(Problems(Edited({{48, "2027-09-30", bad}})),
                Contains(AllOf(StartsWith("p.textproto:48:3: "),
                               HasSubstr(absl::StrCat("review_due '", bad,
                                                      "' is not a date")))))
        << bad;
  }
  EXPECT_THAT(Parse(Edited({{48, "2027-09-30", "2028-02-29"}})), IsOk());
}

// "now" decides expiry: the agreement holds all of its expiry day.
TEST(ValidatorTest, ExpiryDependsOnNow) {
  const std::string text = kBase;
  const absl::Time last_day = absl::FromCivil(
      absl::CivilSecond(2028, 9, 30, 23, 59, 59), absl::UTCTimeZone());
  EXPECT_THAT(Policy::Parse(text, kFile, last_day), IsOk());
  EXPECT_THAT(Policy::Parse(text, kFile, last_day + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("p.textproto:46:3: "),
                             HasSubstr("expired on 2028-09-30 but is still "
                                       "marked ACTIVE"))));
}

// Syntax errors come from the parser, with the same location format.
TEST(ValidatorTest, SyntaxErrorsAreReportedBeforeMeaning) {
  // (protobuf reports an unknown enum name at the token after it.)
  EXPECT_THAT(Parse(Edited({{64, "purpose: PREVENT_SCREENING",
                             "purpose: NOT_A_PURPOSE"}})),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(StartsWith("p.textproto:"),
                             HasSubstr("Unknown enumeration value of "
                                       "\"NOT_A_PURPOSE\" for field "
                                       "\"purpose\""))));
}

// Problems in list syntax ("field: [a, b]") are reported, whatever the index.
TEST(ValidatorTest, ProblemsInsideListsAreReported) {
  EXPECT_THAT(Problems(Edited({{53, "purposes: PREVENT_SCREENING",
                                "purposes: [PREVENT_SCREENING, 99]"}})),
              ElementsAre(HasSubstr("agreement 'A-1' has an unknown purpose")));
  EXPECT_THAT(
      Problems(Edited({{60, "actions: READ", "actions: [READ, 99]"}})),
      ElementsAre(HasSubstr("rule 'F01' of agreement 'A-1': has an unknown "
                            "action")));
  EXPECT_THAT(
      Problems(Edited({{15, "roles: CT_GATEWAY_OFFICER",
                        "roles: [CT_GATEWAY_OFFICER, 99]"}})),
      ElementsAre(HasSubstr("principal 'U-B' has an unknown role (99)")));
}

// The parser records one location per occurrence of a repeated field, not one
// per element, so a problem with an element of a list ("purposes: [A, A]") is
// reported at the list. (Element indexes were once looked up as occurrence
// indexes, pointing at the wrong line or at the enclosing message.)
TEST(ValidatorTest, ProblemsInsideListsAreReportedAtTheList) {
  EXPECT_THAT(Problems(Edited({{53, "purposes: PREVENT_SCREENING",
                                "purposes: [PREVENT_SCREENING, "
                                "PREVENT_SCREENING]"}})),
              ElementsAre(StartsWith("p.textproto:53:3: agreement 'A-1' lists "
                                     "a purpose twice")));
  EXPECT_THAT(
      Problems(Edited({{60, "actions: READ", "actions: [READ, 99]"}})),
      ElementsAre(StartsWith("p.textproto:60:5: rule 'F01' of agreement "
                             "'A-1': has an unknown action")));
}

}  // namespace
}  // namespace hub::policy
