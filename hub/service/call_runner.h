// CallRunner runs the body of every RPC handler the same way: identify the
// caller (PeerIdentity), run the body, convert its absl::Status for gRPC and
// write the call's one structured log line (method, principal, status,
// latency; never request content). Thread-safe.
#ifndef HUB_SERVICE_CALL_RUNNER_H_
#define HUB_SERVICE_CALL_RUNNER_H_

#include <grpcpp/server_context.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hub/service/peer_identity.h"

namespace hub::service {

class CallRunner {
 public:
  // `identity` must outlive the runner.
  explicit CallRunner(const PeerIdentity* identity) : identity_(identity) {}

  // Identifies the caller of `context` and, if that succeeds, runs `body`.
  // Returns the body's status, or the identification failure, for gRPC.
  grpc::Status Run(
      absl::string_view method, grpc::ServerContext* context,
      absl::FunctionRef<absl::Status(const AuthenticatedPeer&)> body) const;

 private:
  const PeerIdentity* const identity_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_CALL_RUNNER_H_
