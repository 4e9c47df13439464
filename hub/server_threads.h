// How the hub's synchronous gRPC server keeps its threads: the threads of
// the calls that may wait for another call's commit (the changes, the
// deconfliction check, GetCheckpoint), the streams and the health service.
// The other calls use the callback API and hold no thread while they wait
// (CallRunner). Shared by hubd and the benchmarks' bare echo server.
//
// Every authorised call waits for its audit event's group commit, so a
// loaded hub has many calls blocked at once. gRPC's default keeps at
// most 2 idle threads, so nearly every call would start a thread and end it
// (measured: ~800 thread creations a second at 6,000 calls/s). The server
// instead keeps up to kMaxIdleThreads.
//
// Overloaded, the same design made a thread for every call waiting, without
// limit (measured: ~5,900 threads with referral reads offered at 2.5 times
// what the hub could serve). The server runs at most kMaxThreads; beyond
// them it answers at once with RESOURCE_EXHAUSTED ("Server Threadpool
// Exhausted"), which clients treat as "busy, try again", instead of taking
// on work it cannot finish.
#ifndef HUB_SERVER_THREADS_H_
#define HUB_SERVER_THREADS_H_

#include <grpcpp/server_builder.h>

namespace hub {

inline constexpr int kMinIdleThreads = 4;
inline constexpr int kMaxIdleThreads = 256;
inline constexpr int kMaxThreads = 512;

void ConfigureServerThreads(grpc::ServerBuilder& builder);

}  // namespace hub

#endif  // HUB_SERVER_THREADS_H_
