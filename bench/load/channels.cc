#include "bench/load/channels.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace hub::bench {

absl::StatusOr<Channels> Channels::ForPki(const std::string& pki_dir) {
  ASSIGN_OR_RETURN(std::string ca, common::ReadFile(pki_dir + "/ca.pem"));
  return Channels(pki_dir, std::move(ca));
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Channels::Connect(
    const std::string& address, const std::string& user) {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) {
    const std::string base =
        absl::StrCat(pki_dir_, "/clients/", absl::AsciiStrToLower(user));
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ca_pem_;
    ASSIGN_OR_RETURN(tls.pem_cert_chain, common::ReadFile(base + ".pem"));
    ASSIGN_OR_RETURN(tls.pem_private_key, common::ReadFile(base + ".key"));
    it = by_user_.emplace(user, grpc::SslCredentials(tls)).first;
  }
  grpc::ChannelArguments args;
  // gRPC shares connections between channels with equal arguments through
  // a global pool; a local pool gives this channel its own.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, it->second, args);
}

}  // namespace hub::bench
