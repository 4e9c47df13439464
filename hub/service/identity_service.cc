#include "hub/service/identity_service.h"

#include "common/status_macros.h"
#include "hub/service/request_context.h"

namespace hub::service {

namespace pb = ::prevent::policy::v1;

grpc::ServerUnaryReactor* IdentityService::WhoAmI(
    grpc::CallbackServerContext* context,
    const prevent::hub::v1::WhoAmIRequest* request,
    prevent::hub::v1::WhoAmIResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.IdentityService/WhoAmI", context,
      [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestContext(request->context()));
        const AuthenticatedPeer& peer = call.peer();
        const policy::Principal& principal = *peer.principal;
        policy::Resource self;
        self.record = pb::IDENTITY;
        self.id = principal.id();
        self.source_partner_id = peer.partner->id();
        self.owner_principal_id = principal.id();
        RETURN_IF_ERROR(call.Authorize(pb::READ, self, request->context(),
                                       Visibility::kKnownToCaller));

        prevent::records::v1::Identity& identity =
            *response->mutable_identity();
        identity.set_principal_id(principal.id());
        identity.set_display_name(principal.display_name());
        identity.set_job_title(principal.job_title());
        identity.set_partner_id(peer.partner->id());
        identity.set_partner_name(peer.partner->name());
        identity.set_partner_type(peer.partner->type());
        for (int role : principal.roles()) {
          identity.add_roles(static_cast<pb::Role>(role));
        }
        *identity.mutable_areas() = principal.areas();
        identity.set_spiffe_id(peer.spiffe_id);
        identity.mutable_certificate_not_after()->set_seconds(
            absl::ToUnixSeconds(peer.cert_not_after));
        identity.set_certificate_sha256(peer.cert_sha256);
        call.fields().Apply(&identity);
        return absl::OkStatus();
      });
}

}  // namespace hub::service
