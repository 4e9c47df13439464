// The ReferralService end to end: a real hub (HubServer, as hubd runs it) on
// 127.0.0.1:0 over mutual TLS, with the demo partnership's policy
// (deploy/demo/partnership.textproto) and the certificates certs/make_certs.sh
// made for it. Each test asserts what a caller must NOT see or change as well
// as what it may: the same referral is the full record to the CT gateway, the
// agreed subset to the coordinator, a status to its referrer, a minimised set
// to the MASH for a child and NOT_FOUND to anyone else (SPEC §2.1, demo rules
// F01-F15, F50, F51); every write and its audit event commit together.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/fake_clock.h"
#include "common/file_util.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "common/x509_certificate.h"
#include "gmock/gmock.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "hub/hub_server.h"
#include "hub/store/fault_vfs.h"
#include "proto/audit.pb.h"
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
using ::google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kSubmit[] = "/prevent.hub.v1.ReferralService/Submit";
constexpr char kTransition[] = "/prevent.hub.v1.ReferralService/Transition";
// A reference in the hub's format that no referral has.
constexpr char kNoSuchRef[] = "PRV-WXC-2025-999999";

using testing::AuditEvents;
using testing::Bytes;
using testing::CertsDir;
using testing::Deadline;
using testing::EventsFor;
using testing::Pem;
using testing::QueryInt;
using testing::RecipientPartners;
using testing::WithoutId;

class ReferralTest : public testing::DemoHubTest {};

// --- 1. Projections ----------------------------------------------------------

TEST_F(ReferralTest, FourRolesSeeFourProjectionsOfOneReferralAndOthersNothing) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::AdultSubmission(), "adult-1", &ref));

  // The referrer, for feedback (F50): the reference, bucket and date only.
  api::GetReferralResponse referrer;
  grpc::Status status = Get("u-drwhit", ref, pb::REFERRER_FEEDBACK, &referrer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    const rec::CaseFile& file = referrer.case_file();
    EXPECT_EQ(file.referral().referral_ref(), ref);
    EXPECT_EQ(file.referral().status_bucket(), rec::Referral::RECEIVED);
    EXPECT_TRUE(file.referral().has_received_at());
    EXPECT_FALSE(file.has_subject());
    EXPECT_EQ(file.related_persons_size(), 0);
    EXPECT_FALSE(file.has_gateway());
    // Nothing else of the referral: clearing the three leaves it empty.
    rec::Referral rest = file.referral();
    rest.clear_referral_ref();
    rest.clear_status_bucket();
    rest.clear_received_at();
    EXPECT_EQ(rest.ByteSizeLong(), 0u) << rest.DebugString();
    EXPECT_TRUE(file.referral().concern_summary().empty());
    EXPECT_EQ(file.referral().state(), pb::REFERRAL_STATE_UNSPECIFIED);
  }

  // The coordinator, screening (F12): subject and referral with HEALTH and
  // RELIGION only.
  api::GetReferralResponse coordinator;
  status = Get("u-hokoro", ref, pb::PREVENT_SCREENING, &coordinator);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    const rec::CaseFile& file = coordinator.case_file();
    EXPECT_EQ(file.subject().identity().surname(), "Marsh");
    EXPECT_EQ(file.subject().identity().forenames(), "Ryan");
    EXPECT_FALSE(file.referral().concern_summary().empty());
    ASSERT_EQ(file.referral().complex_needs_size(), 1);
    EXPECT_EQ(file.referral().complex_needs(0).type(),
              rec::ComplexNeed::MENTAL_HEALTH);
    EXPECT_EQ(file.referral().referral_ref(), ref);
    EXPECT_EQ(file.referral().state(), pb::SUBMITTED);
    // Political, criminal and ethnicity data, the people around the
    // subject and the gateway's record are not the coordinator's.
    EXPECT_EQ(file.referral().indicators_size(), 0);
    EXPECT_EQ(file.referral().type_of_concern(),
              rec::Referral::TYPE_OF_CONCERN_UNSPECIFIED);
    EXPECT_TRUE(file.referral().threats_or_intent_to_harm().empty());
    EXPECT_TRUE(file.subject().ethnicity().empty());
    EXPECT_EQ(file.related_persons_size(), 0);
    EXPECT_FALSE(file.has_gateway());
    EXPECT_FALSE(file.has_deconfliction());
    const std::string bytes = Bytes(coordinator);
    EXPECT_THAT(bytes, Not(HasSubstr("DEMO-ETHNICITY-CANARY")));
    EXPECT_THAT(bytes, Not(HasSubstr("DEMO-THREATS-CANARY")));
    EXPECT_THAT(bytes, Not(HasSubstr("Moira Marsh")));
  }

  // The CT gateway, at submission (F05): everything the referrer sent.
  api::GetReferralResponse gateway;
  status = Get("u-dsallenby", ref, pb::PREVENT_REFERRAL_SUBMISSION, &gateway);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    const rec::CaseFile& file = gateway.case_file();
    EXPECT_EQ(file.subject().identity().surname(), "Marsh");
    EXPECT_EQ(file.subject().ethnicity(), "DEMO-ETHNICITY-CANARY");
    EXPECT_EQ(file.referral().type_of_concern(), rec::Referral::ISLAMIST);
    ASSERT_EQ(file.referral().indicators_size(), 1);
    EXPECT_EQ(file.referral().indicators(0).category(),
              rec::ConcernIndicator::TRAVEL_CONCERN);
    EXPECT_EQ(file.referral().threats_or_intent_to_harm(),
              "DEMO-THREATS-CANARY");
    ASSERT_EQ(file.related_persons_size(), 1);
    EXPECT_EQ(file.related_persons(0).name(), "Moira Marsh");
    EXPECT_FALSE(file.related_persons(0).related_person_id().empty());
    EXPECT_EQ(file.referral().complex_needs_size(), 1);
    EXPECT_FALSE(file.subject().subject_id().empty());
    EXPECT_EQ(file.subject().local_identifiers_size(), 1);
    EXPECT_FALSE(file.referral().mash_notified());  // an adult, alone
    EXPECT_FALSE(file.has_gateway());               // no decision yet
  }

  // A school DSL has no part in an NHS referral: for either purpose it is
  // NOT_FOUND, in the same words as a reference that does not exist.
  api::GetReferralResponse missing_answer;
  grpc::Status missing =
      Get("u-dsl2", kNoSuchRef, pb::REFERRER_FEEDBACK, &missing_answer);
  ASSERT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND)
      << missing.error_message();
  api::GetReferralResponse school;
  for (pb::Purpose purpose : {pb::REFERRER_FEEDBACK, pb::PREVENT_SCREENING}) {
    SCOPED_TRACE(pb::Purpose_Name(purpose));
    school.Clear();
    grpc::Status hidden = Get("u-dsl2", ref, purpose, &school);
    EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND)
        << hidden.error_message();
    EXPECT_FALSE(school.has_case_file());
    EXPECT_EQ(WithoutId(hidden.error_message(), ref),
              WithoutId(missing.error_message(), kNoSuchRef));
    EXPECT_EQ(hidden.error_details(), missing.error_details());
    // The internal id must not leak through the error either.
    EXPECT_THAT(hidden.error_message(),
                Not(HasSubstr(gateway.case_file().referral().referral_id())));
  }

  // The MASH sees nothing of an adult living without children (F03).
  api::GetReferralResponse mash_adult;
  grpc::Status mash_hidden =
      Get("u-mash1", ref, pb::CHILD_SAFEGUARDING_MASH, &mash_adult);
  EXPECT_EQ(mash_hidden.error_code(), grpc::StatusCode::NOT_FOUND)
      << mash_hidden.error_message();
  EXPECT_FALSE(mash_adult.has_case_file());
  {
    api::GetReferralResponse ignored;
    grpc::Status mash_missing =
        Get("u-mash1", kNoSuchRef, pb::CHILD_SAFEGUARDING_MASH, &ignored);
    EXPECT_EQ(WithoutId(mash_hidden.error_message(), ref),
              WithoutId(mash_missing.error_message(), kNoSuchRef));
  }

  // Four callers, four different answers (the school's being nothing).
  const std::vector<std::string> answers = {Bytes(referrer), Bytes(coordinator),
                                            Bytes(gateway), Bytes(school)};
  for (size_t i = 0; i < answers.size(); ++i) {
    for (size_t j = i + 1; j < answers.size(); ++j) {
      EXPECT_NE(answers[i], answers[j]) << i << " vs " << j;
    }
  }
  EXPECT_TRUE(answers[3].empty());
  EXPECT_LT(answers[0].size(), answers[1].size());
  EXPECT_LT(answers[1].size(), answers[2].size());

  // The adult's submission went to the council and the gateway, not the MASH.
  std::vector<ab::AuditEvent> adult_events =
      EventsFor(AuditEvents(db_path_), ref);
  ASSERT_FALSE(adult_events.empty());
  EXPECT_EQ(adult_events[0].method(), kSubmit);
  EXPECT_EQ(adult_events[0].operation(), ab::COLLECT);
  EXPECT_THAT(RecipientPartners(adult_events[0]),
              UnorderedElementsAre("P-LBW", "P-SO15D"));

  // A child, referred by their school: the MASH is notified (T2) and sees
  // the minimised set of F03.
  std::string child_ref;
  ASSERT_NO_FATAL_FAILURE(SubmitOk("u-rcaldwell", testing::ChildSubmission(),
                                   "child-1", &child_ref));
  api::GetReferralResponse mash;
  status = Get("u-mash1", child_ref, pb::CHILD_SAFEGUARDING_MASH, &mash);
  ASSERT_TRUE(status.ok()) << status.error_message();
  {
    const rec::CaseFile& file = mash.case_file();
    EXPECT_EQ(file.subject().identity().surname(), "Reeve");
    ASSERT_EQ(file.subject().addresses_size(), 1);
    EXPECT_EQ(file.subject().addresses(0).postcode(), "ZZ1 4DM");
    ASSERT_EQ(file.related_persons_size(), 1);
    EXPECT_EQ(file.related_persons(0).name(), "Joanne Reeve");
    EXPECT_FALSE(file.referral().concern_summary().empty());
    EXPECT_EQ(file.referral().complex_needs_size(), 1);
    // Not the concern's nature, identifiers or contact details.
    EXPECT_EQ(file.referral().indicators_size(), 0);
    EXPECT_EQ(file.referral().type_of_concern(),
              rec::Referral::TYPE_OF_CONCERN_UNSPECIFIED);
    EXPECT_TRUE(file.referral().threats_or_intent_to_harm().empty());
    EXPECT_EQ(file.subject().local_identifiers_size(), 0);
    EXPECT_EQ(file.subject().phones_size(), 0);
    EXPECT_TRUE(file.subject().ethnicity().empty());
    EXPECT_TRUE(file.subject().subject_id().empty());
    EXPECT_FALSE(file.referral().has_referrer());
    EXPECT_FALSE(file.has_gateway());
  }
  std::vector<ab::AuditEvent> child_events =
      EventsFor(AuditEvents(db_path_), child_ref);
  ASSERT_FALSE(child_events.empty());
  EXPECT_EQ(child_events[0].method(), kSubmit);
  EXPECT_EQ(child_events[0].operation(), ab::COLLECT);
  EXPECT_THAT(RecipientPartners(child_events[0]),
              UnorderedElementsAre("P-LBW", "P-SO15D", "P-LBW-MASH"));
  api::GetReferralResponse child_gateway;
  status = Get("u-dsallenby", child_ref, pb::PREVENT_REFERRAL_SUBMISSION,
               &child_gateway);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(child_gateway.case_file().referral().mash_notified());
}

// --- 2. Idempotent submission ------------------------------------------------

TEST_F(ReferralTest, ARetriedSubmissionIsAppliedOnce) {
  StartHub();
  api::SubmitReferralResponse first;
  grpc::Status status =
      Submit("u-drwhit", testing::AdultSubmission(), "retry-1", &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const size_t after_first = AuditEvents(db_path_).size();

  // The retry: later, as a client would after a lost answer.
  clock_.Advance(absl::Minutes(5));
  api::SubmitReferralResponse second;
  status = Submit("u-drwhit", testing::AdultSubmission(), "retry-1", &second);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(first, second))
      << first.DebugString() << " vs " << second.DebugString();
  EXPECT_EQ(ReferralRows(), 1);

  std::vector<ab::AuditEvent> events = AuditEvents(db_path_);
  ASSERT_EQ(events.size(), after_first + 1);
  std::vector<ab::AuditEvent> mine = EventsFor(events, first.referral_ref());
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[0].operation(), ab::COLLECT);
  EXPECT_EQ(mine[1].operation(), ab::CONSULT);
  EXPECT_EQ(mine[1].method(), kSubmit);
  EXPECT_TRUE(mine[1].decision().allowed());

  // The same id for another method is a client error, not a replay.
  api::TransitionReferralRequest withdraw = Move(
      first.referral_ref(), pb::PREVENT_REFERRAL_SUBMISSION, pb::WITHDRAWN);
  withdraw.mutable_context()->set_request_id("retry-1");
  api::TransitionReferralResponse moved;
  status = Transition("u-drwhit", withdraw, &moved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("context.request_id"));
  EXPECT_TRUE(moved.referral_ref().empty());

  // Nor may another principal of the same partner replay it: they are told
  // the id is taken, not given the first caller's answer.
  api::SubmitReferralResponse other;
  status = Submit("u-nurse", testing::AdultSubmission(), "retry-1", &other);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("context.request_id"));
  EXPECT_TRUE(other.referral_ref().empty());

  // Still one referral, and still SUBMITTED.
  EXPECT_EQ(ReferralRows(), 1);
  api::GetReferralResponse seen;
  status = Get("u-dsallenby", first.referral_ref(),
               pb::PREVENT_REFERRAL_SUBMISSION, &seen);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(seen.case_file().referral().state(), pb::SUBMITTED);
}

// --- 3. Validation -----------------------------------------------------------

TEST_F(ReferralTest, BadSubmissionsNameTheFieldAndStoreNothing) {
  StartHub();
  struct Bad {
    std::string name;
    rec::ReferralSubmission submission;
    std::string request_id;
    std::vector<std::string> message_has;
  };
  std::vector<Bad> bad;
  {
    rec::ReferralSubmission s = testing::AdultSubmission();
    s.mutable_referral()->set_immediate_risk(true);
    bad.push_back({"immediate risk",
                   s,
                   "bad-1",
                   {"submission.referral.immediate_risk", "999"}});
  }
  {
    rec::ReferralSubmission s = testing::AdultSubmission();
    s.mutable_subject()->mutable_local_identifiers(0)->set_value(
        "999 159 0839");  // 0838 is the valid one
    bad.push_back(
        {"NHS check digit",
         s,
         "bad-2",
         {"submission.subject.local_identifiers[0].value", "check digit"}});
  }
  {
    rec::ReferralSubmission s = testing::AdultSubmission();
    s.mutable_subject()->mutable_identity()->clear_surname();
    bad.push_back({"no surname",
                   s,
                   "bad-3",
                   {"submission.subject.identity.surname", "required"}});
  }
  bad.push_back({"no request id",
                 testing::AdultSubmission(),
                 "",
                 {"context.request_id"}});
  {
    rec::ReferralSubmission s = testing::AdultSubmission();
    s.mutable_referral()->set_type_of_concern(
        static_cast<rec::Referral::TypeOfConcern>(99));
    bad.push_back({"unknown enum",
                   s,
                   "bad-5",
                   {"submission.referral.type_of_concern", "99"}});
  }
  {
    rec::ReferralSubmission s = testing::AdultSubmission();
    s.mutable_referral()->set_referral_ref("PRV-WXC-2025-000001");
    bad.push_back(
        {"hub-assigned field",
         s,
         "bad-6",
         {"submission.referral.referral_ref", "assigned by the hub"}});
  }

  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    const size_t before = AuditEvents(db_path_).size();
    api::SubmitReferralResponse response;
    grpc::Status status =
        Submit("u-drwhit", b.submission, b.request_id, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
    for (const std::string& part : b.message_has) {
      EXPECT_THAT(status.error_message(), HasSubstr(part));
    }
    EXPECT_TRUE(response.referral_ref().empty());
    std::vector<ab::AuditEvent> events = AuditEvents(db_path_);
    ASSERT_EQ(events.size(), before + 1);
    EXPECT_EQ(events.back().method(), kSubmit);
    EXPECT_EQ(events.back().actor().principal_id(), "U-DRWHIT");
    EXPECT_EQ(events.back().status(), "INVALID_ARGUMENT");
    EXPECT_FALSE(events.back().decision().allowed());
    EXPECT_NE(events.back().operation(), ab::COLLECT);
    EXPECT_TRUE(events.back().object().referral_id().empty());
  }
  EXPECT_EQ(ReferralRows(), 0);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM replies"), 0);

  // The refused request ids were not taken: fixed, the same id is accepted.
  api::SubmitReferralResponse fixed;
  grpc::Status status =
      Submit("u-drwhit", testing::AdultSubmission(), "bad-1", &fixed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(ReferralRows(), 1);
}

// --- 4. The transition table -------------------------------------------------

TEST_F(ReferralTest, TransitionsFollowTheTableForEachRole) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::AdultSubmission(), "move-1", &ref));

  // The referrer may update their own SUBMITTED referral (F51), but the
  // table gives T3 to the coordinator and the gateway: PERMISSION_DENIED,
  // naming who may. For a purpose with no right to update at all, the
  // referral is hidden: NOT_FOUND.
  grpc::Status status = Transition(
      "u-drwhit", Move(ref, pb::PREVENT_REFERRAL_SUBMISSION, pb::SCREENING));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("LA_PREVENT_COORDINATOR"));
  EXPECT_THAT(status.error_message(), HasSubstr("T3"));
  status =
      Transition("u-drwhit", Move(ref, pb::PREVENT_SCREENING, pb::SCREENING));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << status.error_message();

  // T3 by the coordinator, screening.
  api::TransitionReferralResponse moved;
  status = Transition("u-hokoro",
                      Move(ref, pb::PREVENT_SCREENING, pb::SCREENING), &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(moved.state(), pb::SCREENING);
  EXPECT_EQ(moved.referral_ref(), ref);
  {
    std::vector<ab::AuditEvent> events = EventsFor(AuditEvents(db_path_), ref);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().method(), kTransition);
    EXPECT_EQ(events.back().operation(), ab::ALTER);
    EXPECT_EQ(events.back().actor().principal_id(), "U-HOKORO");
  }

  // T5 is the gateway's alone.
  status = Transition("u-hokoro",
                      Move(ref, pb::PREVENT_SCREENING, pb::POLICE_GATEWAY));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("CT_GATEWAY_OFFICER"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("LA_PREVENT_COORDINATOR")));

  api::TransitionReferralRequest to_gateway =
      Move(ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::POLICE_GATEWAY);
  to_gateway.mutable_context()->set_justification(
      "Gateway assessment of a referral in screening");
  status = Transition("u-dsallenby", to_gateway, &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(moved.state(), pb::POLICE_GATEWAY);

  // T6 needs the gateway's decision: the outcome matching the target state
  // and a PAF summary code.
  api::TransitionReferralRequest decide =
      Move(ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::INFO_GATHERING);
  decide.mutable_context()->set_justification("Gateway decision");
  decide.set_paf_summary_code("PAF-DEMO-7");
  status = Transition("u-dsallenby", decide);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("routing_outcome"));

  decide.set_routing_outcome(rec::POLICE_MANAGED);
  status = Transition("u-dsallenby", decide);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("routing_outcome"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("PROCEED_TO_CHANNEL_INFO_GATHERING"));

  decide.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  decide.clear_paf_summary_code();
  status = Transition("u-dsallenby", decide);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("paf_summary_code"));

  // None of the refused decisions moved it.
  api::GetReferralResponse gateway_view;
  status = Get("u-dsallenby", ref, pb::PREVENT_GATEWAY_DECONFLICTION,
               &gateway_view, "Check the referral's state");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(gateway_view.case_file().referral().state(), pb::POLICE_GATEWAY);
  EXPECT_FALSE(gateway_view.case_file().has_gateway());

  // T6 also needs the deconfliction outcome, for the same routing.
  decide.set_paf_summary_code("PAF-DEMO-7");
  status = Transition("u-dsallenby", decide);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("deconfliction outcome"));
  ASSERT_NO_FATAL_FAILURE(
      DeconflictOk(ref, testing::AdultSubmission(), rec::POLICE_MANAGED));
  status = Transition("u-dsallenby", decide);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("POLICE_MANAGED"));
  ASSERT_NO_FATAL_FAILURE(DeconflictOk(ref, testing::AdultSubmission(),
                                       rec::PROCEED_TO_CHANNEL_INFO_GATHERING));
  status = Transition("u-dsallenby", decide, &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(moved.state(), pb::INFO_GATHERING);

  // The gateway keeps its whole decision...
  status = Get("u-dsallenby", ref, pb::PREVENT_GATEWAY_DECONFLICTION,
               &gateway_view, "Review the routing decision");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(gateway_view.case_file().gateway().routing_outcome(),
            rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  EXPECT_EQ(gateway_view.case_file().gateway().paf_summary_code(),
            "PAF-DEMO-7");
  EXPECT_EQ(gateway_view.case_file().gateway().officer_id(), "U-DSALLENBY");

  // The coordinator's Channel view of the outcome arrives with the
  // information-gathering rules (docs/referrals.md, not yet built); screening
  // is over, so the screening rule (F12) no longer releases the case.
  {
    api::GetReferralResponse screening;
    status = Get("u-hokoro", ref, pb::PREVENT_SCREENING, &screening);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
        << status.error_message();
    EXPECT_FALSE(screening.has_case_file());
  }

  // The referrer is told only that the partnership has it (P08).
  api::GetReferralResponse referrer;
  status = Get("u-drwhit", ref, pb::REFERRER_FEEDBACK, &referrer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(referrer.case_file().referral().status_bucket(),
            rec::Referral::IN_PROGRESS_WITH_PREVENT_PARTNERSHIP);
  EXPECT_EQ(referrer.case_file().referral().state(),
            pb::REFERRAL_STATE_UNSPECIFIED);
  EXPECT_FALSE(referrer.case_file().has_gateway());
  EXPECT_FALSE(referrer.case_file().has_subject());

  // A second referral, to try the remaining rows on.
  std::string second;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::OtherAdultSubmission(), "move-2", &second));
  status = Transition("u-hokoro",
                      Move(second, pb::PREVENT_SCREENING, pb::SUPPORT_ACTIVE));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("SUBMITTED"));
  EXPECT_THAT(status.error_message(), HasSubstr("SUPPORT_ACTIVE"));

  // A school DSL who did not refer it cannot withdraw it, nor learn it
  // exists: the same NOT_FOUND as a reference that does not exist.
  grpc::Status hidden = Transition(
      "u-dsl2", Move(second, pb::PREVENT_REFERRAL_SUBMISSION, pb::WITHDRAWN));
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND)
      << hidden.error_message();
  grpc::Status missing = Transition(
      "u-dsl2",
      Move(kNoSuchRef, pb::PREVENT_REFERRAL_SUBMISSION, pb::WITHDRAWN));
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(WithoutId(hidden.error_message(), second),
            WithoutId(missing.error_message(), kNoSuchRef));

  // Its referrer may withdraw it before screening (T1, F51).
  status = Transition(
      "u-drwhit", Move(second, pb::PREVENT_REFERRAL_SUBMISSION, pb::WITHDRAWN),
      &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(moved.state(), pb::WITHDRAWN);
  EXPECT_EQ(moved.referral_ref(), second);
  // No purpose shows anyone but its referrer a withdrawn referral, so the
  // store is asked directly.
  EXPECT_EQ(QueryInt(db_path_, "SELECT state FROM referrals WHERE ref = '" +
                                   second + "'"),
            pb::WITHDRAWN);
  // Withdrawing is not the first referral's: that one was left alone.
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM referrals WHERE state = " +
                                   std::to_string(pb::INFO_GATHERING)),
            1);
}

// --- 5. Re-referral ----------------------------------------------------------

TEST_F(ReferralTest, ARepeatReferralIsLinkedAndCountedOverWhatEachMaySee) {
  StartHub();
  std::string refs[3];
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-nurse", testing::AdultSubmission(), "repeat-1", &refs[0]));
  clock_.Advance(absl::Hours(24));  // within the certificates' 30 days
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::AdultSubmission(), "repeat-2", &refs[1]));
  clock_.Advance(absl::Hours(24));  // within the certificates' 30 days
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-nurse", testing::AdultSubmission(), "repeat-3", &refs[2]));
  std::string other;
  ASSERT_NO_FATAL_FAILURE(SubmitOk("u-nurse", testing::OtherAdultSubmission(),
                                   "repeat-other", &other));

  api::GetReferralResponse views[3];
  for (int i = 0; i < 3; ++i) {
    grpc::Status status =
        Get("u-dsallenby", refs[i], pb::PREVENT_REFERRAL_SUBMISSION, &views[i]);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  const rec::Referral& third = views[2].case_file().referral();
  EXPECT_THAT(third.prior_referral_ids(),
              ::testing::ElementsAre(refs[0], refs[1]));
  EXPECT_EQ(third.prior_referrals_24m(), 2);
  EXPECT_TRUE(third.repeat_referral_assurance());
  // The second had one before it and no assurance flag; the first none.
  EXPECT_THAT(views[1].case_file().referral().prior_referral_ids(),
              ::testing::ElementsAre(refs[0]));
  EXPECT_EQ(views[1].case_file().referral().prior_referrals_24m(), 1);
  EXPECT_FALSE(views[1].case_file().referral().repeat_referral_assurance());
  EXPECT_EQ(views[0].case_file().referral().prior_referral_ids_size(), 0);
  EXPECT_EQ(views[0].case_file().referral().prior_referrals_24m(), 0);
  // One subject, one id.
  const std::string subject_id = views[0].case_file().subject().subject_id();
  EXPECT_FALSE(subject_id.empty());
  EXPECT_EQ(views[1].case_file().subject().subject_id(), subject_id);
  EXPECT_EQ(views[2].case_file().subject().subject_id(), subject_id);

  // A different subject is linked to none of them.
  api::GetReferralResponse unrelated;
  grpc::Status status =
      Get("u-dsallenby", other, pb::PREVENT_REFERRAL_SUBMISSION, &unrelated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(unrelated.case_file().referral().prior_referral_ids_size(), 0);
  EXPECT_EQ(unrelated.case_file().referral().prior_referrals_24m(), 0);
  EXPECT_FALSE(unrelated.case_file().referral().repeat_referral_assurance());
  EXPECT_NE(unrelated.case_file().subject().subject_id(), subject_id);

  // The referrer is told nothing of the others.
  api::GetReferralResponse referrer;
  status = Get("u-nurse", refs[2], pb::REFERRER_FEEDBACK, &referrer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(referrer.case_file().referral().prior_referral_ids_size(), 0);
  EXPECT_EQ(referrer.case_file().referral().prior_referrals_24m(), 0);

  // Links are counted only over what the reader may see: once the first
  // referral is in screening, F05 (the gateway at submission) no longer
  // covers it, so the gateway reading for that purpose counts one earlier
  // referral; the coordinator screening (F12) still sees both.
  status = Transition("u-hokoro",
                      Move(refs[0], pb::PREVENT_SCREENING, pb::SCREENING));
  ASSERT_TRUE(status.ok()) << status.error_message();
  status =
      Get("u-dsallenby", refs[2], pb::PREVENT_REFERRAL_SUBMISSION, &views[2]);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(views[2].case_file().referral().prior_referral_ids(),
              ::testing::ElementsAre(refs[1]));
  EXPECT_EQ(views[2].case_file().referral().prior_referrals_24m(), 1);
  api::GetReferralResponse coordinator;
  status = Get("u-hokoro", refs[2], pb::PREVENT_SCREENING, &coordinator);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(coordinator.case_file().referral().prior_referral_ids(),
              ::testing::ElementsAre(refs[0], refs[1]));
  EXPECT_EQ(coordinator.case_file().referral().prior_referrals_24m(), 2);
}

// --- 6. List -----------------------------------------------------------------

TEST_F(ReferralTest, ListShowsOnlyWhatTheCallerMaySee) {
  StartHub();
  std::string whit1, whit2, nurse, child;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::AdultSubmission(), "list-1", &whit1));
  clock_.Advance(absl::Minutes(1));
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", testing::OtherAdultSubmission(), "list-2", &whit2));
  clock_.Advance(absl::Minutes(1));
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-nurse", testing::AdultSubmission(), "list-3", &nurse));
  clock_.Advance(absl::Minutes(1));
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-rcaldwell", testing::ChildSubmission(), "list-4", &child));

  // What any list entry may hold; each test strips what it expects.
  const auto only = [](const rec::Referral& entry,
                       const std::set<std::string>& fields) {
    rec::Referral rest = entry;
    const google::protobuf::Descriptor* d = rec::Referral::descriptor();
    for (const std::string& name : fields) {
      rest.GetReflection()->ClearField(&rest, d->FindFieldByName(name));
    }
    return rest.ByteSizeLong() == 0 ? std::string() : rest.DebugString();
  };

  // The referrer, for feedback: their own two, reference, bucket and date.
  api::ListReferralsResponse mine;
  grpc::Status status = List("u-drwhit", pb::REFERRER_FEEDBACK, &mine);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> refs;
  for (const rec::Referral& entry : mine.referrals()) {
    refs.push_back(entry.referral_ref());
    EXPECT_EQ(entry.status_bucket(), rec::Referral::RECEIVED);
    EXPECT_TRUE(entry.has_received_at());
    EXPECT_EQ(entry.state(), pb::REFERRAL_STATE_UNSPECIFIED);
    EXPECT_TRUE(entry.area_code().empty());
    EXPECT_EQ(only(entry, {"referral_ref", "status_bucket", "received_at"}),
              "");
  }
  EXPECT_THAT(refs, UnorderedElementsAre(whit1, whit2));
  EXPECT_FALSE(mine.truncated());

  // The coordinator, screening: every referral in WXC, with its state.
  api::ListReferralsResponse all;
  status = List("u-hokoro", pb::PREVENT_SCREENING, &all);
  ASSERT_TRUE(status.ok()) << status.error_message();
  refs.clear();
  for (const rec::Referral& entry : all.referrals()) {
    refs.push_back(entry.referral_ref());
    EXPECT_EQ(entry.state(), pb::SUBMITTED);
    EXPECT_EQ(entry.area_code(), "WXC");
    EXPECT_EQ(
        only(entry, {"referral_ref", "state", "status_bucket", "received_at",
                     "area_code", "repeat_referral_assurance"}),
        "");
  }
  EXPECT_THAT(refs, UnorderedElementsAre(whit1, whit2, nurse, child));

  // Another school's DSL, who referred nothing: an empty list.
  api::ListReferralsResponse none;
  status = List("u-dsl2", pb::REFERRER_FEEDBACK, &none);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(none.referrals_size(), 0);
  EXPECT_FALSE(none.truncated());

  // The MASH: the child's referral only. (F03 releases none of the list's
  // fields, so the entry is there but empty.)
  api::ListReferralsResponse mash;
  status = List("u-mash1", pb::CHILD_SAFEGUARDING_MASH, &mash);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(mash.referrals_size(), 1);

  // No list carries anything about a subject or the concern.
  for (const api::ListReferralsResponse* list : {&mine, &all, &none, &mash}) {
    const std::string bytes = Bytes(*list);
    for (const char* canary :
         {"Marsh", "Reeve", "Hart", "Ryan", "Callum", "Dylan", "ZZ1",
          "home visit", "DEMO-THREATS-CANARY", "Sorensen", "Caldwell"}) {
      EXPECT_THAT(bytes, Not(HasSubstr(canary)));
    }
    for (const rec::Referral& entry : list->referrals()) {
      EXPECT_FALSE(entry.has_referrer());
      EXPECT_TRUE(entry.concern_summary().empty());
      EXPECT_EQ(entry.complex_needs_size(), 0);
      EXPECT_EQ(entry.indicators_size(), 0);
      EXPECT_TRUE(entry.referral_id().empty());
    }
  }
}

// --- 7. Atomicity -----------------------------------------------------------

TEST_F(ReferralTest, AWriteAndItsAuditEventCommitTogether) {
  config_.set_database_path(
      absl::StrCat("file:", db_path_, "?vfs=", store::InstallFaultVfs()));
  StartHub();
  std::string before_ref;
  ASSERT_NO_FATAL_FAILURE(SubmitOk("u-drwhit", testing::OtherAdultSubmission(),
                                   "fault-0", &before_ref));
  const size_t before = AuditEvents(db_path_).size();
  ASSERT_EQ(ReferralRows(), 1);

  store::SetFaultVfsFailing(true);
  api::SubmitReferralResponse refused;
  grpc::Status status =
      Submit("u-drwhit", testing::AdultSubmission(), "fault-1", &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_TRUE(refused.referral_ref().empty());
  store::SetFaultVfsFailing(false);

  // Neither the referral, nor its event, nor its stored reply.
  EXPECT_EQ(ReferralRows(), 1);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM replies"), 1);
  std::vector<ab::AuditEvent> events = AuditEvents(db_path_);
  EXPECT_EQ(events.size(), before);
  for (const ab::AuditEvent& event : events) {
    EXPECT_TRUE(event.object().referral_id().empty() ||
                event.object().referral_id() == before_ref)
        << event.DebugString();
  }
  {  // TESTING I8: the database is sound after the fault.
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2(db_path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr),
        SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)),
                 "ok");
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
  }

  // The retry, with the same id, is a first submission: collected once.
  api::SubmitReferralResponse accepted;
  status = Submit("u-drwhit", testing::AdultSubmission(), "fault-1", &accepted);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(accepted.referral_ref().empty());
  EXPECT_EQ(ReferralRows(), 2);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM referrals WHERE ref = '" +
                                   accepted.referral_ref() + "'"),
            1);
  events = AuditEvents(db_path_);
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(events.back().operation(), ab::COLLECT);
  EXPECT_EQ(events.back().object().referral_id(), accepted.referral_ref());

  // And a second retry replays it.
  api::SubmitReferralResponse replayed;
  status = Submit("u-drwhit", testing::AdultSubmission(), "fault-1", &replayed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(MessageDifferencer::Equals(accepted, replayed));
  EXPECT_EQ(ReferralRows(), 2);
}

// --- 7. The Channel stages ---------------------------------------------------

namespace channel {

api::RequestContext Context(pb::Purpose purpose,
                            const std::string& justification = "") {
  api::RequestContext context;
  context.set_purpose(purpose);
  context.set_justification(justification);
  return context;
}

}  // namespace channel

class ChannelTest : public ReferralTest {
 protected:
  // Submits an adult referral as the NHS lead and walks it to
  // INFO_GATHERING (T3, T5, T6); a fatal failure if any step is refused.
  void ToInfoGathering(std::string* ref) {
    ASSERT_NO_FATAL_FAILURE(
        SubmitOk("u-drwhit", testing::AdultSubmission(), "channel-1", ref));
    ASSERT_TRUE(
        Transition("u-hokoro", Move(*ref, pb::PREVENT_SCREENING, pb::SCREENING))
            .ok());
    api::TransitionReferralRequest gate =
        Move(*ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::POLICE_GATEWAY);
    gate.mutable_context()->set_justification("Gateway assessment");
    ASSERT_TRUE(Transition("u-dsallenby", gate).ok());
    ASSERT_NO_FATAL_FAILURE(
        DeconflictOk(*ref, testing::AdultSubmission(),
                     rec::PROCEED_TO_CHANNEL_INFO_GATHERING));
    gate.set_to(pb::INFO_GATHERING);
    gate.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
    gate.set_paf_summary_code("PAF-DEMO-7");
    grpc::Status status = Transition("u-dsallenby", gate);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  api::RequestInformationRequest Ask(const std::string& ref,
                                     const std::string& partner) {
    api::RequestInformationRequest ask;
    *ask.mutable_context() = channel::Context(pb::CHANNEL_ASSESSMENT);
    ask.set_referral(ref);
    ask.set_recipient_partner_id(partner);
    ask.set_legal_gateway("CTSA 2015 s.38; UK GDPR Art 6(1)(e)");
    auto* q1 = ask.add_questions();
    q1->set_q_id("Q1");
    q1->set_text("Is the subject known to your mental health services?");
    auto* q2 = ask.add_questions();
    q2->set_q_id("Q2");
    q2->set_text("Any current care plan?");
    ask.set_due_by_unix_ms(absl::ToUnixMillis(clock_.Now() + absl::Hours(168)));
    return ask;
  }

  grpc::Status Respond(const std::string& user,
                       const api::RespondInformationRequest& request,
                       api::RespondInformationResponse* response) {
    return testing::CallUnary(As(user),
                              &api::ReferralService::Stub::RespondInformation,
                              request, response);
  }

  grpc::Status Requests(const std::string& user, const std::string& referral,
                        api::ListInformationRequestsResponse* response) {
    api::ListInformationRequestsRequest request;
    *request.mutable_context() = channel::Context(pb::CHANNEL_ASSESSMENT);
    request.set_referral(referral);
    return testing::CallUnary(
        As(user), &api::ReferralService::Stub::ListInformationRequests, request,
        response);
  }
};

TEST_F(ChannelTest,
       AnInformationRequestReachesOnlyItsPartnerAndAnNhsAnswerNeedsP13) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToInfoGathering(&ref));

  // T7 is the coordinator's; the police are never asked (they hold the
  // case), and a referral the caller may not see is NOT_FOUND.
  api::RequestInformationResponse asked;
  api::RequestInformationRequest ask = Ask(ref, "P-SO15D");
  grpc::Status status = testing::CallUnary(
      As("u-hokoro"), &api::ReferralService::Stub::RequestInformation, ask,
      &asked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("recipient_partner_id"));
  ask = Ask(ref, "P-NHS1");
  ask.mutable_questions(1)->set_q_id("Q1");
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::RequestInformation,
                              ask, &asked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("questions[1].q_id"));
  status = testing::CallUnary(As("u-imercer"),
                              &api::ReferralService::Stub::RequestInformation,
                              Ask(ref, "P-NHS1"), &asked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM information_requests"), 0);

  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::RequestInformation,
                              Ask(ref, "P-NHS1"), &asked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(asked.state(), rec::InformationRequest::SENT);
  const std::string nhs_request = asked.request_id();
  {
    std::vector<ab::AuditEvent> events = EventsFor(AuditEvents(db_path_), ref);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().operation(), ab::DISCLOSE);
    EXPECT_THAT(RecipientPartners(events.back()),
                UnorderedElementsAre("P-NHS1"));
  }

  // The addressed partner sees the questions and who they are about, and
  // nothing else of the referral; another partner sees no request at all.
  api::ListInformationRequestsResponse mine;
  status = Requests("u-drwhit", "", &mine);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(mine.requests_size(), 1);
  const rec::CaseFile& view = mine.requests(0);
  EXPECT_EQ(view.information_request().request_id(), nhs_request);
  EXPECT_EQ(view.information_request().questions_size(), 2);
  EXPECT_EQ(view.referral().referral_ref(), ref);
  EXPECT_EQ(view.subject().identity().surname(), "Marsh");
  EXPECT_TRUE(view.referral().concern_summary().empty());
  EXPECT_EQ(view.subject().addresses_size(), 0);
  EXPECT_FALSE(view.has_gateway());
  api::ListInformationRequestsResponse theirs;
  status = Requests("u-imercer", "", &theirs);
  EXPECT_EQ(theirs.requests_size(), 0) << status.error_message();

  // Probation cannot answer the trust's request: it is not there for them.
  // Nor can the coordinator who sent it, though F26 lets him follow it.
  api::RespondInformationRequest answer;
  *answer.mutable_context() = channel::Context(pb::CHANNEL_ASSESSMENT);
  answer.set_request_id(nhs_request);
  auto* a1 = answer.mutable_response()->add_answers();
  a1->set_q_id("Q1");
  a1->set_text("Known to the community mental health team since 2024.");
  auto* a2 = answer.mutable_response()->add_answers();
  a2->set_q_id("Q2");
  a2->set_no_trace(true);
  api::RespondInformationResponse answered;
  status = Respond("u-imercer", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = Respond("u-hokoro", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  {
    std::vector<ab::AuditEvent> events = AuditEvents(db_path_);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().operation(), ab::POLICY_DENY);
    EXPECT_EQ(events.back().decision().reason(), pb::OUT_OF_SCOPE);
  }

  // P13: an NHS answer records the consent decision; without consent, a
  // public-interest justification and a Caldicott approver who is not the
  // responder.
  status = Respond("u-drwhit", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("consent_decision"));
  answer.mutable_response()->set_consent_decision(
      rec::InformationResponse::SOUGHT_REFUSED);
  status = Respond("u-drwhit", answer, &answered);
  EXPECT_THAT(status.error_message(),
              HasSubstr("public_interest_justification"));
  answer.mutable_response()->set_public_interest_justification(
      "Risk of serious harm to others outweighs the duty of confidence.");
  answer.mutable_response()->set_ig_or_caldicott_approver("U-DRWHIT");
  status = Respond("u-drwhit", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("ig_or_caldicott_approver"));
  auto* stray = answer.mutable_response()->add_answers();
  stray->set_q_id("Q9");
  stray->set_text("An answer to nothing asked.");
  answer.mutable_response()->set_ig_or_caldicott_approver("U-CALD");
  status = Respond("u-drwhit", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("answers[2].q_id"));
  answer.mutable_response()->mutable_answers()->RemoveLast();
  // Before the answer, T8 waits for it.
  status = Transition("u-hokoro",
                      Move(ref, pb::CHANNEL_ASSESSMENT, pb::PANEL_LISTED));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("T8"));

  status = Respond("u-drwhit", answer, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered.state(), rec::InformationRequest::RESPONDED);
  EXPECT_THAT(answered.checklist(),
              ::testing::ElementsAre(HasSubstr("patient record")));
  status = Respond("u-drwhit", answer, &answered);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The coordinator gets the answers (F20), the gateway nothing of them.
  api::ListInformationRequestsResponse gathered;
  status = Requests("u-hokoro", ref, &gathered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(gathered.requests_size(), 1);
  const rec::CaseFile& got = gathered.requests(0);
  EXPECT_EQ(got.information_request().state(),
            rec::InformationRequest::RESPONDED);
  ASSERT_EQ(got.information_response().answers_size(), 2);
  EXPECT_THAT(got.information_response().answers(0).text(),
              HasSubstr("community mental health"));
  // F20 releases the answers only, not the trust's reasoning.
  EXPECT_TRUE(
      got.information_response().public_interest_justification().empty());
  api::ListInformationRequestsResponse police;
  status = Requests("u-dsallenby", ref, &police);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);

  // A request nobody answers holds T8 until its due date; then it shows as
  // EXPIRED and the case may be listed.
  api::RequestInformationResponse probation_asked;
  ASSERT_TRUE(
      testing::CallUnary(As("u-hokoro"),
                         &api::ReferralService::Stub::RequestInformation,
                         Ask(ref, "P-PROB"), &probation_asked)
          .ok());
  status = Transition("u-hokoro",
                      Move(ref, pb::CHANNEL_ASSESSMENT, pb::PANEL_LISTED));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  clock_.Advance(absl::Hours(169));
  status = Requests("u-hokoro", ref, &gathered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(gathered.requests_size(), 2);
  for (const rec::CaseFile& request : gathered.requests()) {
    EXPECT_EQ(request.information_request().state(),
              request.information_request().request_id() == nhs_request
                  ? rec::InformationRequest::RESPONDED
                  : rec::InformationRequest::EXPIRED);
  }
  status = Transition("u-hokoro",
                      Move(ref, pb::CHANNEL_ASSESSMENT, pb::PANEL_LISTED));
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ChannelTest, PanelConsentAndReviewsFollowTheirGuards) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToInfoGathering(&ref));
  ASSERT_TRUE(Transition("u-hokoro",
                         Move(ref, pb::CHANNEL_ASSESSMENT, pb::PANEL_LISTED))
                  .ok());

  api::RecordPanelDecisionRequest decide;
  *decide.mutable_context() = channel::Context(pb::CHANNEL_PANEL);
  decide.set_referral(ref);
  rec::PanelDecision& decision = *decide.mutable_decision();
  decision.set_outcome(rec::PanelDecision::ADOPT);
  decision.set_rationale("Vulnerability to radicalisation; support offered.");
  decision.add_attendee_ids("U-HOKORO");
  api::RecordPanelDecisionResponse decided;
  // T10: adoption plans how consent is sought.
  grpc::Status status = testing::CallUnary(
      As("u-abrooks"), &api::ReferralService::Stub::RecordPanelDecision, decide,
      &decided);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("consent_request.how"));
  decision.mutable_consent_request()->set_how("In person, with his GP");
  decision.mutable_consent_request()->set_when("Within two weeks");
  decision.mutable_consent_request()->set_by_whom("Prevent coordinator");
  // Only the chair records it: to the coordinator the purpose hides it.
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::RecordPanelDecision,
                              decide, &decided);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  // T9: not quorate without the police.
  status = testing::CallUnary(As("u-abrooks"),
                              &api::ReferralService::Stub::RecordPanelDecision,
                              decide, &decided);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("police"));
  decision.add_attendee_ids("U-PCLIND");
  status = testing::CallUnary(As("u-abrooks"),
                              &api::ReferralService::Stub::RecordPanelDecision,
                              decide, &decided);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(decided.state(), pb::CONSENT_PENDING);

  // P10: an adult consents for themself.
  api::RecordConsentRequest consent;
  *consent.mutable_context() = channel::Context(pb::CHANNEL_SUPPORT_DELIVERY);
  consent.set_referral(ref);
  rec::ConsentRecord& record = *consent.mutable_consent();
  record.set_type(rec::ConsentRecord::CHANNEL_SUPPORT);
  record.set_status(rec::ConsentRecord::GIVEN);
  record.set_given_by(rec::ConsentRecord::PARENT_GUARDIAN);
  record.set_method(rec::ConsentRecord::WRITTEN);
  api::RecordConsentResponse consented;
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::RecordConsent,
                              consent, &consented);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("consent.given_by"));
  record.set_given_by(rec::ConsentRecord::SUBJECT);
  status = testing::CallUnary(As("u-abrooks"),
                              &api::ReferralService::Stub::RecordConsent,
                              consent, &consented);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::RecordConsent,
                              consent, &consented);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(consented.state(), pb::SUPPORT_ACTIVE);
  EXPECT_FALSE(consented.consent_id().empty());

  // T13: exit schedules reviews at 6 and 12 months; a review opens only
  // once due (P17).
  decision.Clear();
  decision.set_outcome(rec::PanelDecision::EXIT);
  decision.set_rationale("Support plan completed; no remaining concern.");
  decision.add_attendee_ids("U-PCLIND");
  status = testing::CallUnary(As("u-abrooks"),
                              &api::ReferralService::Stub::RecordPanelDecision,
                              decide, &decided);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(decided.state(), pb::EXITED);
  status = Transition("u-hokoro",
                      Move(ref, pb::POST_EXIT_REVIEW, pb::REVIEW_6M_DUE));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("P17"));
  clock_.Advance(absl::Hours(24 * 185));
  status = Transition("u-hokoro",
                      Move(ref, pb::POST_EXIT_REVIEW, pb::REVIEW_6M_DUE));
  EXPECT_TRUE(status.ok()) << status.error_message();
  api::GetReferralResponse reviewed;
  ASSERT_TRUE(Get("u-hokoro", ref, pb::POST_EXIT_REVIEW, &reviewed).ok());
  EXPECT_FALSE(reviewed.case_file().review_schedule().review_12m_due().empty());
  EXPECT_EQ(reviewed.case_file().panel_decisions_size(), 2);
  EXPECT_TRUE(reviewed.case_file().consents().empty());  // not F16's
}

TEST_F(ChannelTest, FeedbackReachesTheReferrerOnlyOnceApprovedAndReleased) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(ToInfoGathering(&ref));

  api::ReleaseFeedbackRequest release;
  *release.mutable_context() = channel::Context(pb::REFERRER_FEEDBACK);
  release.set_referral(ref);
  release.set_code(rec::ReferrerFeedback::BEING_SUPPORTED);
  api::ReleaseFeedbackResponse released;
  // Not before the gateway approves (P19).
  grpc::Status status = testing::CallUnary(
      As("u-hokoro"), &api::ReferralService::Stub::ReleaseFeedback, release,
      &released);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("PENDING_POLICE_APPROVAL"));

  api::ApproveFeedbackRequest approve;
  *approve.mutable_context() = channel::Context(pb::REFERRER_FEEDBACK);
  approve.set_referral(ref);
  approve.set_code(rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
  api::ApproveFeedbackResponse approved;
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::ApproveFeedback,
                              approve, &approved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The gateway, but for another purpose than the one the call serves:
  // refused, and recorded as a denial.
  *approve.mutable_context() =
      channel::Context(pb::PREVENT_GATEWAY_DECONFLICTION, "Gateway assessment");
  status = testing::CallUnary(As("u-dsallenby"),
                              &api::ReferralService::Stub::ApproveFeedback,
                              approve, &approved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("context.purpose"));
  EXPECT_EQ(AuditEvents(db_path_).back().operation(), ab::POLICY_DENY);
  *approve.mutable_context() = channel::Context(pb::REFERRER_FEEDBACK);
  status = testing::CallUnary(As("u-dsallenby"),
                              &api::ReferralService::Stub::ApproveFeedback,
                              approve, &approved);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Only the approved code is released.
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::ReleaseFeedback,
                              release, &released);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("UNABLE_TO_PROVIDE_DETAIL"));
  api::GetReferralResponse before;
  ASSERT_TRUE(Get("u-drwhit", ref, pb::REFERRER_FEEDBACK, &before).ok());
  EXPECT_FALSE(before.case_file().referral().has_feedback());

  release.set_code(rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
  release.set_free_text("Thank you; the partnership is considering it.");
  status = testing::CallUnary(As("u-hokoro"),
                              &api::ReferralService::Stub::ReleaseFeedback,
                              release, &released);
  ASSERT_TRUE(status.ok()) << status.error_message();
  api::GetReferralResponse after;
  ASSERT_TRUE(Get("u-drwhit", ref, pb::REFERRER_FEEDBACK, &after).ok());
  const rec::CaseFile& file = after.case_file();
  EXPECT_EQ(file.referral().feedback().code(),
            rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
  EXPECT_EQ(file.referral().status_bucket(),
            rec::Referral::IN_PROGRESS_WITH_PREVENT_PARTNERSHIP);
  // The referrer never sees who approved it, nor the routing outcome.
  EXPECT_FALSE(file.has_feedback_review());
  EXPECT_FALSE(file.has_gateway());
  EXPECT_EQ(file.referral().state(), pb::REFERRAL_STATE_UNSPECIFIED);
}

}  // namespace
}  // namespace hub
