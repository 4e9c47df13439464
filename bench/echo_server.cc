// bench_echo: a bare gRPC echo server with hubd's TLS configuration (the
// partnership CA, the hub's certificate, client certificates required), so
// that hub_bench measures an authorised hub call against the cost of the
// same call with nothing behind it, over the same channels, in one run.
//   bench_echo --ca CA.pem --cert HUB.pem --key HUB.key [--listen ADDR]
// Prints "bench_echo: serving on HOST:PORT" once serving; stops on SIGTERM.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "bench/echo.grpc.pb.h"
#include "common/file_util.h"
#include "hub/mutual_tls.h"
#include "hub/server_threads.h"

namespace {

namespace echo = ::prevent::bench::v1;

// On gRPC's callback API, as hubd's unary calls are, so that the ratio
// compares the hub's work with nothing, not one threading model with
// another.
class EchoService final : public echo::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* context,
                                 const echo::EchoMessage* request,
                                 echo::EchoMessage* reply) override {
    reply->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int Fail(const std::string& what) {
  std::cerr << "bench_echo: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("bare gRPC echo server over the hub's mutual TLS");
  std::string ca_file, cert_file, key_file, listen = "127.0.0.1:0";
  app.add_option("--ca", ca_file, "the partnership CA (PEM)")->required();
  app.add_option("--cert", cert_file, "the hub's certificate (PEM)")
      ->required();
  app.add_option("--key", key_file, "its private key (PEM)")->required();
  app.add_option("--listen", listen, "host:port (port 0: any free port)");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::string> ca = hub::common::ReadFile(ca_file);
  if (!ca.ok()) return Fail("--ca: " + std::string(ca.status().message()));
  absl::StatusOr<std::string> cert = hub::common::ReadFile(cert_file);
  if (!cert.ok()) {
    return Fail("--cert: " + std::string(cert.status().message()));
  }
  absl::StatusOr<std::string> key = hub::common::ReadFile(key_file);
  if (!key.ok()) return Fail("--key: " + std::string(key.status().message()));

  EchoService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      listen, hub::MutualTlsServerCredentials(*ca, *key, *cert), &port);
  hub::ConfigureServerThreads(builder);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail("--listen: cannot listen on " + listen);
  }
  std::cout << "bench_echo: serving on " << listen.substr(0, listen.rfind(':'))
            << ":" << port << std::endl;
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  return 0;
}
