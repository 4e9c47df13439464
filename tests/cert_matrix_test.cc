// TESTING §3.5, the certificate matrix: every bad certificate, and none, is
// tried on every RPC of the hub's services (read from the descriptors), the
// sync stream and the deconfliction batch stream included, and on the health
// service; each must be refused (at the TLS handshake, UNAVAILABLE, or at the
// hub's gate, UNAUTHENTICATED or PERMISSION_DENIED) and never answered,
// while a good certificate is never refused there. Also: TLS 1.0 and 1.1
// offered are refused (TLS 1.2 accepted); a certificate revoked while its
// channel is open is refused from the next call after the hub reloads the
// CRL; a CRL past its next update fails every call closed; and a hub without
// its CRL does not start. The last line printed is the suite's figures for
// docs/reliability.md.
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "common/fake_clock.h"
#include "common/file_util.h"
#include "common/revocation_list.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "common/test_certs.h"
#include "common/x509_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hub/hub_server.h"
#include "proto/hub.grpc.pb.h"
#include "tests/generic_call.h"

namespace hub {
namespace {

namespace api = ::prevent::hub::v1;
using common::ReadTestCert;
using common::TestCertsDir;

// A certificate (and its key) the hub must refuse, or "" for none.
struct BadCertificate {
  const char* why;
  const char* name;  // under the test PKI, without .pem/.key; "" for none
};
const BadCertificate kBad[] = {
    {"expired", "bad/expired"},
    {"not yet valid", "bad/not-yet-valid"},
    {"issued by another CA", "bad/other-ca-client"},
    {"revoked", "bad/revoked"},
    {"no SPIFFE ID", "bad/no-spiffe"},
    {"an identity the registry does not know", "bad/unknown"},
    {"someone else's key", "bad/wrong-key"},
    {"for servers only (wrong key usage)", "bad/wrong-usage"},
    {"issued by a revoked intermediate CA", "bad/intermediate-client"},
    {"of a suspended partner's user", "clients/u-suspdsl"},
    {"of an offboarded principal", "clients/u-offboarded"},
    {"no client certificate", ""},
};

bool Refused(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::UNAUTHENTICATED ||
         code == grpc::StatusCode::PERMISSION_DENIED;
}

// Runs `command` (a shell line); its exit code and its output.
int RunShell(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output->append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class CertMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto good =
        common::X509Certificate::FromPem(ReadTestCert("clients/u-hokoro.pem"));
    ASSERT_THAT(good, IsOk());
    clock_.Set(good->not_before() + absl::Hours(1));
    config_.set_listen_address("127.0.0.1:0");
    config_.set_cert_file(TestCertsDir() + "/hub.pem");
    config_.set_key_file(TestCertsDir() + "/hub.key");
    config_.set_ca_file(TestCertsDir() + "/ca.pem");
    config_.set_crl_file(TestCertsDir() + "/crl.pem");
    config_.set_policy_file(HUB_SOURCE_DIR "/tests/testdata/policy.textproto");
    config_.set_database_path(dir_ + "/hub.db");
    config_.set_audit_signing_key_file(TestCertsDir() + "/audit/signing.key");
    config_.set_audit_pseudonym_key_file(TestCertsDir() +
                                         "/audit/pseudonym.key");
  }

  void StartHub() {
    auto server = HubServer::Start(config_, &clock_);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(server).value();
  }

  std::string Target() const {
    return "127.0.0.1:" + std::to_string(server_->port());
  }

  // A channel presenting `name`.pem/.key (none if empty), trusting our CA.
  std::shared_ptr<grpc::Channel> Channel(const std::string& name) const {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadTestCert("ca.pem");
    if (!name.empty()) {
      tls.pem_cert_chain = ReadTestCert(name + ".pem");
      tls.pem_private_key = ReadTestCert(name + ".key");
    }
    return grpc::CreateChannel(Target(), grpc::SslCredentials(tls));
  }

  // Calls `method` (a full name) with an empty request on `channel`.
  static grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                           const std::string& method) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    if (method == "/prevent.hub.v1.SyncService/Pull") {
      auto reader = api::SyncService::NewStub(channel)->Pull(
          &context, api::PullRequest());
      api::SyncBatch batch;
      while (reader->Read(&batch)) {
      }
      return reader->Finish();
    }
    if (method == "/prevent.hub.v1.DeconflictionService/CheckBatch") {
      auto stream =
          api::DeconflictionService::NewStub(channel)->CheckBatch(&context);
      stream->Write(api::DeconflictionQuery());
      stream->WritesDone();
      api::DeconflictionAnswer answer;
      while (stream->Read(&answer)) {
      }
      return stream->Finish();
    }
    return testing::GenericUnaryCall(channel, method, "", nullptr);
  }

  // Every method of the hub's services, and the health check.
  static std::vector<std::string> Methods() {
    std::vector<std::string> out = {"/grpc.health.v1.Health/Check"};
    const auto* file = api::GetReferralRequest::descriptor()->file();
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        out.push_back(absl::StrCat("/", file->service(s)->full_name(), "/",
                                   file->service(s)->method(m)->name()));
      }
    }
    return out;
  }

  // Offers the hub a TLS handshake with `protocol` (an openssl s_client
  // flag such as -tls1_1), willing to use any cipher; whether it succeeded.
  bool Handshakes(const std::string& protocol) {
    std::string output;
    const int code = RunShell(
        absl::StrCat("openssl s_client -connect ", Target(), " ", protocol,
                     " -alpn h2 -cipher 'DEFAULT:@SECLEVEL=0' -CAfile ",
                     TestCertsDir(), "/ca.pem -cert ", TestCertsDir(),
                     "/clients/u-hokoro.pem", " -key ", TestCertsDir(),
                     "/clients/u-hokoro.key", " </dev/null"),
        &output);
    return code == 0 &&
           output.find("Verify return code: 0") != std::string::npos;
  }

  common::FakeClock clock_{absl::UnixEpoch()};
  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path();
  prevent::config::v1::HubConfig config_;
  std::unique_ptr<HubServer> server_;
};

TEST_F(CertMatrixTest, EveryBadCertificateIsRefusedOnEveryRpcAndAGoodOneNever) {
  StartHub();
  const std::vector<std::string> methods = Methods();
  int attempts = 0, accepted_when_should_reject = 0,
      rejected_when_should_accept = 0;
  for (const BadCertificate& bad : kBad) {
    auto channel = bad.name[0] == '\0' ? Channel("") : Channel(bad.name);
    for (const std::string& method : methods) {
      ++attempts;
      const grpc::Status status = Call(channel, method);
      if (!Refused(status.error_code())) {
        ++accepted_when_should_reject;
        ADD_FAILURE() << "a certificate " << bad.why << " reached " << method
                      << ": " << status.error_code() << " "
                      << status.error_message();
      }
    }
  }
  // Plaintext, on every RPC.
  auto plaintext =
      grpc::CreateChannel(Target(), grpc::InsecureChannelCredentials());
  for (const std::string& method : methods) {
    ++attempts;
    const grpc::Status status = Call(plaintext, method);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      ++accepted_when_should_reject;
      ADD_FAILURE() << "plaintext reached " << method << ": "
                    << status.error_code();
    }
  }
  // The control: a good certificate gets past the TLS layer and the gate on
  // every RPC (its empty requests are refused by the handlers, if at all).
  auto good = Channel("clients/u-hokoro");
  for (const std::string& method : methods) {
    ++attempts;
    const grpc::Status status = Call(good, method);
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      ++rejected_when_should_accept;
      ADD_FAILURE() << "a good certificate was refused on " << method << ": "
                    << status.error_code() << " " << status.error_message();
    }
  }

  // TLS below 1.2 is refused; 1.2 itself is accepted.
  const bool tls10 = Handshakes("-tls1");
  const bool tls11 = Handshakes("-tls1_1");
  const bool tls12 = Handshakes("-tls1_2");
  EXPECT_FALSE(tls10) << "the hub accepted TLS 1.0";
  EXPECT_FALSE(tls11) << "the hub accepted TLS 1.1";
  EXPECT_TRUE(tls12) << "the hub refused TLS 1.2 with a good certificate";

  std::fprintf(stderr,
               "certificate matrix: cases=%zu rpcs=%zu attempts=%d "
               "accepted_when_should_reject=%d rejected_when_should_accept=%d "
               "tls1_0_refused=%d tls1_1_refused=%d tls1_2_accepted=%d\n",
               std::size(kBad) + 1, methods.size(), attempts,
               accepted_when_should_reject, rejected_when_should_accept,
               tls10 ? 0 : 1, tls11 ? 0 : 1, tls12 ? 1 : 0);
}

TEST_F(CertMatrixTest, ACertificateRevokedWhileItsChannelIsOpenIsRefusedNext) {
  // A CA of the test's own, copied from the test PKI, to revoke with.
  const std::string ca = dir_ + "/ca";
  std::filesystem::copy(TestCertsDir() + "/.ca", ca,
                        std::filesystem::copy_options::recursive);
  absl::StatusOr<std::string> cnf = common::ReadFile(ca + "/openssl.cnf");
  ASSERT_THAT(cnf, IsOk());
  ASSERT_THAT(common::WriteFileAtomically(
                  ca + "/openssl.cnf",
                  absl::StrReplaceAll(*cnf, {{TestCertsDir() + "/.ca", ca}})),
              IsOk());
  std::filesystem::copy_file(TestCertsDir() + "/crl.pem", dir_ + "/crl.pem");
  config_.set_crl_file(dir_ + "/crl.pem");
  StartHub();

  auto channel = Channel("clients/u-drwhit");
  const std::string who = "/prevent.hub.v1.IdentityService/WhoAmI";
  ASSERT_TRUE(Call(channel, who).ok());
  std::string output;
  ASSERT_EQ(
      RunShell(absl::StrCat("SAN=unused openssl ca -batch -config ", ca,
                            "/openssl.cnf -revoke ", TestCertsDir(),
                            "/clients/u-drwhit.pem -crl_reason keyCompromise "
                            "&& SAN=unused openssl ca -batch -config ",
                            ca, "/openssl.cnf -gencrl -crldays 60 -out ", dir_,
                            "/crl.pem"),
               &output),
      0)
      << output;
  // The open channel still works until the hub takes the new CRL...
  EXPECT_TRUE(Call(channel, who).ok());
  ASSERT_THAT(server_->Reload(), IsOk());
  // ...and from the next call on it is refused, on every RPC.
  int served_after_revocation = 0;
  for (const std::string& method : Methods()) {
    const grpc::Status status = Call(channel, method);
    if (status.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
      ++served_after_revocation;
      ADD_FAILURE() << method << " after revocation: " << status.error_code()
                    << " " << status.error_message();
    }
  }
  // Another principal on the same hub is unaffected.
  EXPECT_TRUE(Call(Channel("clients/u-hokoro"), who).ok());
  std::fprintf(stderr,
               "certificate revocation: propagation=next_call_after_reload "
               "served_after_revocation=%d\n",
               served_after_revocation);
}

TEST_F(CertMatrixTest, ACrlPastItsNextUpdateFailsEveryCallClosed) {
  StartHub();
  absl::StatusOr<std::string> pem =
      common::ReadFile(TestCertsDir() + "/crl.pem");
  ASSERT_THAT(pem, IsOk());
  auto ca = common::X509Certificate::FromPem(ReadTestCert("ca.pem"));
  ASSERT_THAT(ca, IsOk());
  auto crl = common::RevocationList::FromPem(*pem, *ca);
  ASSERT_THAT(crl, IsOk());
  clock_.Set(crl->next_update() + absl::Seconds(1));
  auto channel = Channel("clients/u-hokoro");
  for (const std::string& method : Methods()) {
    const grpc::Status status = Call(channel, method);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << method << ": " << status.error_message();
  }
}

TEST_F(CertMatrixTest, AHubWithoutItsCrlDoesNotStart) {
  config_.set_crl_file(dir_ + "/no-such-crl.pem");
  auto server = HubServer::Start(config_, &clock_);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), ::testing::HasSubstr("crl_file"));
}

}  // namespace
}  // namespace hub
