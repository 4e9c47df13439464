// How the hub's synchronous gRPC server keeps its threads, shared by hubd
// and the benchmarks' bare echo server so both are measured alike.
//
// Every authorised call waits for its audit event's group commit, so a
// loaded hub has many calls blocked at once. gRPC's default keeps at most
// 2 idle threads, so nearly every call would start a thread and end it
// (measured: ~800 thread creations a second at 6,000 calls/s). The server
// instead keeps up to kMaxIdleThreads.
#ifndef HUB_SERVER_THREADS_H_
#define HUB_SERVER_THREADS_H_

#include <grpcpp/server_builder.h>

namespace hub {

inline constexpr int kMinIdleThreads = 4;
inline constexpr int kMaxIdleThreads = 256;

void ConfigureServerThreads(grpc::ServerBuilder& builder);

}  // namespace hub

#endif  // HUB_SERVER_THREADS_H_
