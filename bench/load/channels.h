// Client channels to a server under test, over mutual TLS with the users'
// certificates from a PKI made by certs/make_certs.sh (DIR/ca.pem,
// DIR/clients/<user>.pem and .key), as hubctl makes them.
#ifndef HUB_BENCH_LOAD_CHANNELS_H_
#define HUB_BENCH_LOAD_CHANNELS_H_

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace hub::bench {

class Channels {
 public:
  // Reads DIR/ca.pem; certificates are read as users are asked for.
  static absl::StatusOr<Channels> ForPki(const std::string& pki_dir);

  // A new channel to `address` as `user` (e.g. "U-DRWHIT") with its own
  // connection: never shared with another channel, so each one pays its own
  // TCP and TLS handshake (on its first call).
  absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(
      const std::string& address, const std::string& user);

 private:
  Channels(std::string pki_dir, std::string ca_pem)
      : pki_dir_(std::move(pki_dir)), ca_pem_(std::move(ca_pem)) {}

  std::string pki_dir_;
  std::string ca_pem_;
  std::map<std::string, std::shared_ptr<grpc::ChannelCredentials>> by_user_;
};

}  // namespace hub::bench

#endif  // HUB_BENCH_LOAD_CHANNELS_H_
