// libFuzzer target (TESTING §3.7 item 1 and "in-process gRPC end-to-end
// fuzzing"): every request message, through the real hub. One HubServer
// with the demo partnership runs in the fuzzer's process (so its code is
// what libFuzzer's coverage steers by), and each input is one call over
// mutual TLS: a demo principal, an RPC of the hub's services (read from the
// descriptors), and a request made from the rest of the bytes, either as
// they are or merged over a plausible request (a purpose, a seeded
// referral). Whatever arrives must be answered with a status a caller can
// act on: never INTERNAL, UNKNOWN, DATA_LOSS or UNIMPLEMENTED for a request
// that parses, never a crash, leak or undefined behaviour, and the hub must
// keep serving.
#include <fcntl.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/synchronization/notification.h"
#include "common/fake_clock.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/x509_certificate.h"
#include "google/protobuf/message.h"
#include "hub/hub_server.h"
#include "proto/hub.grpc.pb.h"
#include "proto/policy.pb.h"
#include "tests/generic_call.h"
#include "tests/referral_samples.h"

namespace {

namespace api = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

std::string Demo(const std::string& name) {
  const char* dir = std::getenv("HUB_DEMO_CERTS");
  if (dir == nullptr) {
    std::fprintf(stderr,
                 "hub_rpc_fuzzer: set HUB_DEMO_CERTS to the demo PKI\n");
    std::abort();
  }
  return std::string(dir) + "/" + name;
}

std::string Read(const std::string& path) {
  absl::StatusOr<std::string> text = hub::common::ReadFile(path);
  if (!text.ok()) std::abort();
  return *text;
}

// The hub, a channel per demo principal, the RPCs and two seeded referrals.
struct World {
  std::string dir;  // the hub's database lives here
  std::unique_ptr<hub::common::FakeClock> clock;
  std::unique_ptr<hub::HubServer> server;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<const MethodDescriptor*> methods;
  std::vector<std::string> referrals;

  static World* Make() {
    // The hub's one log line per call would drown libFuzzer's reports.
    hub::common::SetLogFileDescriptor(open("/dev/null", O_WRONLY));
    auto* world = new World;
    // On tmpfs where there is one: durability is not what this fuzzes, and
    // every call waits for its audit commit's fsync.
    char tmpl[] = "/dev/shm/hub_rpc_fuzz.XXXXXX";
    if (access("/dev/shm", W_OK) != 0)
      std::strcpy(tmpl, "/tmp/hub_rpc_fuzz.XXXXXX");
    if (mkdtemp(tmpl) == nullptr) std::abort();
    world->dir = tmpl;
    auto client = hub::common::X509Certificate::FromPem(
        Read(Demo("clients/u-drwhit.pem")));
    if (!client.ok()) std::abort();
    world->clock = std::make_unique<hub::common::FakeClock>(
        client->not_before() + absl::Hours(1));
    prevent::config::v1::HubConfig config;
    config.set_listen_address("127.0.0.1:0");
    config.set_cert_file(Demo("hub.pem"));
    config.set_key_file(Demo("hub.key"));
    config.set_ca_file(Demo("ca.pem"));
    config.set_crl_file(Demo("crl.pem"));
    config.set_policy_file(HUB_SOURCE_DIR "/deploy/demo/partnership.textproto");
    config.set_database_path(world->dir + "/hub.db");
    config.set_audit_signing_key_file(Demo("audit/signing.key"));
    config.set_audit_pseudonym_key_file(Demo("audit/pseudonym.key"));
    auto server = hub::HubServer::Start(config, world->clock.get());
    if (!server.ok()) {
      std::fprintf(stderr, "hub_rpc_fuzzer: %s\n",
                   std::string(server.status().message()).c_str());
      std::abort();
    }
    world->server = std::move(server).value();

    for (const char* user : {"u-hokoro", "u-abrooks", "u-peo", "u-lbwdpo",
                             "u-mash1", "u-dsallenby", "u-pclind", "u-ctlpown",
                             "u-drwhit", "u-cald", "u-nurse", "u-imercer",
                             "u-rcaldwell", "u-head1", "u-dsl2", "u-cllr"}) {
      grpc::SslCredentialsOptions tls;
      tls.pem_root_certs = Read(Demo("ca.pem"));
      tls.pem_cert_chain = Read(Demo(std::string("clients/") + user + ".pem"));
      tls.pem_private_key = Read(Demo(std::string("clients/") + user + ".key"));
      world->channels.push_back(grpc::CreateChannel(
          "127.0.0.1:" + std::to_string(world->server->port()),
          grpc::SslCredentials(tls)));
    }
    const auto* file = api::GetReferralRequest::descriptor()->file();
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        world->methods.push_back(file->service(s)->method(m));
      }
    }
    // Two referrals, so requests can name something that exists.
    for (const auto& [user, submission] :
         {std::pair<int, prevent::records::v1::ReferralSubmission>{
              8, hub::testing::AdultSubmission()},
          {12, hub::testing::ChildSubmission()}}) {
      auto stub = api::ReferralService::NewStub(world->channels[user]);
      api::SubmitReferralRequest request;
      request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
      request.mutable_context()->set_request_id("fuzz-seed-" +
                                                std::to_string(user));
      *request.mutable_submission() = submission;
      api::SubmitReferralResponse response;
      grpc::ClientContext context;
      if (!stub->Submit(&context, request, &response).ok()) std::abort();
      world->referrals.push_back(response.referral_ref());
    }
    return world;
  }
};

// The streams, through their typed stubs: one request, every answer read.
grpc::Status Stream(const std::shared_ptr<grpc::Channel>& channel,
                    const MethodDescriptor& method, const Message& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  if (method.name() == "Pull") {
    auto stub = api::SyncService::NewStub(channel);
    auto reader =
        stub->Pull(&context, static_cast<const api::PullRequest&>(request));
    api::SyncBatch batch;
    while (reader->Read(&batch)) {
    }
    return reader->Finish();
  }
  auto stub = api::DeconflictionService::NewStub(channel);
  auto stream = stub->CheckBatch(&context);
  stream->Write(static_cast<const api::DeconflictionQuery&>(request));
  stream->WritesDone();
  api::DeconflictionAnswer answer;
  while (stream->Read(&answer)) {
  }
  return stream->Finish();
}

bool Acceptable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::UNAVAILABLE:
      return false;
    default:
      return true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = World::Make();
  static int calls = 0;
  FuzzedDataProvider in(data, size);
  const auto& channel = world->channels[in.ConsumeIntegralInRange<size_t>(
      0, world->channels.size() - 1)];
  const MethodDescriptor& method =
      *world->methods[in.ConsumeIntegralInRange<size_t>(
          0, world->methods.size() - 1)];
  const bool plausible = in.ConsumeBool();
  const int purpose = in.ConsumeIntegralInRange<int>(-1, 15);
  const size_t referral =
      in.ConsumeIntegralInRange<size_t>(0, world->referrals.size());
  const std::string rest = in.ConsumeRemainingBytesAsString();

  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method.input_type())
          ->New());
  bool parses = true;
  if (plausible) {
    // A purpose and a seeded referral where the message has room for them,
    // then the bytes merged over.
    const auto* descriptor = request->GetDescriptor();
    const auto* reflection = request->GetReflection();
    if (const auto* context = descriptor->FindFieldByName("context");
        context != nullptr &&
        context->message_type() == api::RequestContext::descriptor()) {
      auto* ctx = static_cast<api::RequestContext*>(
          reflection->MutableMessage(request.get(), context));
      ctx->set_purpose(static_cast<pb::Purpose>(purpose < 0 ? 0 : purpose));
      ctx->set_request_id("fuzz-" + std::to_string(calls));
    }
    if (const auto* field = descriptor->FindFieldByName("referral");
        field != nullptr &&
        field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        referral < world->referrals.size()) {
      reflection->SetString(request.get(), field, world->referrals[referral]);
    }
    parses = request->MergeFromString(rest);
  } else {
    parses = request->ParseFromString(rest);
  }

  const std::string name =
      "/" + method.service()->full_name() + "/" + method.name();
  grpc::Status status;
  if (method.client_streaming() || method.server_streaming()) {
    if (!parses) return 0;
    status = Stream(channel, method, *request);
  } else {
    status = hub::testing::GenericUnaryCall(
        channel, name, parses ? request->SerializeAsString() : rest, nullptr);
  }
  if (parses && !Acceptable(status.error_code())) {
    std::fprintf(stderr, "%s answered %d: %s\n", name.c_str(),
                 status.error_code(), status.error_message().c_str());
    std::abort();
  }
  // Now and then: the hub still serves.
  if (++calls % 256 == 0) {
    api::WhoAmIResponse who;
    grpc::ClientContext context;
    if (!api::IdentityService::NewStub(world->channels[0])
             ->WhoAmI(&context, api::WhoAmIRequest(), &who)
             .ok()) {
      std::abort();
    }
  }
  return 0;
}
