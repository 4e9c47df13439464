#include "hub/mutual_tls.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <vector>

namespace hub {

std::shared_ptr<grpc::ServerCredentials> MutualTlsServerCredentials(
    const std::string& ca_pem, const std::string& key_pem,
    const std::string& cert_pem) {
  auto certificates =
      std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
          ca_pem, std::vector<grpc::experimental::IdentityKeyCertPair>{
                      {key_pem, cert_pem}});
  grpc::experimental::TlsServerCredentialsOptions tls(certificates);
  tls.watch_root_certs();
  tls.watch_identity_key_cert_pairs();
  tls.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(tls);
}

}  // namespace hub
