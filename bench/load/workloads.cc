#include "bench/load/workloads.h"

#include <grpcpp/client_context.h>

#include <atomic>
#include <chrono>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "bench/echo.grpc.pb.h"
#include "proto/hub.grpc.pb.h"

namespace hub::bench {
namespace {

namespace api = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;
namespace echo = ::prevent::bench::v1;

using Done = std::function<void(const std::string&)>;

std::string ErrorOf(const grpc::Status& status) {
  return status.ok()
             ? ""
             : absl::StrCat(status.error_code(), ": ", status.error_message());
}

// One stub per channel, taken in turn.
template <typename Service>
class Stubs {
 public:
  explicit Stubs(const ChannelList& channels) {
    for (const auto& channel : channels) {
      stubs_.push_back(Service::NewStub(channel));
    }
  }
  typename Service::Stub& Next() {
    return *stubs_[next_.fetch_add(1, std::memory_order_relaxed) %
                   stubs_.size()];
  }

 private:
  std::vector<std::unique_ptr<typename Service::Stub>> stubs_;
  std::atomic<uint64_t> next_{0};
};

// What one unary call owns until it ends.
template <typename Request, typename Response>
struct Call {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Calls the method `invoke` names (on the stub's callback interface) on the
// next stub, with `fill` setting the request; done with the status.
template <typename Service, typename Request, typename Response,
          typename Invoke, typename Fill>
StartCall Unary(const ChannelList& channels, Invoke invoke, Fill fill) {
  auto stubs = std::make_shared<Stubs<Service>>(channels);
  return [stubs, invoke, fill](Done done) {
    auto call = std::make_shared<Call<Request, Response>>();
    fill(&call->request);
    invoke(stubs->Next().async(), &call->context, &call->request,
           &call->response,
           [call, done = std::move(done)](grpc::Status status) {
             done(ErrorOf(status));
           });
  };
}

// The `invoke` for Unary of a method: `METHOD(...)` on the async interface.
#define HUB_BENCH_METHOD(method)                                \
  [](auto* async, auto* context, auto* request, auto* response, \
     std::function<void(grpc::Status)> done) {                  \
    async->method(context, request, response, std::move(done)); \
  }

}  // namespace

StartCall EchoCalls(const ChannelList& channels, int payload_bytes) {
  const std::string payload(payload_bytes, 'x');
  return Unary<echo::EchoService, echo::EchoMessage, echo::EchoMessage>(
      channels, HUB_BENCH_METHOD(Echo),
      [payload](echo::EchoMessage* request) { request->set_payload(payload); });
}

StartCall WhoAmICalls(const ChannelList& channels) {
  return Unary<api::IdentityService, api::WhoAmIRequest, api::WhoAmIResponse>(
      channels, HUB_BENCH_METHOD(WhoAmI), [](api::WhoAmIRequest*) {});
}

StartCall GetCalls(const ChannelList& channels, std::string referral,
                   pb::Purpose purpose) {
  return Unary<api::ReferralService, api::GetReferralRequest,
               api::GetReferralResponse>(
      channels, HUB_BENCH_METHOD(Get),
      [referral, purpose](api::GetReferralRequest* request) {
        request->mutable_context()->set_purpose(purpose);
        request->set_referral(referral);
      });
}

StartCall SubmitCalls(const ChannelList& channels, MakeSubmission make,
                      std::string id_prefix) {
  auto count = std::make_shared<std::atomic<int64_t>>(0);
  return Unary<api::ReferralService, api::SubmitReferralRequest,
               api::SubmitReferralResponse>(
      channels, HUB_BENCH_METHOD(Submit),
      [make, count, id_prefix](api::SubmitReferralRequest* request) {
        const int64_t n = count->fetch_add(1);
        request->mutable_context()->set_purpose(
            pb::PREVENT_REFERRAL_SUBMISSION);
        request->mutable_context()->set_request_id(absl::StrCat(id_prefix, n));
        make(n, request->mutable_submission());
      });
}

StartCall CheckCalls(const ChannelList& channels, std::string referral,
                     std::vector<api::DeconflictionQuery> queries) {
  for (api::DeconflictionQuery& query : queries) {
    query.set_referral(referral);
    query.mutable_context()->set_purpose(pb::PREVENT_GATEWAY_DECONFLICTION);
    query.mutable_context()->set_justification("bench: deconfliction at scale");
  }
  auto shared = std::make_shared<const std::vector<api::DeconflictionQuery>>(
      std::move(queries));
  auto next = std::make_shared<std::atomic<uint64_t>>(0);
  return Unary<api::DeconflictionService, api::DeconflictionQuery,
               api::DeconflictionAnswer>(
      channels, HUB_BENCH_METHOD(Check),
      [shared, next](api::DeconflictionQuery* request) {
        *request = (*shared)[next->fetch_add(1) % shared->size()];
      });
}

absl::StatusOr<SyncResult> Sync(const std::shared_ptr<grpc::Channel>& channel,
                                api::SyncCursor cursor, int batch_size) {
  auto stub = api::SyncService::NewStub(channel);
  SyncResult result;
  absl::flat_hash_map<std::string, int> at;  // kind/id -> index in held
  for (int i = 0; i < cursor.held_size(); ++i) {
    at[absl::StrCat(cursor.held(i).kind(), "/", cursor.held(i).id())] = i;
  }
  const auto start = std::chrono::steady_clock::now();
  bool more = true;
  while (more) {
    more = false;
    api::PullRequest request;
    *request.mutable_cursor() = cursor;
    request.set_batch_size(batch_size);
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<api::SyncBatch>> reader =
        stub->Pull(&context, request);
    ++result.pulls;
    api::SyncBatch batch;
    while (reader->Read(&batch)) {
      ++result.batches;
      result.items += batch.items_size() + batch.purges_size();
      for (const api::SyncItem& item : batch.items()) {
        const std::string key = absl::StrCat(item.kind(), "/", item.id());
        auto [it, added] = at.emplace(key, cursor.held_size());
        api::HeldItem* held =
            added ? cursor.add_held() : cursor.mutable_held(it->second);
        held->set_kind(item.kind());
        held->set_id(item.id());
        held->set_version(item.version());
      }
      if (batch.purges_size() > 0) {
        return absl::FailedPreconditionError(
            "the bench's sync received purge orders it does not apply");
      }
      if (batch.last()) more = batch.more();
    }
    grpc::Status status = reader->Finish();
    if (!status.ok()) {
      return absl::UnavailableError(
          absl::StrCat("SyncService.Pull: ", ErrorOf(status)));
    }
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  result.cursor = std::move(cursor);
  return result;
}

absl::StatusOr<StormResult> ReconnectStorm(
    int clients,
    const std::function<absl::StatusOr<std::shared_ptr<grpc::Channel>>(int)>&
        connect) {
  ChannelList channels;
  for (int i = 0; i < clients; ++i) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = connect(i);
    if (!channel.ok()) return channel.status();
    channels.push_back(*std::move(channel));
  }
  // One call per channel: the round-robin gives each channel exactly one.
  StartCall who = WhoAmICalls(channels);
  absl::BlockingCounter left(clients);
  absl::Mutex mu;
  StormResult result;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < clients; ++i) {
    who([&](const std::string& error) {
      const auto now = std::chrono::steady_clock::now();
      {
        absl::MutexLock lock(&mu);
        if (!error.empty()) {
          if (result.calls.failures++ == 0) result.calls.first_error = error;
        } else {
          ++result.calls.calls;
          result.calls.latencies_ns.push_back(
              std::chrono::duration_cast<std::chrono::nanoseconds>(now - start)
                  .count());
        }
      }
      left.DecrementCount();
    });
  }
  left.Wait();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  result.calls.seconds = result.seconds;
  return result;
}

}  // namespace hub::bench
