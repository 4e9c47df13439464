// The hub's TLS configuration, shared by hubd and the benchmarks' bare echo
// server so both are measured over the same channels: the server presents
// `cert_pem` and requires a client certificate that chains to `ca_pem` (TLS
// 1.2 or later, gRPC's floor).
#ifndef HUB_MUTUAL_TLS_H_
#define HUB_MUTUAL_TLS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

namespace hub {

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(
    const std::string& ca_pem, const std::string& key_pem,
    const std::string& cert_pem);

}  // namespace hub

#endif  // HUB_MUTUAL_TLS_H_
