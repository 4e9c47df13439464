// The shared parts of the access matrix (TESTING §3.4): the oracle
// (testdata/access_matrix.csv) and its reader, the records it is about, and
// the fixture that seeds them on the demo hub.
#ifndef HUB_TESTS_ACCESS_MATRIX_H_
#define HUB_TESTS_ACCESS_MATRIX_H_

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub::testing {

// The records the matrix seeds: who submits each, and what about.
struct RecordKind {
  std::string name;       // as the oracle names it
  std::string submitter;  // certificate name of the referrer
  bool child;             // the subject is under 18
};
inline const std::vector<RecordKind>& RecordKinds() {
  static const auto* kinds = new std::vector<RecordKind>{
      {"nhs-adult", "u-drwhit", false},
      {"school-child", "u-rcaldwell", true},
      {"probation-adult", "u-imercer", false},
  };
  return *kinds;
}

// The states each record is seeded in, and how it gets there.
inline const std::vector<pb::ReferralState>& States() {
  static const auto* states = new std::vector<pb::ReferralState>{
      pb::SUBMITTED, pb::SCREENING, pb::POLICE_GATEWAY};
  return *states;
}

// The RPCs the oracle covers: every RPC of the hub's services must be here,
// so that one added later without oracle rows fails the matrix instead of
// escaping it.
inline const std::set<std::string>& CoveredRpcs() {
  static const auto* rpcs = new std::set<std::string>{
      "ReferralService/Get",
      "ReferralService/List",
      "ReferralService/Transition",
      "ReferralService/Submit",
      "SyncService/Pull",
      "IdentityService/WhoAmI",
      "PolicyService/Explain",
      "AuditService/GetCheckpoint",
      "AuditService/GetInclusionProof",
      "AuditService/GetConsistencyProof",
      "AuditService/Query",
      "DeconflictionService/Check",
      "DeconflictionService/CheckBatch",
      "DeconflictionService/GetStatus",
      "BriefingService/Publish",
      "BriefingService/Withdraw",
      "BriefingService/List",
      "BriefingService/Acknowledge",
      "BriefingService/Read",
      "BriefingService/AttestPurge",
      "BriefingService/DeliveryStatus",
      "BriefingService/Supersede",
      "ReferralService/RequestInformation",
      "ReferralService/ListInformationRequests",
      "ReferralService/RespondInformation",
      "ReferralService/RecordPanelDecision",
      "ReferralService/RecordConsent",
      "ReferralService/ApproveFeedback",
      "ReferralService/ReleaseFeedback",
      "DeconflictionService/RecordOutcome",
  };
  return *rpcs;
}

// One allowed combination of the oracle.
struct Allowed {
  bool needs_justification = false;
  std::string fields;  // Get: "subject;related_persons;referral" as present
};
// principal, rpc, record, state, purpose, and the detail: for Transition the
// state it moves to, for ListInformationRequests "by-referral" or "inbox"
// ("" otherwise).
using Cell = std::tuple<std::string, std::string, std::string, std::string,
                        std::string, std::string>;

// Reads the oracle; a test failure names any line it cannot take.
inline std::map<Cell, Allowed> ReadOracle(const std::string& path) {
  std::map<Cell, Allowed> oracle;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text.front() == '#') continue;
    std::vector<std::string> f = absl::StrSplit(text, ',');
    if (f.size() != 8) {
      ADD_FAILURE() << path << ":" << number << ": want 8 columns: " << line;
      continue;
    }
    pb::Purpose purpose;
    pb::ReferralState state;
    if ((f[4] != "*" && !pb::Purpose_Parse(f[4], &purpose)) ||
        (f[3] != "-" && !pb::ReferralState_Parse(f[3], &state)) ||
        (f[5] != "any" && f[5] != "required") ||
        CoveredRpcs().count(f[1]) == 0) {
      ADD_FAILURE() << path << ":" << number << ": bad row: " << line;
      continue;
    }
    Allowed allowed;
    allowed.needs_justification = f[5] == "required";
    allowed.fields = f[1] == "ReferralService/Get" ? f[6] : "-";
    // The detail column: Transition's target state, ListInformationRequests'
    // variant; part of the cell for those two.
    std::string to;
    pb::ReferralState target;
    if (f[1] == "ReferralService/Transition") {
      to = f[6];
      if (!pb::ReferralState_Parse(to, &target)) {
        ADD_FAILURE() << path << ":" << number
                      << ": bad target state: " << line;
        continue;
      }
    } else if (f[1] == "ReferralService/ListInformationRequests") {
      to = f[6];
      if (to != "by-referral" && to != "inbox") {
        ADD_FAILURE() << path << ":" << number << ": bad variant: " << line;
        continue;
      }
    }
    // "*": every purpose.
    std::vector<std::string> purposes = {f[4]};
    if (f[4] == "*") {
      purposes.clear();
      for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
        if (pb::Purpose_IsValid(p)) {
          purposes.push_back(pb::Purpose_Name(static_cast<pb::Purpose>(p)));
        }
      }
    }
    for (const std::string& each : purposes) {
      const bool added =
          oracle.emplace(Cell{f[0], f[1], f[2], f[3], each, to}, allowed)
              .second;
      EXPECT_TRUE(added) << path << ":" << number << ": repeated: " << line;
    }
  }
  return oracle;
}

// The top-level fields of a case file that hold something, as the oracle
// writes them.
inline std::string PresentFields(const rec::CaseFile& file) {
  std::vector<std::string> present;
  if (file.subject().ByteSizeLong() > 0) present.push_back("subject");
  if (file.related_persons_size() > 0) present.push_back("related_persons");
  if (file.referral().ByteSizeLong() > 0) present.push_back("referral");
  for (const char* other :
       {"gateway", "deconfliction", "information_response", "panel_bundle",
        "information_request", "panel_decisions", "consents", "feedback_review",
        "review_schedule"}) {
    const auto* field = file.GetDescriptor()->FindFieldByName(other);
    const auto* reflection = file.GetReflection();
    if (field->is_repeated() ? reflection->FieldSize(file, field) > 0
                             : reflection->HasField(file, field)) {
      present.push_back(other);
    }
  }
  return absl::StrJoin(present, ";");
}

// The transitions the matrix asks for, from the states records are seeded
// in.
struct Step {
  pb::ReferralState from;
  pb::ReferralState to;
};
inline const std::vector<Step>& Steps() {
  static const auto* steps = new std::vector<Step>{
      {pb::SUBMITTED, pb::SCREENING},
      {pb::SUBMITTED, pb::WITHDRAWN},
      {pb::SCREENING, pb::AWAITING_REFERRER_INFO},
      {pb::SCREENING, pb::POLICE_GATEWAY},
  };
  return *steps;
}

// A reference no referral has.
inline constexpr char kMissing[] = "PRV-WXC-2026-99999";

// A seeded referral.
struct Seeded {
  std::string kind;
  pb::ReferralState state;
  std::string id;
  std::string ref;
  rec::SubjectIdentity identity;  // whom it is about
};

class AccessMatrixTest : public DemoHubTest {
 protected:
  // The hub on the demo agreement, with the CT gateway's daily query limit
  // raised: the matrix makes more checks than a day allows.
  void StartMatrixHub() {
    ASSERT_NO_FATAL_FAILURE(RaiseQueryLimit());
    StartHub();
  }

  // Submits one referral of `kind` about a person of its own (a distinct
  // name and date of birth, so no two are linked) and moves it to `state`.
  void Seed(const RecordKind& kind, pb::ReferralState state, int n,
            Seeded* out) {
    rec::ReferralSubmission submission =
        kind.child ? ChildSubmission() : AdultSubmission();
    rec::SubjectIdentity& who =
        *submission.mutable_subject()->mutable_identity();
    who.set_surname(absl::StrCat(who.surname(), "matrix", Letters(n)));
    who.set_dob(absl::StrCat(kind.child ? "2011" : "1990", "-0", 1 + n % 9,
                             "-1", n % 10));
    submission.mutable_subject()->clear_local_identifiers();
    api::SubmitReferralResponse response;
    grpc::Status status = Submit(kind.submitter, submission,
                                 absl::StrCat("matrix-", n), &response);
    ASSERT_TRUE(status.ok()) << kind.name << ": " << status.error_message();
    out->kind = kind.name;
    out->state = state;
    out->id = response.referral_id();
    out->ref = response.referral_ref();
    out->identity = who;
    if (state == pb::SUBMITTED) return;
    ++seed_transitions_[{"U-HOKORO", out->id, pb::PREVENT_SCREENING}];
    status = Transition("u-hokoro",
                        Move(out->ref, pb::PREVENT_SCREENING, pb::SCREENING));
    ASSERT_TRUE(status.ok()) << "T3: " << status.error_message();
    if (state == pb::SCREENING) return;
    api::TransitionReferralRequest t5 =
        Move(out->ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::POLICE_GATEWAY);
    t5.mutable_context()->set_justification("Gateway assessment");
    ++seed_transitions_[{"U-DSALLENBY", out->id,
                         pb::PREVENT_GATEWAY_DECONFLICTION}];
    status = Transition("u-dsallenby", t5);
    ASSERT_TRUE(status.ok()) << "T5: " << status.error_message();
  }

  // The transitions Seed made: (principal, referral id, purpose) -> calls.
  std::map<std::tuple<std::string, std::string, int>, int> seed_transitions_;
};

}  // namespace hub::testing

#endif  // HUB_TESTS_ACCESS_MATRIX_H_
