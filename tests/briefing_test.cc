// The BriefingService end to end under the demo policy, against a real hubd
// over mutual TLS: the canary test over the wire (TESTING §3.6), read
// before acknowledgement, refusals at publish, withdrawal, supersession and
// expiry, and delivery status (AQ5).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "hub/briefings/briefing_samples.h"
#include "hub/briefings/delivery.h"
#include "tests/audit_events.h"
#include "tests/demo_hub_test.h"

namespace hub::testing {
namespace {

using briefings::testing::Canary;
using briefings::testing::SampleBriefing;
using Delivery = rec::BriefingDelivery;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// One recipient of each audience in the demo (rules F40-F43).
const std::map<std::string, pb::Audience>& Readers() {
  static const auto* const readers = new std::map<std::string, pb::Audience>{
      {"u-hokoro", pb::LA_CORE},
      {"u-drwhit", pb::STATUTORY_PARTNERS},
      {"u-rcaldwell", pb::SCHOOLS},
      {"u-cllr", pb::ELECTED_MEMBERS}};
  return *readers;
}

// Every canary of `draft`.
std::vector<std::pair<std::string, pb::Audience>> Canaries(
    const rec::BriefingDraft& draft) {
  std::vector<std::pair<std::string, pb::Audience>> out;
  for (const rec::BriefingDraft::Section& s : draft.sections()) {
    for (const rec::BriefingDraft::Body& b : s.bodies()) {
      out.emplace_back(Canary(s.number(), b.audience()), b.audience());
    }
  }
  return out;
}

bool HasAnyCanary(const std::string& bytes) {
  return absl::StrContains(bytes, "CANARY-");
}

class BriefingTest : public DemoHubTest {
 protected:
  grpc::Status Status(const std::string& user, const std::string& id,
                      api::BriefingDeliveryStatusResponse* response) {
    api::BriefingDeliveryStatusRequest request;
    *request.mutable_context() = Context(pb::AUDIT_AND_ASSURANCE);
    request.set_briefing_id(id);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).DeliveryStatus(&context, request, response);
  }

  // Each recipient's copy state, as the CTLP owner sees it.
  std::map<std::string, Delivery::State> States(const std::string& id) {
    api::BriefingDeliveryStatusResponse status;
    grpc::Status s = Status("u-ctlpown", id, &status);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::map<std::string, Delivery::State> out;
    for (const Delivery& d : status.deliveries()) {
      out[d.principal_id()] = d.state();
    }
    return out;
  }

  grpc::Status AttestPurge(const std::string& user, const std::string& id) {
    api::AttestPurgeRequest request;
    *request.mutable_context() = Context();
    request.set_briefing_id(id);
    api::AttestPurgeResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).AttestPurge(&context, request, &response);
  }

  grpc::Status Withdraw(const std::string& user, const std::string& id) {
    api::WithdrawBriefingRequest request;
    *request.mutable_context() = Context();
    request.set_briefing_id(id);
    request.set_reason("Superseded by events; reissue to follow");
    api::WithdrawBriefingResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).Withdraw(&context, request, &response);
  }
};

// TESTING §3.6, over the wire: every body of the briefing carries its own
// canary. For each audience, the bytes a recipient receives (list, then
// the rendition) hold exactly the canaries of that audience's bodies, and
// the list none; principals sent no copy get NOT_FOUND worded as for a
// missing briefing; the audit log holds no canary at all.
TEST_F(BriefingTest, EachRecipientReceivesExactlyItsOwnAudiencesText) {
  StartHub();
  const rec::BriefingDraft draft = SampleBriefing(clock_.Now());
  std::string id;
  ASSERT_NO_FATAL_FAILURE(PublishOk(draft, "publish-canary", &id));

  for (const auto& [user, audience] : Readers()) {
    SCOPED_TRACE(user);
    api::ListBriefingsResponse list;
    ASSERT_TRUE(List(user, &list).ok());
    EXPECT_FALSE(HasAnyCanary(Bytes(list)));
    ASSERT_NO_FATAL_FAILURE(AcknowledgeOk(user, id));
    api::ReadBriefingResponse read;
    grpc::Status status = Read(user, id, &read);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::string bytes = Bytes(read);
    for (const auto& [canary, body_audience] : Canaries(draft)) {
      EXPECT_EQ(absl::StrContains(bytes, canary), body_audience == audience)
          << canary;
    }
    EXPECT_EQ(read.rendition().audience(), audience);
    EXPECT_FALSE(read.rendition().watermark_id().empty());
    EXPECT_FALSE(read.rendition().handling_conditions().empty());
    EXPECT_EQ(read.rendition().marking_banner(), "OFFICIAL-SENSITIVE");
    // P20: the count of 3 is shown as "<5", never as the number.
    for (const rec::BriefingRendition::Section& s :
         read.rendition().sections()) {
      for (const rec::BriefingRendition::Cell& cell : s.cells()) {
        if (cell.label() == "aged 10 or under") {
          EXPECT_EQ(cell.value(), "<5");
        }
        if (cell.label() == "total") {
          EXPECT_EQ(cell.value(), "148");
        }
      }
    }
  }

  // Everyone the rules do not name: the same answer as for no briefing.
  api::ReadBriefingResponse unused;
  const std::string missing = "0190a000-0000-7000-8000-000000000000";
  const grpc::Status none = Read("u-nurse", missing, &unused);
  ASSERT_EQ(none.error_code(), grpc::StatusCode::NOT_FOUND);
  for (const std::string user : {"u-nurse", "u-mash1", "u-dsallenby",
                                 "u-ctlpown", "u-lbwdpo", "u-peo"}) {
    api::ReadBriefingResponse read;
    const grpc::Status status = Read(user, id, &read);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << user;
    EXPECT_EQ(WithoutId(status.error_message(), id),
              WithoutId(none.error_message(), missing))
        << user;
    EXPECT_FALSE(HasAnyCanary(Bytes(read))) << user;
  }
  // Recipients are named by the policy, one copy each, and recorded as the
  // publication's recipients; no body text reaches the audit log.
  EXPECT_EQ(States(id).size(), 8u);
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    EXPECT_FALSE(HasAnyCanary(event.SerializeAsString())) << event.method();
  }
}

TEST_F(BriefingTest, ContentIsRefusedUntilTheConditionsShownAreAccepted) {
  StartHub();
  std::string id;
  ASSERT_NO_FATAL_FAILURE(
      PublishOk(SampleBriefing(clock_.Now()), "publish-ack", &id));
  const rec::BriefingListing listing = Listing("u-rcaldwell", id);
  EXPECT_EQ(listing.state(), Delivery::DELIVERED);
  EXPECT_EQ(listing.marking_banner(), "OFFICIAL-SENSITIVE");
  EXPECT_THAT(listing.handling_conditions(), HasSubstr("do not copy"));
  EXPECT_TRUE(listing.offline_allowed());
  EXPECT_FALSE(listing.export_allowed());

  api::ReadBriefingResponse read;
  grpc::Status status = Read("u-rcaldwell", id, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("accept its handling conditions first"));
  EXPECT_FALSE(read.has_rendition());
  const std::vector<ab::AuditEvent> events = AuditEvents(db_path_);
  EXPECT_EQ(events.back().operation(), ab::POLICY_DENY);
  EXPECT_EQ(events.back().decision().reason(), pb::CONDITIONS_NOT_ACCEPTED);

  // Conditions other than those the hub holds are not an acceptance.
  status = Acknowledge("u-rcaldwell", id, common::Sha256Hex("I agree"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("conditions_sha256"));
  status = Acknowledge("u-rcaldwell", id, "not-a-digest");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Read("u-rcaldwell", id, &read).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-rcaldwell", id));
  EXPECT_EQ(AuditEvents(db_path_).back().operation(), ab::ACK);
  EXPECT_EQ(States(id)["U-RCALDWELL"], Delivery::ACKNOWLEDGED);
  api::BriefingDeliveryStatusResponse status_now;
  ASSERT_TRUE(Status("u-ctlpown", id, &status_now).ok());
  for (const Delivery& d : status_now.deliveries()) {
    // A time is set only once it happened.
    EXPECT_EQ(d.has_acknowledged_at(), d.principal_id() == "U-RCALDWELL")
        << d.principal_id();
    EXPECT_FALSE(d.has_opened_at()) << d.principal_id();
    EXPECT_FALSE(d.has_purge_requested_at()) << d.principal_id();
  }
  status = Read("u-rcaldwell", id, &read);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(read.rendition().offline_allowed());
  EXPECT_EQ(States(id)["U-RCALDWELL"], Delivery::OPENED);
  // Acknowledging one's copy releases nothing to anyone else.
  EXPECT_EQ(Read("u-head1", id, &read).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(BriefingTest, ElectedMembersReadOnlineOnly) {
  StartHub();
  std::string id;
  ASSERT_NO_FATAL_FAILURE(
      PublishOk(SampleBriefing(clock_.Now()), "publish-members", &id));
  EXPECT_FALSE(Listing("u-cllr", id).offline_allowed());
  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-cllr", id));
  api::ReadBriefingResponse read;
  ASSERT_TRUE(Read("u-cllr", id, &read).ok());
  EXPECT_FALSE(read.rendition().offline_allowed());
  EXPECT_FALSE(read.rendition().export_allowed());
}

TEST_F(BriefingTest, PublishingIsTheCtlpOwnersAndRefusesWhatTheHubMayNotHold) {
  StartHub();
  const rec::BriefingDraft draft = SampleBriefing(clock_.Now());
  api::PublishBriefingResponse response;
  for (const std::string user : {"u-dsallenby", "u-hokoro", "u-rcaldwell"}) {
    EXPECT_EQ(Publish(user, draft, "publish-" + user, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << user;
  }
  struct Row {
    std::string name;
    void (*spoil)(rec::BriefingDraft&);
    std::string field;
    std::string what;
  };
  const std::vector<Row> rows = {
      {"SECRET (P05)",
       [](rec::BriefingDraft& d) {
         d.mutable_sections(0)->mutable_marking()->set_tier(
             pb::SecurityMarking::SECRET);
       },
       "draft.sections[0].marking", "P05"},
      {"intelligence-service material (P06)",
       [](rec::BriefingDraft& d) {
         d.mutable_sections(1)->set_intel_service_derived(true);
       },
       "draft.sections[1].intel_service_derived", "P06"},
      {"an unapproved variant",
       [](rec::BriefingDraft& d) {
         d.mutable_variants(0)->set_approved(false);
       },
       "draft.variants[0].approved", "not approved"},
  };
  for (const Row& row : rows) {
    rec::BriefingDraft spoilt = draft;
    row.spoil(spoilt);
    const grpc::Status status =
        Publish("u-ctlpown", spoilt, "publish-" + row.field, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << row.name;
    EXPECT_THAT(status.error_message(), HasSubstr(row.field + ": "))
        << row.name;
    EXPECT_THAT(status.error_message(), HasSubstr(row.what)) << row.name;
  }
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM briefings"), 0);

  // A variant no rule lets the owner send (the public summary has no
  // recipients on the hub) is refused by the policy, naming the variant.
  rec::BriefingDraft with_public = draft;
  rec::BriefingDraft::Section& national = *with_public.add_sections();
  national.set_number(3);
  national.set_title("National threat context");
  national.mutable_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
  rec::BriefingDraft::Body& body = *national.add_bodies();
  body.set_audience(pb::PUBLIC);
  body.set_text("The national threat level is SUBSTANTIAL.");
  *with_public.add_variants() = with_public.variants(0);
  with_public.mutable_variants()->rbegin()->set_audience(pb::PUBLIC);
  const grpc::Status refused =
      Publish("u-ctlpown", with_public, "publish-public", &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(refused.error_message(), HasSubstr("draft.variants[4]"));
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM briefings"), 0);

  // A retry with the same request id publishes once.
  std::string first, again;
  ASSERT_NO_FATAL_FAILURE(PublishOk(draft, "publish-once", &first));
  ASSERT_NO_FATAL_FAILURE(PublishOk(draft, "publish-once", &again));
  EXPECT_EQ(first, again);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM briefings"), 1);
  EXPECT_EQ(QueryInt(db_path_, "SELECT COUNT(*) FROM briefing_deliveries"), 8);
}

// Withdrawal stops the briefing being served; copies that were delivered
// must be purged and attested, and show overdue 72 hours on; copies never
// delivered are revoked. AQ5 is the owner's and the coordinator's only.
TEST_F(BriefingTest, WithdrawalStopsServingAndTracksEachPurge) {
  StartHub();
  std::string id;
  ASSERT_NO_FATAL_FAILURE(
      PublishOk(SampleBriefing(clock_.Now()), "publish-withdraw", &id));
  EXPECT_EQ(States(id)["U-RCALDWELL"], Delivery::QUEUED);
  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-rcaldwell", id));
  api::ReadBriefingResponse read;
  ASSERT_TRUE(Read("u-rcaldwell", id, &read).ok());
  EXPECT_EQ(Listing("u-head1", id).state(), Delivery::DELIVERED);

  // Only the owner's partner may withdraw; to anyone else it is not there.
  EXPECT_EQ(Withdraw("u-hokoro", id).error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Withdraw("u-ctlpown", id).ok());
  const grpc::Status status = Read("u-rcaldwell", id, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("withdrawn"));
  EXPECT_THAT(status.error_message(), HasSubstr("hubctl briefing purge"));
  EXPECT_EQ(Listing("u-rcaldwell", id).state(), Delivery::PURGE_REQUESTED);

  std::map<std::string, Delivery::State> states = States(id);
  EXPECT_EQ(states["U-RCALDWELL"], Delivery::PURGE_REQUESTED);
  EXPECT_EQ(states["U-HEAD1"], Delivery::PURGE_REQUESTED);
  EXPECT_EQ(states["U-CLLR"], Delivery::REVOKED);

  ASSERT_TRUE(AttestPurge("u-rcaldwell", id).ok());
  EXPECT_EQ(AuditEvents(db_path_).back().operation(), ab::PURGE_ATTESTED);
  clock_.Advance(briefings::kPurgeGrace);
  states = States(id);
  EXPECT_EQ(states["U-RCALDWELL"], Delivery::PURGE_ATTESTED);
  EXPECT_EQ(states["U-HEAD1"], Delivery::PURGE_OVERDUE);
  EXPECT_EQ(Listing("u-rcaldwell", id).briefing_id(), "");  // nothing to do

  // The coordinator sees the same; recipients and others see nothing.
  api::BriefingDeliveryStatusResponse coordinator;
  ASSERT_TRUE(Status("u-hokoro", id, &coordinator).ok());
  EXPECT_EQ(coordinator.deliveries_size(), 8);
  EXPECT_EQ(coordinator.state(), rec::Briefing::WITHDRAWN);
  for (const std::string user : {"u-rcaldwell", "u-dsallenby", "u-lbwdpo"}) {
    api::BriefingDeliveryStatusResponse refused;
    EXPECT_EQ(Status(user, id, &refused).error_code(),
              grpc::StatusCode::NOT_FOUND)
        << user;
    EXPECT_EQ(refused.deliveries_size(), 0) << user;
  }
}

TEST_F(BriefingTest, ExpiredAndSupersededRenditionsAreNoLongerServed) {
  StartHub();
  rec::BriefingDraft draft = SampleBriefing(clock_.Now());
  // The members' variant runs for two days; the others for a year.
  for (rec::BriefingDraft::Variant& v : *draft.mutable_variants()) {
    if (v.audience() == pb::ELECTED_MEMBERS) {
      v.mutable_expires_at()->set_seconds(
          absl::ToUnixSeconds(clock_.Now() + absl::Hours(48)));
    }
  }
  std::string id;
  ASSERT_NO_FATAL_FAILURE(PublishOk(draft, "publish-expiry", &id));
  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-cllr", id));
  ASSERT_NO_FATAL_FAILURE(AcknowledgeOk("u-rcaldwell", id));
  clock_.Advance(absl::Hours(48));
  api::ReadBriefingResponse read;
  grpc::Status status = Read("u-cllr", id, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("expired"));
  EXPECT_FALSE(read.has_rendition());
  EXPECT_TRUE(Read("u-rcaldwell", id, &read).ok());
  EXPECT_EQ(States(id)["U-CLLR"], Delivery::PURGE_REQUESTED);

  // The owner supersedes it: the old one stops, the new one is queued.
  api::SupersedeBriefingRequest request;
  *request.mutable_context() = Context();
  request.mutable_context()->set_request_id("supersede-1");
  request.set_briefing_id(id);
  *request.mutable_draft() = SampleBriefing(clock_.Now());
  api::PublishBriefingResponse replaced;
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    status = Briefings("u-ctlpown").Supersede(&context, request, &replaced);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(replaced.superseded(), id);
  status = Read("u-rcaldwell", id, &read);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("superseded by " + replaced.briefing_id()));
  EXPECT_EQ(Listing("u-rcaldwell", replaced.briefing_id()).state(),
            Delivery::DELIVERED);
  // It cannot be superseded twice.
  request.mutable_context()->set_request_id("supersede-2");
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  EXPECT_EQ(Briefings("u-ctlpown")
                .Supersede(&context, request, &replaced)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace hub::testing
