#include "hub/service/identity_service.h"

#include "common/status_macros.h"
#include "hub/service/request_context.h"

namespace hub::service {

grpc::Status IdentityService::WhoAmI(
    grpc::ServerContext* context,
    const prevent::hub::v1::WhoAmIRequest* request,
    prevent::hub::v1::WhoAmIResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.IdentityService/WhoAmI", context,
      [&](const AuthenticatedPeer& peer) -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestContext(request->context()));
        const policy::Principal& principal = *peer.principal;
        response->set_principal_id(principal.id());
        response->set_display_name(principal.display_name());
        response->set_job_title(principal.job_title());
        response->set_partner_id(peer.partner->id());
        response->set_partner_name(peer.partner->name());
        response->set_partner_type(peer.partner->type());
        for (int role : principal.roles()) {
          response->add_roles(static_cast<prevent::policy::v1::Role>(role));
        }
        *response->mutable_areas() = principal.areas();
        response->set_spiffe_id(peer.spiffe_id);
        response->mutable_certificate_not_after()->set_seconds(
            absl::ToUnixSeconds(peer.cert_not_after));
        response->set_certificate_sha256(peer.cert_sha256);
        return absl::OkStatus();
      });
}

}  // namespace hub::service
