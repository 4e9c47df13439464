#include "hub/server_threads.h"

#include <grpcpp/resource_quota.h>

namespace hub {

void ConfigureServerThreads(grpc::ServerBuilder& builder) {
  grpc::ResourceQuota quota("hub-server-threads");
  quota.SetMaxThreads(kMaxThreads);
  builder.SetResourceQuota(quota);
}

}  // namespace hub
