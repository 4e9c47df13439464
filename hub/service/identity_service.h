// IdentityService answers WhoAmI: the principal, partner and roles the hub
// maps the caller's certificate to. Thread-safe.
#ifndef HUB_SERVICE_IDENTITY_SERVICE_H_
#define HUB_SERVICE_IDENTITY_SERVICE_H_

#include "hub/service/call_runner.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

class IdentityService final
    : public prevent::hub::v1::IdentityService::CallbackService {
 public:
  // `runner` must outlive the service.
  explicit IdentityService(const CallRunner* runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* WhoAmI(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::WhoAmIRequest* request,
      prevent::hub::v1::WhoAmIResponse* response) override;

 private:
  const CallRunner* const runner_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_IDENTITY_SERVICE_H_
