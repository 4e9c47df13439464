// A real hub (HubServer, as hubd runs it) on 127.0.0.1:0 over mutual TLS with
// the certificates certs/make_certs.sh made for
// tests/testdata/policy.textproto. Every bad certificate must be refused, with
// the status the caller sees asserted; each test here would fail if that
// certificate were accepted. The last part checks policy enforcement: every
// RPC the hub serves is decided by the engine, and Explain tells why.
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/fake_clock.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "common/test_certs.h"
#include "common/x509_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/hub_server.h"
#include "hub/store/fault_vfs.h"
#include "proto/audit.pb.h"
#include "proto/hub.grpc.pb.h"
#include "tests/audit_events.h"
#include "tests/generic_call.h"
#include "tests/referral_samples.h"

namespace hub {
namespace {

using ::prevent::hub::v1::AuditQueryRequest;
using ::prevent::hub::v1::ExplainRequest;
using ::prevent::hub::v1::ExplainResponse;
using ::prevent::hub::v1::GetCheckpointRequest;
using ::prevent::hub::v1::GetConsistencyProofRequest;
using ::prevent::hub::v1::GetInclusionProofRequest;
using ::prevent::hub::v1::IdentityService;
using ::prevent::hub::v1::PolicyService;
using ::prevent::hub::v1::WhoAmIRequest;
using ::prevent::hub::v1::WhoAmIResponse;
using ::testing::AllOf;
using ::testing::HasSubstr;

using common::ReadTestCert;

std::string CertsDir() { return common::TestCertsDir(); }
std::string Pem(const std::string& name) { return ReadTestCert(name); }

using testing::AuditEvents;
using testing::Bytes;
using testing::HealthCheck;

class MtlsIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto good = common::X509Certificate::FromPem(Pem("clients/u-hokoro.pem"));
    ASSERT_THAT(good, IsOk());
    good_not_after_ = good->not_after();
    clock_.Set(good->not_before() + absl::Hours(1));

    config_.set_listen_address("127.0.0.1:0");
    config_.set_cert_file(CertsDir() + "/hub.pem");
    config_.set_key_file(CertsDir() + "/hub.key");
    config_.set_ca_file(CertsDir() + "/ca.pem");
    config_.set_crl_file(CertsDir() + "/crl.pem");
    config_.set_policy_file(HUB_SOURCE_DIR "/tests/testdata/policy.textproto");
    config_.set_database_path(dir_ + "/hub.db");
    config_.set_audit_signing_key_file(CertsDir() + "/audit/signing.key");
    config_.set_audit_pseudonym_key_file(CertsDir() + "/audit/pseudonym.key");
  }

  void TearDown() override { store::SetFaultVfsFailing(false); }

  void StartHub() {
    auto server = HubServer::Start(config_, &clock_);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
  }

  std::string Target() const {
    return "127.0.0.1:" + std::to_string(server_->port());
  }

  // A channel presenting `cert`/`key` (none if empty) and trusting our CA.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& cert,
                                            const std::string& key) const {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = Pem("ca.pem");
    if (!cert.empty()) {
      tls.pem_cert_chain = Pem(cert);
      tls.pem_private_key = Pem(key);
    }
    return grpc::CreateChannel(Target(), grpc::SslCredentials(tls));
  }

  static grpc::Status WhoAmI(const std::shared_ptr<grpc::Channel>& channel,
                             WhoAmIResponse* response,
                             const WhoAmIRequest& request = {}) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return IdentityService::NewStub(channel)->WhoAmI(&context, request,
                                                     response);
  }

  grpc::Status WhoAmIAs(const std::string& name,
                        WhoAmIResponse* response = nullptr) const {
    WhoAmIResponse ignored;
    return WhoAmI(TlsChannel(name + ".pem", name + ".key"),
                  response != nullptr ? response : &ignored);
  }

  common::FakeClock clock_{absl::UnixEpoch()};
  absl::Time good_not_after_;
  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path();
  prevent::config::v1::HubConfig config_;
  std::unique_ptr<HubServer> server_;
};

TEST_F(MtlsIdentityTest, AValidPrincipalIsToldWhoItIs) {
  StartHub();
  WhoAmIResponse me;
  grpc::Status status = WhoAmIAs("clients/u-hokoro", &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.identity().principal_id(), "U-HOKORO");
  EXPECT_EQ(me.identity().partner_id(), "P-LBW");
  EXPECT_EQ(me.identity().partner_type(),
            prevent::policy::v1::Partner::LOCAL_AUTHORITY);
  ASSERT_EQ(me.identity().roles_size(), 1);
  EXPECT_EQ(me.identity().roles(0),
            prevent::policy::v1::LA_PREVENT_COORDINATOR);
  EXPECT_EQ(me.identity().spiffe_id(),
            "spiffe://test.prevent-hub.example/partner/p-lbw/user/u-hokoro");
  EXPECT_EQ(me.identity().certificate_not_after().seconds(),
            absl::ToUnixSeconds(good_not_after_));
  EXPECT_EQ(me.identity().certificate_sha256().size(), 64u);

  WhoAmIResponse other;
  ASSERT_TRUE(WhoAmIAs("clients/u-drwhit", &other).ok());
  EXPECT_EQ(other.identity().principal_id(), "U-DRWHIT");
  EXPECT_EQ(other.identity().roles_size(), 2);
}

TEST_F(MtlsIdentityTest, NoClientCertificateIsRefusedAtTheHandshake) {
  StartHub();
  WhoAmIResponse me;
  grpc::Status status = WhoAmI(TlsChannel("", ""), &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_TRUE(me.identity().principal_id().empty());
}

TEST_F(MtlsIdentityTest, AnotherCasCertificateIsRefusedAtTheHandshake) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/other-ca-client");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(MtlsIdentityTest, AnExpiredCertificateIsRefusedAtTheHandshake) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/expired");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(MtlsIdentityTest, ANotYetValidCertificateIsRefusedAtTheHandshake) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/not-yet-valid");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(MtlsIdentityTest, ARevokedCertificateIsUnauthenticated) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/revoked");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("revoked"));
}

TEST_F(MtlsIdentityTest, AnUnknownSpiffeIdIsUnauthenticated) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/unknown");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("not registered"));
}

TEST_F(MtlsIdentityTest, ACertificateWithoutSpiffeIdIsUnauthenticated) {
  StartHub();
  grpc::Status status = WhoAmIAs("bad/no-spiffe");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("no SPIFFE ID"));
}

TEST_F(MtlsIdentityTest, ASuspendedPartnersUserIsPermissionDenied) {
  StartHub();
  grpc::Status status = WhoAmIAs("clients/u-suspdsl");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("partner P-SUSP is suspended"));
}

TEST_F(MtlsIdentityTest, AnOffboardedPrincipalIsPermissionDenied) {
  StartHub();
  grpc::Status status = WhoAmIAs("clients/u-offboarded");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MtlsIdentityTest, APlaintextClientIsRefused) {
  StartHub();
  WhoAmIResponse me;
  grpc::Status status = WhoAmI(
      grpc::CreateChannel(Target(), grpc::InsecureChannelCredentials()), &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_TRUE(me.identity().principal_id().empty());
}

TEST_F(MtlsIdentityTest, ExpiryIsRecheckedOnEveryCallOfAnOpenChannel) {
  StartHub();
  auto channel = TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key");
  WhoAmIResponse me;
  ASSERT_TRUE(WhoAmI(channel, &me).ok());
  clock_.Set(good_not_after_ + absl::Seconds(1));
  grpc::Status status = WhoAmI(channel, &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("expired"));
}

TEST_F(MtlsIdentityTest, TheGateAlsoGuardsTheHealthService) {
  StartHub();
  std::string refused;
  grpc::Status status =
      HealthCheck(TlsChannel("bad/unknown.pem", "bad/unknown.key"), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(refused.empty());

  std::string serving;
  status = HealthCheck(
      TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key"), &serving);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(serving, std::string("\x08\x01", 2));
}

// Asks the reflection service to list the server's services, through the
// generic stub (Debian ships the service, not its .proto): the request is
// ServerReflectionRequest{list_services: ""}, field 7, i.e. the bytes 3a 00.
// The raw response bytes are returned; service names appear in them verbatim.
class ListServicesCall
    : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit ListServicesCall(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(channel) {
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(20));
    grpc::Slice request(std::string("\x3a\x00", 2));
    request_ = grpc::ByteBuffer(&request, 1);
    stub_.PrepareBidiStreamingCall(
        &context_,
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        grpc::StubOptions(), this);
    StartWrite(&request_);
    StartRead(&response_);
    StartCall();
  }

  void OnWriteDone(bool) override { StartWritesDone(); }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    bytes_ += Bytes(response_);
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    status_ = status;
    done_.Notify();
  }

  // Waits for the call to end; returns its status and the response bytes.
  grpc::Status Await(std::string* bytes) {
    done_.WaitForNotification();
    *bytes = bytes_;
    return status_;
  }

 private:
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::string bytes_;
  grpc::Status status_;
  absl::Notification done_;
};

TEST_F(MtlsIdentityTest, ReflectionListsOurServiceToRegisteredCallersOnly) {
  StartHub();
  std::string refused;
  grpc::Status status =
      ListServicesCall(TlsChannel("bad/unknown.pem", "bad/unknown.key"))
          .Await(&refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(refused.empty());

  std::string services;
  status = ListServicesCall(
               TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key"))
               .Await(&services);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(services, HasSubstr("prevent.hub.v1.IdentityService"));
  EXPECT_THAT(services, HasSubstr("grpc.health.v1.Health"));
}

TEST_F(MtlsIdentityTest, AMalformedRequestContextNamesTheField) {
  StartHub();
  WhoAmIRequest request;
  request.mutable_context()->set_request_id(std::string(100, 'x'));
  WhoAmIResponse me;
  grpc::Status status = WhoAmI(
      TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key"), &me, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("context.request_id"));
  EXPECT_TRUE(me.identity().principal_id().empty());
}

// Copies the test policy into the test's directory, optionally editing it,
// and points the hub's config at the copy.
std::string WritePolicy(const std::string& dir, const std::string& from,
                        const std::string& to) {
  absl::StatusOr<std::string> text =
      common::ReadFile(HUB_SOURCE_DIR "/tests/testdata/policy.textproto");
  EXPECT_THAT(text, IsOk());
  std::string policy = text.value_or("");
  if (!from.empty()) {
    size_t at = policy.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) policy.replace(at, from.size(), to);
  }
  std::string path = dir + "/policy.textproto";
  std::ofstream(path, std::ios::trunc) << policy;
  return path;
}

TEST_F(MtlsIdentityTest, AReloadAppliesToOpenChannelsFromTheNextCall) {
  config_.set_policy_file(WritePolicy(dir_, "", ""));
  StartHub();
  auto channel = TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key");
  WhoAmIResponse me;
  ASSERT_TRUE(WhoAmI(channel, &me).ok());

  WritePolicy(
      dir_,
      R"(id: "P-LBW" name: "Test Borough" type: LOCAL_AUTHORITY areas: "WXC" status: ACTIVE)",
      R"(id: "P-LBW" name: "Test Borough" type: LOCAL_AUTHORITY areas: "WXC" status: SUSPENDED)");
  ASSERT_THAT(server_->Reload(), IsOk());
  grpc::Status status = WhoAmI(channel, &me);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("partner P-LBW is suspended"));
}

TEST_F(MtlsIdentityTest, AnInvalidPolicyIsRefusedAndTheOldOneKeepsServing) {
  config_.set_policy_file(WritePolicy(dir_, "", ""));
  StartHub();
  WritePolicy(dir_, R"(partner_id: "P-LBW")", R"(partner_id: "P-NOWHERE")");
  EXPECT_THAT(server_->Reload(), StatusIs(absl::StatusCode::kInvalidArgument,
                                          AllOf(HasSubstr("policy_file: "),
                                                HasSubstr("policy.textproto:"),
                                                HasSubstr("'P-NOWHERE'"))));
  WhoAmIResponse me;
  grpc::Status status = WhoAmIAs("clients/u-hokoro", &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.identity().partner_id(), "P-LBW");
}

TEST_F(MtlsIdentityTest, AReloadRefusesAStaleRevocationList) {
  StartHub();
  clock_.Set(absl::FromCivil(absl::CivilSecond(2100, 1, 1, 0, 0, 0),
                             absl::UTCTimeZone()));
  EXPECT_THAT(server_->Reload(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("crl_file: the revocation list expired")));
}

TEST_F(MtlsIdentityTest, TheHubRefusesToStartWithAStaleRevocationList) {
  clock_.Set(absl::FromCivil(absl::CivilSecond(2100, 1, 1, 0, 0, 0),
                             absl::UTCTimeZone()));
  EXPECT_THAT(HubServer::Start(config_, &clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("crl_file: the revocation list expired")));
}

TEST_F(MtlsIdentityTest, TheHubTrustsExactlyOneCa) {
  // Two anchors would let a certificate whose revocations we never see in.
  std::string both = dir_ + "/two-cas.pem";
  std::ofstream(both) << Pem("ca.pem") << Pem("bad/other-ca.pem");
  config_.set_ca_file(both);
  EXPECT_THAT(HubServer::Start(config_, &clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("ca_file: holds 2 certificates")));
}

TEST_F(MtlsIdentityTest, TheHubRefusesARevocationListFromAnotherCa) {
  config_.set_ca_file(CertsDir() + "/bad/other-ca.pem");
  EXPECT_THAT(
      HubServer::Start(config_, &clock_),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("crl_file:")));
}

TEST_F(MtlsIdentityTest, TheHubRefusesAKeyThatIsNotItsCertificates) {
  config_.set_key_file(CertsDir() + "/bad/wrong-key.key");
  EXPECT_THAT(
      HubServer::Start(config_, &clock_),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("key_file:")));
}

TEST_F(MtlsIdentityTest, TheHubRefusesAnInvalidPolicyFile) {
  config_.set_policy_file(CertsDir() + "/ca.pem");
  EXPECT_THAT(
      HubServer::Start(config_, &clock_),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("policy_file:")));
}

// --- Policy enforcement ----------------------------------------------------

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

// Calls `method` with the serialized `request` through the generic stub and
// returns the status; the response bytes go to `response`.
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                     const std::string& method,
                     const google::protobuf::Message& request,
                     std::string* response) {
  return testing::GenericUnaryCall(channel, method, request.SerializeAsString(),
                                   response);
}

// A well-formed request for every RPC of proto/hub.proto, keyed by method.
// The services are read from the descriptors, so a new RPC without a row
// here fails the test below rather than escaping it.
std::map<std::string, std::unique_ptr<google::protobuf::Message>>
WellFormedRequests(const std::string& referral_ref, absl::Time due_by) {
  std::map<std::string, std::unique_ptr<google::protobuf::Message>> requests;
  auto submit = std::make_unique<prevent::hub::v1::SubmitReferralRequest>();
  submit->mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  submit->mutable_context()->set_request_id("every-rpc-submit");
  *submit->mutable_submission() = hub::testing::AdultSubmission();
  requests["/prevent.hub.v1.ReferralService/Submit"] = std::move(submit);
  auto get = std::make_unique<prevent::hub::v1::GetReferralRequest>();
  get->mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  get->set_referral(referral_ref);
  requests["/prevent.hub.v1.ReferralService/Get"] = std::move(get);
  auto list = std::make_unique<prevent::hub::v1::ListReferralsRequest>();
  list->mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  requests["/prevent.hub.v1.ReferralService/List"] = std::move(list);
  auto transition =
      std::make_unique<prevent::hub::v1::TransitionReferralRequest>();
  transition->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  transition->set_referral(referral_ref);
  transition->set_to(pb::SCREENING);
  transition->set_reason("screening starts");
  requests["/prevent.hub.v1.ReferralService/Transition"] =
      std::move(transition);
  // The Channel-stage calls, for a purpose the coordinator may update a
  // SUBMITTED referral for (test policy F12): the policy allows them, and
  // the workflow then refuses (see ServedAs below).
  auto ask = std::make_unique<prevent::hub::v1::RequestInformationRequest>();
  ask->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  ask->set_referral(referral_ref);
  ask->set_recipient_partner_id("P-NHS1");
  ask->set_legal_gateway("CTSA 2015 s.38");
  ask->add_questions()->set_q_id("Q1");
  ask->mutable_questions(0)->set_text("Is the subject known to the trust?");
  ask->set_due_by_unix_ms(absl::ToUnixMillis(due_by));
  requests["/prevent.hub.v1.ReferralService/RequestInformation"] =
      std::move(ask);
  auto answer = std::make_unique<prevent::hub::v1::RespondInformationRequest>();
  answer->mutable_context()->set_purpose(pb::CHANNEL_ASSESSMENT);
  answer->set_request_id("0190aaaa-0000-7000-8000-000000000000");
  answer->set_declined_reason("not held");
  requests["/prevent.hub.v1.ReferralService/RespondInformation"] =
      std::move(answer);
  auto asked =
      std::make_unique<prevent::hub::v1::ListInformationRequestsRequest>();
  asked->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  asked->set_referral(referral_ref);
  requests["/prevent.hub.v1.ReferralService/ListInformationRequests"] =
      std::move(asked);
  auto panel = std::make_unique<prevent::hub::v1::RecordPanelDecisionRequest>();
  panel->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  panel->set_referral(referral_ref);
  panel->mutable_decision()->set_outcome(
      prevent::records::v1::PanelDecision::REFER_TO_POLICE_PCM);
  panel->mutable_decision()->set_rationale("police lead");
  panel->mutable_decision()->add_attendee_ids("U-HOKORO");
  requests["/prevent.hub.v1.ReferralService/RecordPanelDecision"] =
      std::move(panel);
  auto consent = std::make_unique<prevent::hub::v1::RecordConsentRequest>();
  consent->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  consent->set_referral(referral_ref);
  consent->mutable_consent()->set_type(
      prevent::records::v1::ConsentRecord::CHANNEL_SUPPORT);
  consent->mutable_consent()->set_status(
      prevent::records::v1::ConsentRecord::GIVEN);
  consent->mutable_consent()->set_given_by(
      prevent::records::v1::ConsentRecord::SUBJECT);
  consent->mutable_consent()->set_method(
      prevent::records::v1::ConsentRecord::WRITTEN);
  requests["/prevent.hub.v1.ReferralService/RecordConsent"] =
      std::move(consent);
  auto approve = std::make_unique<prevent::hub::v1::ApproveFeedbackRequest>();
  approve->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  approve->set_referral(referral_ref);
  approve->set_code(
      prevent::records::v1::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
  requests["/prevent.hub.v1.ReferralService/ApproveFeedback"] =
      std::move(approve);
  auto release = std::make_unique<prevent::hub::v1::ReleaseFeedbackRequest>();
  release->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  release->set_referral(referral_ref);
  release->set_code(
      prevent::records::v1::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
  requests["/prevent.hub.v1.ReferralService/ReleaseFeedback"] =
      std::move(release);
  requests["/prevent.hub.v1.IdentityService/WhoAmI"] =
      std::make_unique<WhoAmIRequest>();
  auto explain = std::make_unique<ExplainRequest>();
  explain->mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
  explain->set_action(pb::READ);
  explain->mutable_resource()->set_record(pb::IDENTITY);
  requests["/prevent.hub.v1.PolicyService/Explain"] = std::move(explain);
  requests["/prevent.hub.v1.AuditService/GetCheckpoint"] =
      std::make_unique<GetCheckpointRequest>();
  auto inclusion = std::make_unique<GetInclusionProofRequest>();
  inclusion->set_index(0);
  inclusion->set_tree_size(1);
  requests["/prevent.hub.v1.AuditService/GetInclusionProof"] =
      std::move(inclusion);
  auto consistency = std::make_unique<GetConsistencyProofRequest>();
  consistency->set_first_size(1);
  consistency->set_second_size(2);
  requests["/prevent.hub.v1.AuditService/GetConsistencyProof"] =
      std::move(consistency);
  auto query = std::make_unique<AuditQueryRequest>();
  query->mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
  query->set_partner_id("P-NHS1");
  requests["/prevent.hub.v1.AuditService/Query"] = std::move(query);

  auto check = std::make_unique<prevent::hub::v1::DeconflictionQuery>();
  check->mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
  check->mutable_context()->set_justification("Gateway assessment");
  check->set_referral(referral_ref);
  check->set_forenames("Ryan");
  check->set_surname("Marsh");
  check->set_dob("2003-01-27");
  requests["/prevent.hub.v1.DeconflictionService/CheckBatch"] =
      std::make_unique<prevent::hub::v1::DeconflictionQuery>(*check);
  requests["/prevent.hub.v1.DeconflictionService/Check"] = std::move(check);
  auto outcome = std::make_unique<prevent::hub::v1::RecordOutcomeRequest>();
  outcome->mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
  outcome->mutable_context()->set_justification("Outcome of police checks");
  outcome->set_referral(referral_ref);
  outcome->set_query_id("a-check");
  outcome->set_police_result(rec::DeconflictionOutcome::CLEAR);
  outcome->set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  requests["/prevent.hub.v1.DeconflictionService/RecordOutcome"] =
      std::move(outcome);
  auto status =
      std::make_unique<prevent::hub::v1::GetDeconflictionStatusRequest>();
  status->mutable_context()->set_purpose(pb::PREVENT_SCREENING);
  status->set_referral(referral_ref);
  requests["/prevent.hub.v1.DeconflictionService/GetStatus"] =
      std::move(status);

  const std::string briefing = "0190a000-0000-7000-8000-000000000000";
  auto publish = std::make_unique<prevent::hub::v1::PublishBriefingRequest>();
  publish->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  publish->mutable_context()->set_request_id("publish-1");
  {
    rec::BriefingDraft& draft = *publish->mutable_draft();
    draft.set_title("CTLP briefing (test)");
    draft.set_series(rec::BriefingDraft::CTLP_ANNUAL);
    draft.add_area_codes("WXC");
    rec::BriefingDraft::Section& section = *draft.add_sections();
    section.set_number(3);
    section.set_title("National threat context");
    section.mutable_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
    rec::BriefingDraft::Body& body = *section.add_bodies();
    body.set_audience(pb::LA_CORE);
    body.set_text("The national threat level is SUBSTANTIAL.");
    rec::BriefingDraft::Variant& variant = *draft.add_variants();
    variant.set_audience(pb::LA_CORE);
    variant.set_approved(true);
    variant.mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(due_by + absl::Hours(24 * 30)));
  }
  auto supersede =
      std::make_unique<prevent::hub::v1::SupersedeBriefingRequest>();
  *supersede->mutable_context() = publish->context();
  supersede->mutable_context()->set_request_id("supersede-1");
  supersede->set_briefing_id(briefing);
  *supersede->mutable_draft() = publish->draft();
  requests["/prevent.hub.v1.BriefingService/Publish"] = std::move(publish);
  requests["/prevent.hub.v1.BriefingService/Supersede"] = std::move(supersede);
  auto withdraw = std::make_unique<prevent::hub::v1::WithdrawBriefingRequest>();
  withdraw->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  withdraw->set_briefing_id(briefing);
  withdraw->set_reason("Published in error");
  requests["/prevent.hub.v1.BriefingService/Withdraw"] = std::move(withdraw);
  auto listing = std::make_unique<prevent::hub::v1::ListBriefingsRequest>();
  listing->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  requests["/prevent.hub.v1.BriefingService/List"] = std::move(listing);
  auto ack = std::make_unique<prevent::hub::v1::AcknowledgeBriefingRequest>();
  ack->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  ack->set_briefing_id(briefing);
  ack->set_conditions_sha256(std::string(64, 'a'));
  requests["/prevent.hub.v1.BriefingService/Acknowledge"] = std::move(ack);
  auto read = std::make_unique<prevent::hub::v1::ReadBriefingRequest>();
  read->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  read->set_briefing_id(briefing);
  requests["/prevent.hub.v1.BriefingService/Read"] = std::move(read);
  auto purge = std::make_unique<prevent::hub::v1::AttestPurgeRequest>();
  purge->mutable_context()->set_purpose(pb::CTLP_BRIEFING);
  purge->set_briefing_id(briefing);
  requests["/prevent.hub.v1.BriefingService/AttestPurge"] = std::move(purge);
  auto delivery =
      std::make_unique<prevent::hub::v1::BriefingDeliveryStatusRequest>();
  delivery->mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
  delivery->set_briefing_id(briefing);
  requests["/prevent.hub.v1.BriefingService/DeliveryStatus"] =
      std::move(delivery);
  // A first sync: the device holds nothing.
  requests["/prevent.hub.v1.SyncService/Pull"] =
      std::make_unique<prevent::hub::v1::PullRequest>();
  return requests;
}

// What the coordinator (or for Submit the NHS lead) gets for the request
// of WellFormedRequests(), once the policy has allowed it.
grpc::StatusCode ServedAs(const std::string& method) {
  const std::string prefix = "/prevent.hub.v1.ReferralService/";
  if (method == prefix + "RequestInformation") {
    return grpc::StatusCode::FAILED_PRECONDITION;  // not in INFO_GATHERING
  }
  if (method == prefix + "RecordPanelDecision" ||
      method == prefix + "RecordConsent" ||
      method == prefix + "ApproveFeedback" ||
      method == prefix + "ReleaseFeedback") {
    // F12 lets the coordinator change the case for PREVENT_SCREENING; each
    // of these serves a purpose of its own (docs/referrals.md).
    return grpc::StatusCode::PERMISSION_DENIED;
  }
  return grpc::StatusCode::OK;
}

TEST_F(MtlsIdentityTest, EveryRpcIsRefusedToAPrincipalWithNoRights) {
  StartHub();
  auto no_rights =
      TlsChannel("clients/u-norights.pem", "clients/u-norights.key");
  auto coordinator = TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key");
  // Submitting is the NHS lead's right, not the coordinator's; the other
  // referral calls act on a referral the lead submits first.
  auto nhs_lead = TlsChannel("clients/u-drwhit.pem", "clients/u-drwhit.key");
  prevent::hub::v1::SubmitReferralRequest first;
  first.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  first.mutable_context()->set_request_id("every-rpc-first");
  *first.mutable_submission() = hub::testing::AdultSubmission();
  prevent::hub::v1::SubmitReferralResponse submitted;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(prevent::hub::v1::ReferralService::NewStub(nhs_lead)
                    ->Submit(&context, first, &submitted)
                    .ok());
  }
  auto requests = WellFormedRequests(submitted.referral_ref(),
                                     clock_.Now() + absl::Hours(72));
  const google::protobuf::FileDescriptor* file =
      WhoAmIRequest::descriptor()->file();
  int methods = 0;
  for (int i = 0; i < file->service_count(); ++i) {
    const google::protobuf::ServiceDescriptor* service = file->service(i);
    for (int j = 0; j < service->method_count(); ++j) {
      const std::string method = absl::StrCat("/", service->full_name(), "/",
                                              service->method(j)->name());
      ++methods;
      auto request = requests.find(method);
      if (request == requests.end()) {
        ADD_FAILURE() << method << " has no row in WellFormedRequests()";
        continue;
      }
      std::string response;
      const size_t before = AuditEvents(dir_ + "/hub.db").size();
      grpc::Status status =
          CallRaw(no_rights, method, *request->second, &response);
      if (method == "/prevent.hub.v1.DeconflictionService/CheckBatch") {
        // One query on the stream: the stream ends OK, and the query's
        // answer carries its refusal and nothing else.
        EXPECT_TRUE(status.ok()) << status.error_message();
        prevent::hub::v1::DeconflictionAnswer answer;
        ASSERT_TRUE(answer.ParseFromString(response));
        EXPECT_EQ(answer.error_code(), grpc::StatusCode::NOT_FOUND);
        EXPECT_FALSE(answer.has_deconfliction());
      } else {
        EXPECT_THAT(status.error_code(),
                    ::testing::AnyOf(grpc::StatusCode::PERMISSION_DENIED,
                                     grpc::StatusCode::NOT_FOUND))
            << method << ": " << status.error_message();
        EXPECT_TRUE(response.empty()) << method;
      }
      // The denial left exactly one event, a POLICY_DENY naming the caller.
      std::vector<prevent::audit::v1::AuditEvent> events =
          AuditEvents(dir_ + "/hub.db");
      ASSERT_EQ(events.size(), before + 1) << method;
      EXPECT_EQ(events.back().operation(), prevent::audit::v1::POLICY_DENY)
          << method;
      EXPECT_EQ(events.back().method(), method);
      EXPECT_EQ(events.back().actor().principal_id(), "U-NORIGHTS");
      EXPECT_FALSE(events.back().decision().allowed());
      EXPECT_FALSE(events.back().decision().policy_version().empty());
      // An answer needs a request the caller's partner was sent, in
      // INFO_GATHERING: tests/referral_test.cc serves it.
      if (method == "/prevent.hub.v1.ReferralService/RespondInformation") {
        continue;
      }
      // Deconfliction is the demo policy's CT gateway's (rule F13), which
      // this test policy has none of: tests/deconfliction_test.cc serves it.
      if (absl::StartsWith(method, "/prevent.hub.v1.DeconflictionService/")) {
        continue;
      }
      // Briefings are the demo policy's CTLP owner's and recipients' (rules
      // F40-F43, F62, F63): tests/briefing_test.cc serves them.
      if (absl::StartsWith(method, "/prevent.hub.v1.BriefingService/")) {
        continue;
      }
      // The same request from a principal with rights is allowed by the
      // policy's rule, so the refusal above is the policy's and not a
      // malformed request's; it too leaves exactly one event. The
      // Channel-stage calls are then refused by the workflow (a SUBMITTED
      // referral), or by the purpose they serve beyond the rule: a denial,
      // audited as one.
      status = CallRaw(method == "/prevent.hub.v1.ReferralService/Submit"
                           ? nhs_lead
                           : coordinator,
                       method, *request->second, &response);
      const auto served = ServedAs(method);
      EXPECT_EQ(status.error_code(), served)
          << method << ": " << status.error_message();
      events = AuditEvents(dir_ + "/hub.db");
      ASSERT_EQ(events.size(), before + 2) << method;
      if (served == grpc::StatusCode::PERMISSION_DENIED) {
        EXPECT_THAT(status.error_message(), HasSubstr("context.purpose"));
        EXPECT_EQ(events.back().operation(), prevent::audit::v1::POLICY_DENY)
            << method;
        EXPECT_EQ(events.back().decision().reason(), pb::PURPOSE_NOT_IN_RULE)
            << method;
      } else {
        EXPECT_TRUE(events.back().decision().allowed()) << method;
      }
      EXPECT_EQ(events.back().actor().principal_id(),
                method == "/prevent.hub.v1.ReferralService/Submit"
                    ? "U-DRWHIT"
                    : "U-HOKORO");
    }
  }
  EXPECT_EQ(methods, static_cast<int>(requests.size()));

  std::string refused;
  EXPECT_EQ(HealthCheck(no_rights, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(ListServicesCall(no_rights).Await(&refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(refused.empty());
}

TEST_F(MtlsIdentityTest, ARefusedCertificateLeavesOneLoginEvent) {
  StartHub();
  EXPECT_EQ(WhoAmIAs("bad/revoked").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  std::vector<prevent::audit::v1::AuditEvent> events =
      AuditEvents(dir_ + "/hub.db");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].operation(), prevent::audit::v1::LOGIN);
  EXPECT_FALSE(events[0].decision().allowed());
  EXPECT_EQ(events[0].actor().cert_sha256().size(), 64u);
  EXPECT_EQ(events[0].status(), "UNAUTHENTICATED");
}

// Fail closed (DESIGN §4, TESTING I7): while the audit log cannot be
// written, every call is refused with UNAVAILABLE and releases nothing, and
// health says NOT_SERVING; once the fault clears the hub recovers by itself.
TEST_F(MtlsIdentityTest, AnUnwritableAuditLogRefusesEveryCallThenRecovers) {
  config_.set_database_path(
      absl::StrCat("file:", dir_, "/hub.db?vfs=", store::InstallFaultVfs()));
  StartHub();
  auto coordinator = TlsChannel("clients/u-hokoro.pem", "clients/u-hokoro.key");
  auto no_rights =
      TlsChannel("clients/u-norights.pem", "clients/u-norights.key");
  WhoAmIResponse me;
  ASSERT_TRUE(WhoAmI(coordinator, &me).ok());
  std::string health;
  ASSERT_TRUE(HealthCheck(coordinator, &health).ok());
  EXPECT_EQ(health, std::string("\x08\x01", 2));  // SERVING
  const size_t before = AuditEvents(dir_ + "/hub.db").size();

  store::SetFaultVfsFailing(true);
  WhoAmIResponse refused;
  grpc::Status status = WhoAmI(coordinator, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("audit log"));
  EXPECT_TRUE(refused.identity().principal_id().empty());
  // A denial must be recorded too, so it is refused the same way.
  EXPECT_EQ(WhoAmI(no_rights, &refused).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(HealthCheck(coordinator, &health).ok());
  EXPECT_EQ(health, std::string("\x08\x02", 2));  // NOT_SERVING

  store::SetFaultVfsFailing(false);
  status = WhoAmI(coordinator, &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.identity().principal_id(), "U-HOKORO");
  ASSERT_TRUE(HealthCheck(coordinator, &health).ok());
  EXPECT_EQ(health, std::string("\x08\x01", 2));
  // Nothing of the refused calls was logged; the recovered call was.
  std::vector<prevent::audit::v1::AuditEvent> events =
      AuditEvents(dir_ + "/hub.db");
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_TRUE(events.back().decision().allowed());
}

TEST_F(MtlsIdentityTest, WhoAmIIsProjectedToTheStandingRulesFields) {
  config_.set_policy_file(WritePolicy(
      dir_, R"(id: "S01" record: IDENTITY actions: READ allowed_fields: "*")",
      R"(id: "S01" record: IDENTITY actions: READ
         allowed_fields: ["principal_id", "roles"])"));
  StartHub();
  WhoAmIResponse me;
  grpc::Status status = WhoAmIAs("clients/u-hokoro", &me);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(me.identity().principal_id(), "U-HOKORO");
  EXPECT_EQ(me.identity().roles_size(), 1);
  EXPECT_TRUE(me.identity().display_name().empty());
  EXPECT_TRUE(me.identity().spiffe_id().empty());
  EXPECT_TRUE(me.identity().partner_id().empty());
}

class ExplainTest : public MtlsIdentityTest {
 protected:
  grpc::Status Explain(const std::string& as_user,
                       const ExplainRequest& request,
                       ExplainResponse* response) {
    auto channel = TlsChannel("clients/" + as_user + ".pem",
                              "clients/" + as_user + ".key");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return PolicyService::NewStub(channel)->Explain(&context, request,
                                                    response);
  }

  // "May <principal> READ an NHS referral about a WXC subject in `state`?"
  static ExplainRequest ReadNhsReferral(const std::string& principal,
                                        pb::ReferralState state) {
    ExplainRequest request;
    request.mutable_context()->set_purpose(pb::AUDIT_AND_ASSURANCE);
    request.set_principal_id(principal);
    request.set_action(pb::READ);
    request.set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
    request.mutable_resource()->set_record(pb::CASE);
    request.mutable_resource()->set_source_partner_id("P-NHS1");
    request.mutable_resource()->set_area("WXC");
    request.mutable_resource()->set_state(state);
    return request;
  }
};

TEST_F(ExplainTest, AnAllowCitesTheAgreementRuleAndFields) {
  StartHub();
  ExplainResponse answer;
  grpc::Status status =
      Explain("u-hokoro", ReadNhsReferral("", pb::SUBMITTED), &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const prevent::records::v1::Access& access = answer.access();
  EXPECT_EQ(access.principal_id(), "U-HOKORO");
  EXPECT_TRUE(access.allowed());
  EXPECT_EQ(access.reason(), pb::ALLOWED);
  EXPECT_EQ(access.agreement_id(), "A-TEST");
  EXPECT_EQ(access.agreement_reference(), "ISA-TEST");
  EXPECT_EQ(access.rule_id(), "F04");
  EXPECT_THAT(
      access.allowed_fields(),
      ::testing::ElementsAre("subject.identity", "referral.concern_summary"));
  EXPECT_EQ(access.policy_version().size(), 16u);
}

TEST_F(ExplainTest, ADenyNamesTheReasonAndTheNearestRule) {
  StartHub();
  ExplainResponse answer;
  ASSERT_TRUE(
      Explain("u-hokoro", ReadNhsReferral("", pb::SCREENING), &answer).ok());
  EXPECT_FALSE(answer.access().allowed());
  EXPECT_EQ(answer.access().reason(), pb::WRONG_WORKFLOW_STATE);
  EXPECT_EQ(answer.access().rule_id(), "F04");
  EXPECT_THAT(answer.access().explanation(), HasSubstr("workflow state"));
  EXPECT_TRUE(answer.access().allowed_fields().empty());
}

TEST_F(ExplainTest, TheCoordinatorMayExplainAnotherPrincipal) {
  StartHub();
  ExplainRequest request = ReadNhsReferral("U-DRWHIT", pb::SUBMITTED);
  request.set_action(pb::SEND);
  ExplainResponse answer;
  grpc::Status status = Explain("u-hokoro", request, &answer);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answer.access().principal_id(), "U-DRWHIT");
  EXPECT_TRUE(answer.access().allowed());
  EXPECT_EQ(answer.access().rule_id(), "F04");
}

TEST_F(ExplainTest, OthersAccessIsHiddenExactlyAsAMissingPrincipal) {
  StartHub();
  ExplainResponse answer;
  grpc::Status hidden =
      Explain("u-drwhit", ReadNhsReferral("U-HOKORO", pb::SUBMITTED), &answer);
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(answer.has_access());
  grpc::Status missing =
      Explain("u-drwhit", ReadNhsReferral("U-HOKORA", pb::SUBMITTED), &answer);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  // Same words but for the id asked about.
  std::string hidden_text = hidden.error_message();
  std::string missing_text = missing.error_message();
  hidden_text.replace(hidden_text.find("U-HOKORO"), 8, "ID");
  missing_text.replace(missing_text.find("U-HOKORA"), 8, "ID");
  EXPECT_EQ(hidden_text, missing_text);
}

TEST_F(ExplainTest, AReloadedPolicyDecidesTheNextCall) {
  config_.set_policy_file(WritePolicy(dir_, "", ""));
  StartHub();
  ExplainResponse answer;
  ASSERT_TRUE(
      Explain("u-hokoro", ReadNhsReferral("", pb::SUBMITTED), &answer).ok());
  ASSERT_TRUE(answer.access().allowed());

  WritePolicy(dir_, R"(version: "1" status: ACTIVE)",
              R"(version: "1" status: SUSPENDED)");
  ASSERT_THAT(server_->Reload(), IsOk());
  ASSERT_TRUE(
      Explain("u-hokoro", ReadNhsReferral("", pb::SUBMITTED), &answer).ok());
  EXPECT_FALSE(answer.access().allowed());
  EXPECT_EQ(answer.access().reason(), pb::AGREEMENT_NOT_ACTIVE);
}

TEST_F(ExplainTest, AMalformedExplainRequestNamesTheField) {
  StartHub();
  ExplainRequest request = ReadNhsReferral("", pb::SUBMITTED);
  request.set_action(pb::ACTION_UNSPECIFIED);
  ExplainResponse answer;
  grpc::Status status = Explain("u-hokoro", request, &answer);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("action"));
}

}  // namespace
}  // namespace hub
