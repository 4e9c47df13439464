// How the hub's gRPC server keeps its threads. Every hub method is served on
// gRPC's callback API (decision 0009): its handlers run on a few threads of
// gRPC's own, or on CallRunner's workers, and a call waiting for its audit
// commit holds no thread. Only gRPC's server reflection service is
// synchronous, a thread per call in flight; the server runs at most
// kMaxThreads of them and beyond that answers at once with
// RESOURCE_EXHAUSTED ("Server Threadpool Exhausted"), which clients treat as
// "busy, try again". Shared by hubd and the benchmarks' bare echo server, so
// both are configured alike.
#ifndef HUB_SERVER_THREADS_H_
#define HUB_SERVER_THREADS_H_

#include <grpcpp/server_builder.h>

namespace hub {

inline constexpr int kMaxThreads = 512;

void ConfigureServerThreads(grpc::ServerBuilder& builder);

}  // namespace hub

#endif  // HUB_SERVER_THREADS_H_
