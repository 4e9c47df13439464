// Calling the gRPC health service of a hub under test through the generic
// stub (Debian ships the service, not its health.proto), and reading a
// generic call's answer.
#ifndef HUB_TESTS_HEALTH_CHECK_H_
#define HUB_TESTS_HEALTH_CHECK_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"

namespace hub::testing {

// The bytes of `buffer`, concatenated.
inline std::string Bytes(grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& slice : slices) {
      out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
  }
  return out;
}

// Calls grpc.health.v1.Health/Check for the whole server through the generic
// stub (Debian ships no health.proto). An empty request is the empty string;
// a SERVING response is field 1 = 1, i.e. the bytes 08 01.
inline grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                std::string* response_bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  grpc::Status result;
  absl::Notification done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                 &request, &response, [&](grpc::Status s) {
                   result = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (result.ok()) *response_bytes = Bytes(response);
  return result;
}

// The health service's answers, as bytes: field 1, status.
inline constexpr char kServing[] = "\x08\x01";
inline constexpr char kNotServing[] = "\x08\x02";

}  // namespace hub::testing

#endif  // HUB_TESTS_HEALTH_CHECK_H_
