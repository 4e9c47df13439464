// Calling a hub under test through gRPC's generic stub: any unary method by
// name with the request as bytes (for calls the typed stubs cannot make, or
// should not: empty or malformed requests, every method read from the
// descriptors), and the health service (Debian ships the service, not its
// health.proto). No test framework: fuzz targets use it too.
#ifndef HUB_TESTS_GENERIC_CALL_H_
#define HUB_TESTS_GENERIC_CALL_H_

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

// Calls `method` (e.g. "/prevent.hub.v1.IdentityService/WhoAmI") with
// `request` as the serialised request on `channel`, waiting up to 20 s; the
// answer's bytes go to `reply` (if not null) when the call succeeds.
inline grpc::Status GenericUnaryCall(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
    const std::string& request, std::string* reply) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  grpc::Slice bytes(request);
  grpc::ByteBuffer buffer(&bytes, 1);
  grpc::ByteBuffer response;
  grpc::Status result;
  absl::Notification done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &buffer, &response,
                 [&](grpc::Status s) {
                   result = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (reply != nullptr) *reply = result.ok() ? Bytes(response) : "";
  return result;
}

// Calls grpc.health.v1.Health/Check for the whole server. An empty request
// is the empty string; a SERVING response is field 1 = 1, the bytes 08 01.
inline grpc::Status HealthCheck(const std::shared_ptr<grpc::Channel>& channel,
                                std::string* response_bytes) {
  return GenericUnaryCall(channel, "/grpc.health.v1.Health/Check", "",
                          response_bytes);
}

// The health service's answers, as bytes: field 1, status.
inline constexpr char kServing[] = "\x08\x01";
inline constexpr char kNotServing[] = "\x08\x02";

}  // namespace hub::testing

#endif  // HUB_TESTS_GENERIC_CALL_H_
