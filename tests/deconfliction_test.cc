// The DeconflictionService end to end: a real hubd on 127.0.0.1 over mutual
// TLS with the demo partnership. The CT gateway's check finds the people the
// hub holds records about with the reasons they matched; the council and
// the MASH see only status and routing; the referrer and everyone else see
// nothing; the daily query limit refuses and flags; and (TESTING §3.6) a
// non-police caller's answers are byte-identical whether or not the hub
// holds hidden records matching the person.
#include <grpcpp/grpcpp.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/hub.grpc.pb.h"
#include "tests/audit_events.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub {
namespace {

namespace api = ::prevent::hub::v1;
namespace ab = ::prevent::audit::v1;
namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using ::testing::AllOf;
using testing::AuditEvents;
using testing::Bytes;
using ::testing::Contains;
using testing::Deadline;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using testing::WithoutId;

constexpr char kCheck[] = "/prevent.hub.v1.DeconflictionService/Check";
constexpr char kNoSuchRef[] = "PRV-WXC-2025-999999";

// Someone other than Callum Reeve whose name, date of birth or postcode is
// close enough to his to be a candidate.
rec::ReferralSubmission NearMiss(const std::string& forenames,
                                 const std::string& surname,
                                 const std::string& dob,
                                 const std::string& postcode) {
  rec::ReferralSubmission s = testing::ChildSubmission();
  rec::SubjectIdentity& who = *s.mutable_subject()->mutable_identity();
  who.set_forenames(forenames);
  who.set_surname(surname);
  who.set_dob(dob);
  s.mutable_subject()->mutable_addresses(0)->set_postcode(postcode);
  s.mutable_subject()->clear_local_identifiers();
  return s;
}

class DeconflictionTest : public testing::DemoHubTest {
 protected:
  static api::DeconflictionQuery Query(const std::string& ref,
                                       const rec::ReferralSubmission& about) {
    api::DeconflictionQuery query;
    query.mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
    query.mutable_context()->set_justification("Gateway assessment");
    query.set_referral(ref);
    const rec::SubjectIdentity& who = about.subject().identity();
    query.set_forenames(who.forenames());
    query.set_surname(who.surname());
    query.set_dob(who.dob());
    query.set_postcode(about.subject().addresses(0).postcode());
    return query;
  }

  grpc::Status Check(const std::string& user,
                     const api::DeconflictionQuery& query,
                     api::DeconflictionAnswer* answer) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Deconfliction(user).Check(&context, query, answer);
  }

  grpc::Status Status(const std::string& user, const std::string& ref,
                      pb::Purpose purpose,
                      api::GetDeconflictionStatusResponse* answer) {
    api::GetDeconflictionStatusRequest request;
    request.mutable_context()->set_purpose(purpose);
    request.set_referral(ref);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Deconfliction(user).GetStatus(&context, request, answer);
  }

  grpc::Status Record(const std::string& user, const std::string& ref,
                      const std::string& query_id,
                      rec::DeconflictionOutcome::PoliceResult result,
                      rec::RoutingOutcome routing,
                      api::RecordOutcomeResponse* answer = nullptr) {
    api::RecordOutcomeRequest request;
    request.mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
    request.mutable_context()->set_justification("Outcome of police checks");
    request.set_referral(ref);
    request.set_query_id(query_id);
    request.set_police_result(result);
    request.set_routing_outcome(routing);
    api::RecordOutcomeResponse ignored;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Deconfliction(user).RecordOutcome(
        &context, request, answer != nullptr ? answer : &ignored);
  }

  // Submits `submission` and moves it to POLICE_GATEWAY (T3, T5).
  void ToGateway(const rec::ReferralSubmission& submission,
                 const std::string& request_id, std::string* ref) {
    ASSERT_NO_FATAL_FAILURE(SubmitOk("u-drwhit", submission, request_id, ref));
    grpc::Status status = Transition(
        "u-hokoro", Move(*ref, pb::PREVENT_SCREENING, pb::SCREENING));
    ASSERT_TRUE(status.ok()) << status.error_message();
    api::TransitionReferralRequest gate =
        Move(*ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::POLICE_GATEWAY);
    gate.mutable_context()->set_justification("Gateway assessment");
    status = Transition("u-dsallenby", gate);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
};

std::vector<rec::MatchCandidate::Reason> Reasons(
    const rec::MatchCandidate& candidate) {
  std::vector<rec::MatchCandidate::Reason> out;
  for (int r : candidate.reasons()) {
    out.push_back(static_cast<rec::MatchCandidate::Reason>(r));
  }
  return out;
}

// --- Who gets what (SPEC §2.3's table) ---------------------------------------

TEST_F(DeconflictionTest, PoliceSeeCandidatesCouncilSeesStatusReferrerNothing) {
  StartHub();
  // Ryan Marsh was referred before; now "Rian Marsh", same date of birth.
  std::string prior;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::AdultSubmission(), "prior-1", &prior));
  rec::ReferralSubmission rian = testing::AdultSubmission();
  rian.mutable_subject()->mutable_identity()->set_forenames("Rian");
  rian.mutable_subject()->clear_local_identifiers();
  rian.mutable_subject()->clear_phones();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToGateway(rian, "rian-1", &ref));

  // The gateway's check: Ryan Marsh is a PROBABLE candidate, with the
  // reasons and who holds his record; the referral checked is not one.
  api::DeconflictionAnswer answer;
  grpc::Status status = Check("u-dsallenby", Query(ref, rian), &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer.referral_ref(), ref);
  const rec::DeconflictionOutcome& seen = answer.deconfliction();
  EXPECT_FALSE(seen.query_id().empty());
  EXPECT_EQ(seen.status(), rec::DeconflictionOutcome::PENDING);
  ASSERT_THAT(seen.candidates(), SizeIs(1));
  const rec::MatchCandidate& ryan = seen.candidates(0);
  EXPECT_EQ(ryan.score(), rec::MatchCandidate::PROBABLE);
  EXPECT_THAT(Reasons(ryan), Contains(rec::MatchCandidate::NAME_VARIANT));
  EXPECT_THAT(Reasons(ryan), Contains(rec::MatchCandidate::DOB_EXACT));
  EXPECT_THAT(Reasons(ryan), Contains(rec::MatchCandidate::POSTCODE));
  EXPECT_THAT(
      ryan.holding_partner_ids(),
      AllOf(Contains("P-NHS1"), Contains("P-LBW"), Contains("P-SO15D")));
  ASSERT_THAT(ryan.records(), SizeIs(1));
  EXPECT_EQ(ryan.records(0).referral_ref(), prior);
  EXPECT_EQ(ryan.records(0).state(), pb::SUBMITTED);

  // With the NHS number, the same person is a MATCH.
  api::DeconflictionQuery by_nhs = Query(ref, rian);
  by_nhs.set_nhs_number("999 159 0838");
  api::DeconflictionAnswer exact;
  status = Check("u-dsallenby", by_nhs, &exact);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(exact.deconfliction().candidates(), SizeIs(1));
  EXPECT_EQ(exact.deconfliction().candidates(0).score(),
            rec::MatchCandidate::MATCH);
  EXPECT_THAT(Reasons(exact.deconfliction().candidates(0)),
              Contains(rec::MatchCandidate::NHS_NO));

  // Nobody else can run a check: NOT_FOUND, worded as for a missing
  // referral.
  for (const char* user : {"u-hokoro", "u-drwhit", "u-mash1", "u-pclind"}) {
    api::DeconflictionAnswer none;
    status = Check(user, Query(ref, rian), &none);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << user;
    EXPECT_FALSE(none.has_deconfliction()) << user;
    api::DeconflictionAnswer missing;
    grpc::Status absent = Check(user, Query(kNoSuchRef, rian), &missing);
    EXPECT_EQ(WithoutId(status.error_message(), ref),
              WithoutId(absent.error_message(), kNoSuchRef))
        << user;
  }

  // The council sees the check is pending; nothing of the match.
  api::GetDeconflictionStatusResponse council;
  status = Status("u-hokoro", ref, pb::PREVENT_SCREENING, &council);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(council.deconfliction().status(),
            rec::DeconflictionOutcome::PENDING);
  EXPECT_THAT(council.deconfliction().candidates(), IsEmpty());
  EXPECT_TRUE(council.deconfliction().query_id().empty());

  // Only the gateway records the outcome, against a check it ran here. (The
  // coordinator has no rule for the gateway's purpose: NOT_FOUND.)
  status =
      Record("u-hokoro", ref, seen.query_id(), rec::DeconflictionOutcome::CLEAR,
             rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << status.error_message();
  status = Record("u-dsallenby", ref, "no-such-check",
                  rec::DeconflictionOutcome::CLEAR,
                  rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("query_id"));
  api::RecordOutcomeResponse recorded;
  status = Record("u-dsallenby", ref, seen.query_id(),
                  rec::DeconflictionOutcome::LINKED_TO_EXISTING_PREVENT_CASE,
                  rec::PROCEED_TO_CHANNEL_INFO_GATHERING, &recorded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(recorded.deconfliction().police_result(),
            rec::DeconflictionOutcome::LINKED_TO_EXISTING_PREVENT_CASE);
  EXPECT_EQ(recorded.deconfliction().decided_by(), "U-DSALLENBY");

  // The council now sees COMPLETE and the routing outcome, never the police
  // result or who decided (NCND, P08).
  status = Status("u-hokoro", ref, pb::PREVENT_SCREENING, &council);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(council.deconfliction().status(),
            rec::DeconflictionOutcome::COMPLETE);
  EXPECT_EQ(council.deconfliction().routing_outcome(),
            rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  EXPECT_EQ(council.deconfliction().police_result(),
            rec::DeconflictionOutcome::POLICE_RESULT_UNSPECIFIED);
  EXPECT_TRUE(council.deconfliction().decided_by().empty());

  // The referrer learns nothing about deconfliction: NOT_FOUND.
  api::GetDeconflictionStatusResponse referrer;
  status = Status("u-drwhit", ref, pb::REFERRER_FEEDBACK, &referrer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << status.error_message();
  EXPECT_FALSE(referrer.has_deconfliction());

  // The checks are COMBINE events with the justification, the gateway as
  // recipient, and no name or date of birth.
  int checks = 0;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    const std::string bytes = Bytes(event);
    EXPECT_THAT(bytes, Not(HasSubstr("Marsh")));
    EXPECT_THAT(bytes, Not(HasSubstr("2003-01-27")));
    if (event.method() != kCheck || !event.decision().allowed()) continue;
    ++checks;
    EXPECT_EQ(event.operation(), ab::COMBINE);
    EXPECT_EQ(event.justification(), "Gateway assessment");
    EXPECT_EQ(event.object().referral_id(), ref);
    ASSERT_THAT(event.recipients(), SizeIs(1));
    EXPECT_EQ(event.recipients(0).partner_id(), "P-SO15D");
  }
  EXPECT_EQ(checks, 2);
}

TEST_F(DeconflictionTest, ABadQueryNamesTheField) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToGateway(testing::AdultSubmission(), "bad-1", &ref));
  const api::DeconflictionQuery good = Query(ref, testing::AdultSubmission());
  struct Row {
    const char* field;
    void (*spoil)(api::DeconflictionQuery&);
  };
  const Row rows[] = {
      {"context.justification",
       [](api::DeconflictionQuery& q) {
         q.mutable_context()->clear_justification();
       }},
      {"context.purpose",
       [](api::DeconflictionQuery& q) {
         q.mutable_context()->set_purpose(pb::PREVENT_SCREENING);
       }},
      {"referral", [](api::DeconflictionQuery& q) { q.clear_referral(); }},
      {"surname", [](api::DeconflictionQuery& q) { q.clear_surname(); }},
      {"dob", [](api::DeconflictionQuery& q) { q.set_dob("27/01/2003"); }},
      {"dob", [](api::DeconflictionQuery& q) { q.set_dob("2003-02-30"); }},
      {"nhs_number",
       [](api::DeconflictionQuery& q) { q.set_nhs_number("999 159 0839"); }},
      {"aliases",
       [](api::DeconflictionQuery& q) {
         for (int i = 0; i < 11; ++i) q.add_aliases("A. N. Other");
       }},
  };
  for (const Row& row : rows) {
    api::DeconflictionQuery query = good;
    row.spoil(query);
    api::DeconflictionAnswer answer;
    grpc::Status status = Check("u-dsallenby", query, &answer);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << row.field << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(row.field));
  }
  api::DeconflictionAnswer answer;
  grpc::Status status = Check("u-dsallenby", good, &answer);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// --- The workflow guards (T6, T8)
// ------------------------------------------------

TEST_F(DeconflictionTest, AnOutcomeOlderThan30DaysIsRenewedBeforePanel) {
  StartHub();
  const rec::ReferralSubmission ryan = testing::AdultSubmission();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToGateway(ryan, "t8-1", &ref));
  ASSERT_NO_FATAL_FAILURE(
      DeconflictOk(ref, ryan, rec::PROCEED_TO_CHANNEL_INFO_GATHERING));
  api::TransitionReferralRequest decide =
      Move(ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::INFO_GATHERING);
  decide.mutable_context()->set_justification("Gateway decision");
  decide.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  decide.set_paf_summary_code("PAF-DEMO-7");
  grpc::Status status = Transition("u-dsallenby", decide);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // 31 days on, the case cannot go to panel on the old outcome (SPEC §3.9).
  clock_.Advance(absl::Hours(24 * 31));
  const api::TransitionReferralRequest list =
      Move(ref, pb::CHANNEL_ASSESSMENT, pb::PANEL_LISTED);
  status = Transition("u-hokoro", list);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("more than 30 days old"));

  // The gateway checks again and records a fresh outcome at INFO_GATHERING.
  ASSERT_NO_FATAL_FAILURE(
      DeconflictOk(ref, ryan, rec::PROCEED_TO_CHANNEL_INFO_GATHERING));
  status = Transition("u-hokoro", list);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// --- The probing guard
// ---------------------------------------------------------

TEST_F(DeconflictionTest, TheDailyLimitRefusesFlagsAndResetsNextDay) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      ToGateway(testing::AdultSubmission(), "limit-1", &ref));
  const api::DeconflictionQuery query = Query(ref, testing::AdultSubmission());
  // F13 in the demo policy: 40 a day, flagged from the 16th.
  constexpr int kLimit = 40;
  constexpr int kFlagFrom = 15;
  for (int i = 0; i < kLimit; ++i) {
    api::DeconflictionAnswer answer;
    grpc::Status status = Check("u-dsallenby", query, &answer);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  api::DeconflictionAnswer refused;
  grpc::Status status = Check("u-dsallenby", query, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("F13"));
  EXPECT_FALSE(refused.has_deconfliction());

  std::vector<ab::AuditEvent> checks;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    if (event.method() == kCheck) checks.push_back(event);
  }
  ASSERT_THAT(checks, SizeIs(kLimit + 1));
  for (int i = 0; i < kLimit; ++i) {
    EXPECT_TRUE(checks[i].decision().allowed()) << i;
    EXPECT_EQ(checks[i].decision().reason(),
              i < kFlagFrom ? pb::ALLOWED : pb::BULK_QUERY_FLAGGED)
        << i;
  }
  // The refusal is a denial the coordinator's AQ3 lists.
  EXPECT_EQ(checks.back().operation(), ab::POLICY_DENY);
  EXPECT_FALSE(checks.back().decision().allowed());
  EXPECT_EQ(checks.back().decision().reason(), pb::QUERY_LIMIT_EXCEEDED);
  EXPECT_EQ(checks.back().status(), "RESOURCE_EXHAUSTED");

  // A new day (UTC), a new allowance.
  clock_.Advance(absl::Hours(24));
  status = Check("u-dsallenby", query, &refused);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

// --- CheckBatch
// ------------------------------------------------------------------

TEST_F(DeconflictionTest, ABatchAnswersEachQueryInOrder) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      ToGateway(testing::AdultSubmission(), "batch-1", &ref));
  api::DeconflictionQuery good = Query(ref, testing::AdultSubmission());
  api::DeconflictionQuery bad = good;
  bad.mutable_context()->clear_justification();
  api::DeconflictionQuery missing = good;
  missing.set_referral(kNoSuchRef);

  grpc::ClientContext context;
  context.set_deadline(Deadline());
  auto stream = Deconfliction("u-dsallenby").CheckBatch(&context);
  for (const api::DeconflictionQuery* q : {&good, &bad, &missing, &good}) {
    ASSERT_TRUE(stream->Write(*q));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::vector<api::DeconflictionAnswer> answers;
  api::DeconflictionAnswer answer;
  while (stream->Read(&answer)) answers.push_back(answer);
  grpc::Status status = stream->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_THAT(answers, SizeIs(4));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(answers[i].index(), i);
  EXPECT_EQ(answers[0].error_code(), 0);
  EXPECT_EQ(answers[0].referral_ref(), ref);
  EXPECT_EQ(answers[1].error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(answers[1].error_message(), HasSubstr("context.justification"));
  EXPECT_FALSE(answers[1].has_deconfliction());
  EXPECT_EQ(answers[2].error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(answers[3].error_code(), 0);
  EXPECT_NE(answers[0].deconfliction().query_id(),
            answers[3].deconfliction().query_id());

  // One audit event per query.
  int events = 0;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    events +=
        event.method() == "/prevent.hub.v1.DeconflictionService/CheckBatch";
  }
  EXPECT_EQ(events, 4);
}

// --- TESTING §3.6: the differential test
// -----------------------------------------

// Every answer a non-police principal gets about the referral under test
// (status code, message and response bytes), keyed by who asked what.
using Answers = std::map<std::string, std::string>;

std::string Said(const grpc::Status& status,
                 const google::protobuf::Message& response) {
  return absl::StrCat(status.error_code(), "|", status.error_message(), "|",
                      Bytes(response));
}

class DifferentialTest : public DeconflictionTest {
 protected:
  // Runs the scenario on a fresh hub and database: Callum Reeve, a child,
  // referred and checked; with `hidden`, the hub also holds near matches
  // (a nickname, a typo, the same name at another birth date, a spelling
  // variant) that only the police may match, each under a police interest
  // hold.
  void Run(bool hidden, Answers* non_police, std::string* police) {
    server_.reset();
    stubs_.clear();
    deconfliction_stubs_.clear();
    channels_.clear();
    config_.set_database_path(
        absl::StrCat(dir_, hidden ? "/with-hidden.db" : "/without.db"));
    db_path_ = config_.database_path();
    ASSERT_NO_FATAL_FAILURE(StartHub());

    const rec::ReferralSubmission callum = testing::ChildSubmission();
    std::string ref;
    ASSERT_NO_FATAL_FAILURE(ToGateway(callum, "callum", &ref));
    if (hidden) {
      const rec::ReferralSubmission near[] = {
          NearMiss("Cal", "Reeve", "2010-03-14", "ZZ1 9ZZ"),
          NearMiss("Callum", "Reave", "2010-03-14", "ZZ1 9ZY"),
          NearMiss("Callum", "Reeve", "2011-06-01", "ZZ1 4DM"),
          NearMiss("Kallum", "Reeves", "2010-03-14", "ZZ1 8AA"),
      };
      int n = 0;
      for (const rec::ReferralSubmission& s : near) {
        std::string other;
        ASSERT_NO_FATAL_FAILURE(
            ToGateway(s, absl::StrCat("near-", n++), &other));
        api::DeconflictionAnswer answer;
        grpc::Status status = Check("u-dsallenby", Query(other, s), &answer);
        ASSERT_TRUE(status.ok()) << status.error_message();
        status = Record("u-dsallenby", other, answer.deconfliction().query_id(),
                        rec::DeconflictionOutcome::POLICE_INTEREST_HOLD,
                        rec::POLICE_MANAGED);
        ASSERT_TRUE(status.ok()) << status.error_message();
      }
    }

    // The police check of Callum, then the outcome.
    api::DeconflictionAnswer checked;
    grpc::Status status = Check("u-dsallenby", Query(ref, callum), &checked);
    ASSERT_TRUE(status.ok()) << status.error_message();
    *police = Bytes(checked.deconfliction());

    auto ask_everyone = [&](const std::string& when) {
      const std::pair<const char*, pb::Purpose> readers[] = {
          {"u-hokoro", pb::PREVENT_SCREENING},
          {"u-mash1", pb::CHILD_SAFEGUARDING_MASH},
          {"u-drwhit", pb::REFERRER_FEEDBACK},
          {"u-rcaldwell", pb::REFERRER_FEEDBACK},
          {"u-abrooks", pb::CHANNEL_PANEL},
      };
      for (const auto& [user, purpose] : readers) {
        api::GetDeconflictionStatusResponse seen;
        grpc::Status s = Status(user, ref, purpose, &seen);
        (*non_police)[absl::StrCat(when, " status ", user)] = Said(s, seen);
        api::DeconflictionAnswer answer;
        s = Check(user, Query(ref, callum), &answer);
        (*non_police)[absl::StrCat(when, " check ", user)] = Said(s, answer);
      }
    };
    ask_everyone("pending");
    status = Record("u-dsallenby", ref, checked.deconfliction().query_id(),
                    rec::DeconflictionOutcome::CLEAR,
                    rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ask_everyone("complete");
  }
};

TEST_F(DifferentialTest, NonPoliceAnswersAreByteIdenticalWithHiddenMatches) {
  Answers without, with;
  std::string police_without, police_with;
  ASSERT_NO_FATAL_FAILURE(Run(false, &without, &police_without));
  ASSERT_NO_FATAL_FAILURE(Run(true, &with, &police_with));

  ASSERT_EQ(without.size(), with.size());
  for (const auto& [question, answer] : without) {
    EXPECT_EQ(answer, with[question]) << question;
  }
  // The council and the MASH did see something (the test is not vacuous)...
  EXPECT_THAT(without["complete status u-hokoro"], HasSubstr("0||"));
  EXPECT_THAT(without["complete status u-mash1"], HasSubstr("0||"));
  // ...and the hidden records really are there for the police.
  EXPECT_NE(police_without, police_with);
}

}  // namespace
}  // namespace hub
