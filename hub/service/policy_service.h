// PolicyService answers Explain: what the policy decides for a principal,
// an action, a described resource and a purpose, and why. Who may explain
// whose access is itself decided by the policy (record class ACCESS).
// Thread-safe.
#ifndef HUB_SERVICE_POLICY_SERVICE_H_
#define HUB_SERVICE_POLICY_SERVICE_H_

#include "hub/service/call_runner.h"
#include "proto/hub.grpc.pb.h"

namespace hub::service {

class PolicyService final
    : public prevent::hub::v1::PolicyService::CallbackService {
 public:
  // `runner` must outlive the service.
  explicit PolicyService(const CallRunner* runner) : runner_(runner) {}

  grpc::ServerUnaryReactor* Explain(
      grpc::CallbackServerContext* context,
      const prevent::hub::v1::ExplainRequest* request,
      prevent::hub::v1::ExplainResponse* response) override;

 private:
  const CallRunner* const runner_;
};

}  // namespace hub::service

#endif  // HUB_SERVICE_POLICY_SERVICE_H_
