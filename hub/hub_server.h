// HubServer is the composition root: the one place that wires the policy
// policy, the revocation list, the store and the services into a gRPC
// server over mutual TLS. Start() returns a serving hub; Shutdown() drains it.
// Thread-safe.
#ifndef HUB_HUB_SERVER_H_
#define HUB_HUB_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "proto/config.pb.h"

namespace hub {

class HubServer {
 public:
  // Builds and starts the hub from `config` (paths already resolved, see
  // LoadHubConfig). `clock` must outlive the server. Fails, naming the config
  // field at fault, if a file cannot be read, the key does not match the
  // certificate, the revocation list is not signed by the CA or has expired,
  // the policy file is invalid, the database cannot be opened, or the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<HubServer>> Start(
      const prevent::config::v1::HubConfig& config, const common::Clock* clock);

  ~HubServer();

  // The port actually bound (useful with listen_address port 0).
  int port() const { return port_; }

  // Re-reads the policy file and the CRL named in the config and, if both are
  // valid (the CRL signed by the CA and not past its next update), identifies
  // every later call against them. On failure returns the errors (naming the
  // config field, with file:line:column for the policy), logs them, and the
  // hub keeps serving with what it had. Thread-safe.
  absl::Status Reload();

  // Stops accepting calls, reports NOT_SERVING, lets in-flight calls finish
  // for up to `drain`, then cancels the rest. Idempotent.
  void Shutdown(absl::Duration drain);

 private:
  struct Parts;
  HubServer(std::unique_ptr<Parts> parts, int port);

  std::unique_ptr<Parts> parts_;
  int port_;
};

}  // namespace hub

#endif  // HUB_HUB_SERVER_H_
