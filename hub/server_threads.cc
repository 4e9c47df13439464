#include "hub/server_threads.h"

#include <grpcpp/resource_quota.h>

namespace hub {

void ConfigureServerThreads(grpc::ServerBuilder& builder) {
  using Option = grpc::ServerBuilder::SyncServerOption;
  builder.SetSyncServerOption(Option::MIN_POLLERS, kMinIdleThreads);
  builder.SetSyncServerOption(Option::MAX_POLLERS, kMaxIdleThreads);
  grpc::ResourceQuota quota("hub-server-threads");
  quota.SetMaxThreads(kMaxThreads);
  builder.SetResourceQuota(quota);
}

}  // namespace hub
