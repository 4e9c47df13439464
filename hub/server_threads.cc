#include "hub/server_threads.h"

namespace hub {

void ConfigureServerThreads(grpc::ServerBuilder& builder) {
  using Option = grpc::ServerBuilder::SyncServerOption;
  builder.SetSyncServerOption(Option::MIN_POLLERS, kMinIdleThreads);
  builder.SetSyncServerOption(Option::MAX_POLLERS, kMaxIdleThreads);
}

}  // namespace hub
