#include "hub/service/call_runner.h"

#include <chrono>

#include "common/grpc_status.h"
#include "common/log.h"
#include "hub/service/peer_auth_processor.h"

namespace hub::service {

grpc::Status CallRunner::Run(
    absl::string_view method, grpc::ServerContext* context,
    absl::FunctionRef<absl::Status(const AuthenticatedPeer&)> body) const {
  // Latency is measured on the monotonic clock; it is only logged.
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<AuthenticatedPeer> peer =
      identity_->Authenticate(PeerCertificatePem(*context->auth_context()));
  absl::Status status = peer.ok() ? body(*peer) : peer.status();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  common::LogLine(
      status.ok() ? common::Severity::kInfo : common::Severity::kWarning, "rpc")
      .Add("method", method)
      .Add("principal", peer.ok() ? peer->principal->id() : "-")
      .Add("partner", peer.ok() ? peer->partner->id() : "-")
      .Add("status", absl::StatusCodeToString(status.code()))
      .Add("latency_us", static_cast<int64_t>(micros));
  return common::ToGrpcStatus(status);
}

}  // namespace hub::service
