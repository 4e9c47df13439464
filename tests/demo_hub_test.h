// The fixture for tests against a real hubd with the demo partnership
// (deploy/demo/partnership.textproto) and the demo PKI (the CTest fixture
// `demo_certs`), with stubs per demo user, and the helpers those tests share.
#ifndef HUB_TESTS_DEMO_HUB_TEST_H_
#define HUB_TESTS_DEMO_HUB_TEST_H_

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "common/fake_clock.h"
#include "common/file_util.h"
#include "common/scoped_temp_dir.h"
#include "common/sha256.h"
#include "common/status_matchers.h"
#include "common/x509_certificate.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "gtest/gtest.h"
#include "hub/hub_server.h"
#include "hub/store/fault_vfs.h"
#include "proto/audit.pb.h"
#include "proto/hub.grpc.pb.h"

namespace hub::testing {

namespace api = ::prevent::hub::v1;
namespace ab = ::prevent::audit::v1;
namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

// The demo PKI (the CTest fixture `demo_certs`), found through
// $HUB_DEMO_CERTS; a path that cannot exist if it is unset.
inline std::string CertsDir() {
  const char* dir = std::getenv("HUB_DEMO_CERTS");
  return dir != nullptr ? dir : "/HUB_DEMO_CERTS-is-not-set";
}

// The contents of `name` in the demo PKI; a test failure if unreadable.
inline std::string Pem(const std::string& name) {
  absl::StatusOr<std::string> pem = common::ReadFile(CertsDir() + "/" + name);
  if (!pem.ok()) ADD_FAILURE() << pem.status();
  return pem.value_or("");
}

// The deterministic serialisation of `message`, so equal messages compare
// equal as bytes.
inline std::string Bytes(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return out;
}

// The single integer `sql` selects from the hub database at `path`, or -1 if
// the query fails.
inline int64_t QueryInt(const std::string& path, const std::string& sql) {
  int64_t value = -1;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db);
  return value;
}

// `text` with every occurrence of `id` replaced by a placeholder, so two
// NOT_FOUND messages about different ids can be compared word for word.
inline std::string WithoutId(const std::string& text, const std::string& id) {
  return absl::StrReplaceAll(text, {{id, "<ID>"}});
}

// The events whose object is the referral `ref`, in log order.
inline std::vector<ab::AuditEvent> EventsFor(
    const std::vector<ab::AuditEvent>& all, const std::string& ref) {
  std::vector<ab::AuditEvent> out;
  for (const ab::AuditEvent& event : all) {
    if (event.object().referral_id() == ref) out.push_back(event);
  }
  return out;
}

inline std::vector<std::string> RecipientPartners(const ab::AuditEvent& event) {
  std::vector<std::string> out;
  for (const ab::Recipient& r : event.recipients()) {
    out.push_back(r.partner_id());
  }
  return out;
}

inline std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(20);
}

// Calls one unary method of `stub` (e.g. &api::ReferralService::Stub::Get)
// with the tests' deadline.
template <typename Stub, typename Request, typename Response>
grpc::Status CallUnary(Stub& stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                    const Request&, Response*),
                       const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(Deadline());
  return (stub.*method)(&context, request, response);
}

class DemoHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client = common::X509Certificate::FromPem(Pem("clients/u-drwhit.pem"));
    ASSERT_THAT(client, IsOk());
    clock_.Set(client->not_before() + absl::Hours(1));

    config_.set_listen_address("127.0.0.1:0");
    config_.set_cert_file(CertsDir() + "/hub.pem");
    config_.set_key_file(CertsDir() + "/hub.key");
    config_.set_ca_file(CertsDir() + "/ca.pem");
    config_.set_crl_file(CertsDir() + "/crl.pem");
    config_.set_policy_file(HUB_SOURCE_DIR
                            "/deploy/demo/partnership.textproto");
    config_.set_database_path(db_path_);
    config_.set_audit_signing_key_file(CertsDir() + "/audit/signing.key");
    config_.set_audit_pseudonym_key_file(CertsDir() + "/audit/pseudonym.key");
  }

  void TearDown() override { store::SetFaultVfsFailing(false); }

  // Points the hub at a copy of the demo policy with the CT gateway's daily
  // query limit raised, for tests that make more checks than a day allows
  // (the limit itself is deconfliction_test's). Before StartHub().
  void RaiseQueryLimit() {
    absl::StatusOr<std::string> policy =
        common::ReadFile(HUB_SOURCE_DIR "/deploy/demo/partnership.textproto");
    ASSERT_THAT(policy, IsOk());
    const std::string raised = absl::StrReplaceAll(
        *policy, {{"daily_query_limit: 40 bulk_query_flag: 15",
                   "daily_query_limit: 100000000 bulk_query_flag: 100000000"}});
    ASSERT_NE(raised, *policy) << "the demo policy's query limit moved";
    ASSERT_THAT(common::WriteFileAtomically(dir_ + "/policy.textproto", raised),
                IsOk());
    config_.set_policy_file(dir_ + "/policy.textproto");
  }

  void StartHub() {
    auto server = HubServer::Start(config_, &clock_);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
  }

  // A stub for `user` (e.g. "u-hokoro"), presenting the user's certificate
  // and trusting the demo CA. One channel per user, reused.
  api::ReferralService::Stub& As(const std::string& user) {
    auto it = stubs_.find(user);
    if (it == stubs_.end()) {
      it = stubs_.emplace(user, api::ReferralService::NewStub(ChannelOf(user)))
               .first;
    }
    return *it->second;
  }

  // The same for the DeconflictionService, on the same channel.
  api::DeconflictionService::Stub& Deconfliction(const std::string& user) {
    auto it = deconfliction_stubs_.find(user);
    if (it == deconfliction_stubs_.end()) {
      it = deconfliction_stubs_
               .emplace(user,
                        api::DeconflictionService::NewStub(ChannelOf(user)))
               .first;
    }
    return *it->second;
  }

  std::shared_ptr<grpc::Channel> ChannelOf(const std::string& user) {
    auto it = channels_.find(user);
    if (it == channels_.end()) {
      grpc::SslCredentialsOptions tls;
      tls.pem_root_certs = Pem("ca.pem");
      tls.pem_cert_chain = Pem("clients/" + user + ".pem");
      tls.pem_private_key = Pem("clients/" + user + ".key");
      it =
          channels_
              .emplace(user, grpc::CreateChannel(
                                 "127.0.0.1:" + std::to_string(server_->port()),
                                 grpc::SslCredentials(tls)))
              .first;
    }
    return it->second;
  }

  // The CT gateway (U-DSALLENBY) checks the subject of `submission`, filed
  // as `ref`, and records `routing` as the outcome; a fatal failure if
  // either is refused.
  void DeconflictOk(const std::string& ref,
                    const rec::ReferralSubmission& submission,
                    rec::RoutingOutcome routing) {
    api::DeconflictionQuery query;
    query.mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
    query.mutable_context()->set_justification("Gateway deconfliction");
    query.set_referral(ref);
    const rec::SubjectIdentity& who = submission.subject().identity();
    query.set_surname(who.surname());
    query.set_forenames(who.forenames());
    query.set_dob(who.dob());
    api::DeconflictionAnswer answer;
    {
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      grpc::Status status =
          Deconfliction("u-dsallenby").Check(&context, query, &answer);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    api::RecordOutcomeRequest outcome;
    *outcome.mutable_context() = query.context();
    outcome.set_referral(ref);
    outcome.set_query_id(answer.deconfliction().query_id());
    outcome.set_police_result(rec::DeconflictionOutcome::CLEAR);
    outcome.set_routing_outcome(routing);
    api::RecordOutcomeResponse recorded;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status status = Deconfliction("u-dsallenby")
                              .RecordOutcome(&context, outcome, &recorded);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status Submit(const std::string& user,
                      const rec::ReferralSubmission& submission,
                      const std::string& request_id,
                      api::SubmitReferralResponse* response) {
    api::SubmitReferralRequest request;
    request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
    request.mutable_context()->set_request_id(request_id);
    *request.mutable_submission() = submission;
    return SubmitRequest(user, request, response);
  }

  grpc::Status SubmitRequest(const std::string& user,
                             const api::SubmitReferralRequest& request,
                             api::SubmitReferralResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return As(user).Submit(&context, request, response);
  }

  // Submits `submission` as `user` and returns its reference; a fatal
  // failure (checked with ASSERT_NO_FATAL_FAILURE) if refused.
  void SubmitOk(const std::string& user,
                const rec::ReferralSubmission& submission,
                const std::string& request_id, std::string* ref) {
    api::SubmitReferralResponse response;
    grpc::Status status = Submit(user, submission, request_id, &response);
    ASSERT_TRUE(status.ok()) << user << ": " << status.error_message();
    ASSERT_FALSE(response.referral_ref().empty());
    *ref = response.referral_ref();
  }

  grpc::Status Get(const std::string& user, const std::string& referral,
                   pb::Purpose purpose, api::GetReferralResponse* response,
                   const std::string& justification = "") {
    api::GetReferralRequest request;
    request.mutable_context()->set_purpose(purpose);
    request.mutable_context()->set_justification(justification);
    request.set_referral(referral);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return As(user).Get(&context, request, response);
  }

  grpc::Status List(const std::string& user, pb::Purpose purpose,
                    api::ListReferralsResponse* response) {
    api::ListReferralsRequest request;
    request.mutable_context()->set_purpose(purpose);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return As(user).List(&context, request, response);
  }

  static api::TransitionReferralRequest Move(const std::string& referral,
                                             pb::Purpose purpose,
                                             pb::ReferralState to) {
    api::TransitionReferralRequest request;
    request.mutable_context()->set_purpose(purpose);
    request.set_referral(referral);
    request.set_to(to);
    request.set_reason("test move");
    return request;
  }

  grpc::Status Transition(const std::string& user,
                          const api::TransitionReferralRequest& request,
                          api::TransitionReferralResponse* response = nullptr) {
    api::TransitionReferralResponse ignored;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return As(user).Transition(&context, request,
                               response != nullptr ? response : &ignored);
  }

  // --- Briefings -----------------------------------------------------------

  api::BriefingService::Stub& Briefings(const std::string& user) {
    auto it = briefing_stubs_.find(user);
    if (it == briefing_stubs_.end()) {
      it = briefing_stubs_
               .emplace(user, api::BriefingService::NewStub(ChannelOf(user)))
               .first;
    }
    return *it->second;
  }

  static api::RequestContext Context(pb::Purpose purpose = pb::CTLP_BRIEFING) {
    api::RequestContext context;
    context.set_purpose(purpose);
    return context;
  }

  grpc::Status Publish(const std::string& user, const rec::BriefingDraft& draft,
                       const std::string& request_id,
                       api::PublishBriefingResponse* response) {
    api::PublishBriefingRequest request;
    *request.mutable_context() = Context();
    request.mutable_context()->set_request_id(request_id);
    *request.mutable_draft() = draft;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).Publish(&context, request, response);
  }

  // The CTLP owner publishes `draft`; returns its id (a fatal failure if
  // refused).
  void PublishOk(const rec::BriefingDraft& draft, const std::string& request_id,
                 std::string* id) {
    api::PublishBriefingResponse response;
    grpc::Status status = Publish("u-ctlpown", draft, request_id, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    *id = response.briefing_id();
  }

  grpc::Status List(const std::string& user, api::ListBriefingsResponse* out) {
    api::ListBriefingsRequest request;
    *request.mutable_context() = Context();
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).List(&context, request, out);
  }

  // `user`'s listing of briefing `id`; empty (briefing_id "") if not listed.
  rec::BriefingListing Listing(const std::string& user, const std::string& id) {
    api::ListBriefingsResponse list;
    grpc::Status status = List(user, &list);
    EXPECT_TRUE(status.ok()) << user << ": " << status.error_message();
    for (const rec::BriefingListing& l : list.briefings()) {
      if (l.briefing_id() == id) return l;
    }
    return rec::BriefingListing();
  }

  grpc::Status Acknowledge(const std::string& user, const std::string& id,
                           const std::string& sha256) {
    api::AcknowledgeBriefingRequest request;
    *request.mutable_context() = Context();
    request.set_briefing_id(id);
    request.set_conditions_sha256(sha256);
    api::AcknowledgeBriefingResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).Acknowledge(&context, request, &response);
  }

  // `user` lists briefing `id` and accepts the conditions listed.
  void AcknowledgeOk(const std::string& user, const std::string& id) {
    const rec::BriefingListing listing = Listing(user, id);
    ASSERT_EQ(listing.briefing_id(), id) << user;
    grpc::Status status =
        Acknowledge(user, id, common::Sha256Hex(listing.handling_conditions()));
    ASSERT_TRUE(status.ok()) << user << ": " << status.error_message();
  }

  grpc::Status Read(const std::string& user, const std::string& id,
                    api::ReadBriefingResponse* response) {
    api::ReadBriefingRequest request;
    *request.mutable_context() = Context();
    request.set_briefing_id(id);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return Briefings(user).Read(&context, request, response);
  }

  int64_t ReferralRows() const {
    return QueryInt(db_path_, "SELECT COUNT(*) FROM referrals");
  }

  common::FakeClock clock_{absl::UnixEpoch()};
  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path();
  std::string db_path_ = dir_ + "/hub.db";
  prevent::config::v1::HubConfig config_;
  std::unique_ptr<HubServer> server_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  std::map<std::string, std::unique_ptr<api::ReferralService::Stub>> stubs_;
  std::map<std::string, std::unique_ptr<api::DeconflictionService::Stub>>
      deconfliction_stubs_;
  std::map<std::string, std::unique_ptr<api::BriefingService::Stub>>
      briefing_stubs_;
};

}  // namespace hub::testing

#endif  // HUB_TESTS_DEMO_HUB_TEST_H_
