// hub_bench: the hub measured end to end against the limits of its own
// stack, in one run (DESIGN.md §6). It starts bench_echo (a bare gRPC echo
// server with hubd's TLS configuration) and hubd as child processes, drives
// them over mutual TLS from this process, and writes every figure, one value
// per repetition, as JSON for bench/report.py:
//   - start-up to the first answered call, and resident memory, on an empty
//     database and (with --index-db) on the deconfliction index of
//     deconfliction_bench (1,000,000 subjects; 100,000 with --quick);
//   - closed-loop throughput of Echo and of WhoAmI, referral Get and Submit
//     over the same channels, and each one's ratio to Echo in the same run;
//   - open-loop latency of Get at 10,000 calls/s and of Submit at 2,000/s;
//   - a full sync of 10,000 items on one stream, and a no-change sync;
//   - a reconnect storm: 1,000 new connections, each a full mTLS handshake
//     and one WhoAmI, started at once;
//   - deconfliction Check through the hub against that index.
// Usage (bench/run.sh passes these):
//   hub_bench --hubd PATH --echo PATH --pki DIR --policy FILE --work DIR
//             --out FILE [--index-db FILE] [--quick]
#include <grpcpp/client_context.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/hub_bench.pb.h"
#include "bench/load/channels.h"
#include "bench/load/load_runner.h"
#include "bench/load/server_process.h"
#include "bench/load/workloads.h"
#include "bench/synthetic_population.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/text_proto.h"
#include "google/protobuf/util/json_util.h"
#include "proto/hub.grpc.pb.h"

namespace hub::bench {
namespace {

namespace api = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
using ::prevent::bench::v1::Figure;
using ::prevent::bench::v1::HubBenchReport;

// Who does what (the demo partnership): the NHS Prevent lead submits and
// asks who they are, the CT gateway reads referrals in full and checks
// them, and the community nurse's device syncs its referrals.
constexpr char kReferrer[] = "U-DRWHIT";
constexpr char kGateway[] = "U-DSALLENBY";
constexpr char kSyncUser[] = "U-NURSE";
constexpr char kReferralFile[] = "000160-dana-holt.textproto";
constexpr char kSyncReferralFile[] = "000123-ryan-marsh.textproto";

// Referral submissions from a demo file, each about a different fictional
// person (a hub slows down on one person referred thousands of times:
// every referral about them is linked on submission). Thread-safe.
class Submissions {
 public:
  static absl::StatusOr<std::shared_ptr<Submissions>> FromFile(
      const std::string& path) {
    auto made = std::shared_ptr<Submissions>(new Submissions());
    RETURN_IF_ERROR(common::ParseTextProtoFile(path, &made->base_));
    if (made->base_.subject().addresses().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": the subject needs an address"));
    }
    return made;
  }

  // The base submission about the next person of the population.
  void Make(rec::ReferralSubmission* out) {
    SyntheticPerson person;
    {
      absl::MutexLock lock(&mu_);
      // A referral needs a full date of birth (the 1% known only to the
      // year are indexed, never referred here).
      do {
        person = population_.Next();
      } while (person.dob_year_only);
    }
    *out = base_;
    const rec::Subject made = SyntheticPopulation::SubjectOf(person);
    rec::Subject& subject = *out->mutable_subject();
    *subject.mutable_identity() = made.identity();
    subject.mutable_addresses(0)->set_postcode(person.postcode);
    subject.clear_phones();
    subject.clear_local_identifiers();
    *subject.mutable_local_identifiers() = made.local_identifiers();
  }

  // Make, for SubmitCalls.
  static MakeSubmission Maker(std::shared_ptr<Submissions> submissions) {
    return [submissions](int64_t, rec::ReferralSubmission* out) {
      submissions->Make(out);
    };
  }

 private:
  Submissions() : population_(kBenchPopulationSeed + 1) {}

  rec::ReferralSubmission base_;
  absl::Mutex mu_;
  SyntheticPopulation population_ ABSL_GUARDED_BY(mu_);
};

struct Settings {
  std::string hubd, echo, pki, policy, work, out, index_db, referrals;
  std::vector<std::string> only;   // phases to run; empty: all
  std::vector<std::string> calls;  // closed-loop hub calls; empty: all
  bool quick = false;
  int repetitions = 5;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration run = absl::Seconds(5);
  int connections = 8;   // channels per workload, each its own connection
  int concurrency = 64;  // calls in flight in closed loop
  double read_rate = 10000;
  double write_rate = 2000;
  int sync_items = 10000;
  int storm_clients = 1000;
  int echo_payload = 64;

  void MakeQuick() {
    quick = true;
    repetitions = 3;
    warmup = absl::Milliseconds(200);
    run = absl::Milliseconds(500);
    sync_items = 2000;
  }
};

class Bench {
 public:
  explicit Bench(Settings settings, Channels channels)
      : s_(std::move(settings)), channels_(std::move(channels)) {}

  absl::Status Run();

 private:
  // Appends `value` to the figure `name`.
  void Add(const std::string& name, const char* unit, const char* what,
           double value) {
    Figure& figure = (*report_.mutable_figures())[name];
    figure.set_unit(unit);
    figure.set_what(what);
    figure.add_runs(value);
  }

  absl::StatusOr<std::string> WriteHubConfig(const std::string& name,
                                             const std::string& database,
                                             const std::string& pseudonym_key);
  absl::StatusOr<std::unique_ptr<ServerProcess>> StartHub(
      const std::string& config, absl::Duration* to_first_call);
  // StartHub, recording its start-up and resident memory as figures.
  absl::StatusOr<std::unique_ptr<ServerProcess>> StartMeasured(
      const std::string& config, const std::string& startup_figure,
      const char* startup_what, const std::string& rss_figure,
      const char* rss_what) {
    absl::Duration startup;
    ASSIGN_OR_RETURN(std::unique_ptr<ServerProcess> hub,
                     StartHub(config, &startup));
    Add(startup_figure, "ms", startup_what,
        absl::ToDoubleMilliseconds(startup));
    Add(rss_figure, "MiB", rss_what, hub->RssMib());
    return hub;
  }
  absl::StatusOr<ChannelList> Connect(const std::string& address,
                                      const std::string& user, int n);
  absl::StatusOr<std::string> SubmitOne(const std::string& address,
                                        const std::string& user,
                                        const std::string& file);
  absl::StatusOr<LoadResult> Closed(const StartCall& calls);
  absl::StatusOr<LoadResult> Open(const StartCall& calls, double rate);

  // The referral calls both loops make: Get as the CT gateway, and Submit
  // as the referrer, each submission about a new person, with request ids
  // starting `request_prefix`.
  struct ReferralCalls {
    ChannelList as_referrer;
    StartCall get;
    StartCall submit;
  };
  absl::StatusOr<ReferralCalls> MakeReferralCalls(
      const std::string& hub, const std::string& request_prefix);

  absl::Status StartUp();
  absl::Status Unary(const std::string& hub, const std::string& echo);
  absl::Status OpenLoop(const std::string& hub);
  absl::Status SyncAll(const std::string& hub);
  absl::Status Storm(const std::string& hub);
  absl::Status Index();

  // Whether --only (if given) names `phase`.
  bool Wanted(const std::string& phase) const {
    return s_.only.empty() ||
           std::find(s_.only.begin(), s_.only.end(), phase) != s_.only.end();
  }

  const Settings s_;
  Channels channels_;
  HubBenchReport report_;
  std::string referral_;  // one the gateway may read and check
};

// Any failed call fails the run; so does a call refused as overloaded
// (RESOURCE_EXHAUSTED), except in an open loop, where shedding load is the
// hub's answer to more than it can serve, and is reported.
absl::StatusOr<LoadResult> Checked(LoadResult result, const char* what,
                                   bool may_shed = false) {
  if (result.failures > 0) {
    return absl::InternalError(
        absl::StrCat(what, ": ", result.failures,
                     " calls failed; the first: ", result.first_error));
  }
  if (result.shed > 0 && !may_shed) {
    return absl::InternalError(
        absl::StrCat(what, ": ", result.shed, " calls refused as overloaded"));
  }
  if (result.calls == 0) {
    return absl::InternalError(absl::StrCat(what, ": no call was answered"));
  }
  return result;
}

absl::StatusOr<LoadResult> Bench::Closed(const StartCall& calls) {
  return Checked(RunClosedLoop(calls, s_.concurrency, s_.warmup, s_.run),
                 "closed loop");
}

absl::StatusOr<LoadResult> Bench::Open(const StartCall& calls, double rate) {
  return Checked(RunOpenLoop(calls, rate, s_.warmup, s_.run), "open loop",
                 /*may_shed=*/true);
}

absl::StatusOr<std::string> Bench::WriteHubConfig(
    const std::string& name, const std::string& database,
    const std::string& pseudonym_key) {
  const std::string path = absl::StrCat(s_.work, "/", name, ".textproto");
  std::ofstream out(path);
  out << "listen_address: \"127.0.0.1:0\"\n"
      << "cert_file: \"" << s_.pki << "/hub.pem\"\n"
      << "key_file: \"" << s_.pki << "/hub.key\"\n"
      << "ca_file: \"" << s_.pki << "/ca.pem\"\n"
      << "crl_file: \"" << s_.pki << "/crl.pem\"\n"
      << "policy_file: \"" << s_.policy << "\"\n"
      << "database_path: \"" << database << "\"\n"
      << "drain_seconds: 5\n"
      << "audit_signing_key_file: \"" << s_.pki << "/audit/signing.key\"\n"
      << "audit_pseudonym_key_file: \"" << pseudonym_key << "\"\n";
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return path;
}

// Starts hubd and makes the first call (WhoAmI): `to_first_call` is the time
// from the fork to its answer.
absl::StatusOr<std::unique_ptr<ServerProcess>> Bench::StartHub(
    const std::string& config, absl::Duration* to_first_call) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<ServerProcess> hub,
      ServerProcess::Start({s_.hubd, "--config", config}, s_.work + "/hubd.log",
                           absl::Seconds(60)));
  const absl::Time listening = absl::Now();
  ASSIGN_OR_RETURN(ChannelList channel, Connect(hub->address(), kReferrer, 1));
  auto stub = api::IdentityService::NewStub(channel[0]);
  grpc::ClientContext context;
  api::WhoAmIResponse me;
  grpc::Status status = stub->WhoAmI(&context, api::WhoAmIRequest(), &me);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("hubd's first WhoAmI failed: ", status.error_message()));
  }
  *to_first_call = hub->listening_after() + (absl::Now() - listening);
  return hub;
}

absl::StatusOr<ChannelList> Bench::Connect(const std::string& address,
                                           const std::string& user, int n) {
  ChannelList list;
  for (int i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                     channels_.Connect(address, user));
    list.push_back(std::move(channel));
  }
  return list;
}

absl::StatusOr<std::string> Bench::SubmitOne(const std::string& address,
                                             const std::string& user,
                                             const std::string& file) {
  api::SubmitReferralRequest request;
  RETURN_IF_ERROR(common::ParseTextProtoFile(
      absl::StrCat(s_.referrals, "/", file), request.mutable_submission()));
  request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  request.mutable_context()->set_request_id(
      absl::StrCat("bench-one-", absl::ToUnixNanos(absl::Now())));
  ASSIGN_OR_RETURN(ChannelList channel, Connect(address, user, 1));
  grpc::ClientContext context;
  api::SubmitReferralResponse answer;
  grpc::Status status = api::ReferralService::NewStub(channel[0])
                            ->Submit(&context, request, &answer);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("Submit as ", user, ": ", status.error_message()));
  }
  return answer.referral_ref();
}

// Start-up to the first answered call, and resident memory, on an empty
// database, once per repetition.
absl::Status Bench::StartUp() {
  for (int r = 0; r < s_.repetitions; ++r) {
    const std::string db = absl::StrCat(s_.work, "/startup-", r, ".db");
    ASSIGN_OR_RETURN(std::string config,
                     WriteHubConfig(absl::StrCat("startup-", r), db,
                                    s_.pki + "/audit/pseudonym.key"));
    ASSIGN_OR_RETURN(
        std::unique_ptr<ServerProcess> hub,
        StartMeasured(config, "startup_ms",
                      "hubd on a new database: fork to the first WhoAmI "
                      "answered",
                      "rss_idle_mb",
                      "hubd's resident memory after start-up (VmRSS)"));
    RETURN_IF_ERROR(hub->Stop());
  }
  return absl::OkStatus();
}

// Closed loop: Echo, then each hub call, in every repetition, so each ratio
// is taken between runs a few seconds apart on the same channels.
absl::Status Bench::Unary(const std::string& hub, const std::string& echo) {
  ASSIGN_OR_RETURN(ChannelList to_echo,
                   Connect(echo, kReferrer, s_.connections));
  ASSIGN_OR_RETURN(ReferralCalls referral_calls,
                   MakeReferralCalls(hub, "bench-closed-"));
  const StartCall echo_calls = EchoCalls(to_echo, s_.echo_payload);
  const StartCall who = WhoAmICalls(referral_calls.as_referrer);
  const StartCall& get = referral_calls.get;
  const StartCall& submit = referral_calls.submit;
  for (int r = 0; r < s_.repetitions; ++r) {
    ASSIGN_OR_RETURN(LoadResult bare, Closed(echo_calls));
    Add("echo_calls_per_s", "calls/s",
        "bare gRPC Echo over the same mTLS channels, closed loop",
        bare.CallsPerSecond());
    struct Measured {
      const StartCall* calls;
      const char* name;
      const char* what;
      const char* ratio_what;
    };
    for (const Measured& m : {
             Measured{&who, "whoami",
                      "WhoAmI: identity, policy, a durable audit event",
                      "WhoAmI calls/s over Echo calls/s, same run"},
             Measured{&get, "get",
                      "referral Get as the CT gateway: read, projection, "
                      "audit",
                      "Get calls/s over Echo calls/s, same run"},
             Measured{&submit, "submit",
                      "referral Submit: durable write, indexing, audit",
                      "Submit calls/s over Echo calls/s, same run"},
         }) {
      if (!s_.calls.empty() && std::find(s_.calls.begin(), s_.calls.end(),
                                         m.name) == s_.calls.end()) {
        continue;
      }
      ASSIGN_OR_RETURN(LoadResult result, Closed(*m.calls));
      Add(absl::StrCat(m.name, "_calls_per_s"), "calls/s", m.what,
          result.CallsPerSecond());
      Add(absl::StrCat(m.name, "_ratio"), "ratio", m.ratio_what,
          result.CallsPerSecond() / bare.CallsPerSecond());
      Add(absl::StrCat(m.name, "_closed_p99_us"), "µs",
          "latency p99 in that closed loop", result.PercentileUs(0.99));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Bench::ReferralCalls> Bench::MakeReferralCalls(
    const std::string& hub, const std::string& request_prefix) {
  ReferralCalls calls;
  ASSIGN_OR_RETURN(calls.as_referrer, Connect(hub, kReferrer, s_.connections));
  ASSIGN_OR_RETURN(ChannelList as_gateway,
                   Connect(hub, kGateway, s_.connections));
  ASSIGN_OR_RETURN(
      std::shared_ptr<Submissions> submissions,
      Submissions::FromFile(absl::StrCat(s_.referrals, "/", kReferralFile)));
  calls.get = GetCalls(as_gateway, referral_, pb::PREVENT_REFERRAL_SUBMISSION);
  calls.submit = SubmitCalls(calls.as_referrer, Submissions::Maker(submissions),
                             request_prefix);
  return calls;
}

absl::Status Bench::OpenLoop(const std::string& hub) {
  ASSIGN_OR_RETURN(ReferralCalls referral_calls,
                   MakeReferralCalls(hub, "bench-open-"));
  const StartCall& get = referral_calls.get;
  const StartCall& submit = referral_calls.submit;
  for (int r = 0; r < s_.repetitions; ++r) {
    ASSIGN_OR_RETURN(LoadResult reads, Open(get, s_.read_rate));
    Add("get_open_p50_us", "µs", "referral Get at 10,000 calls/s offered, p50",
        reads.PercentileUs(0.5));
    Add("get_open_p99_us", "µs", "referral Get at 10,000 calls/s offered, p99",
        reads.PercentileUs(0.99));
    Add("get_open_achieved_per_s", "calls/s",
        "Get calls answered per second at 10,000/s offered",
        reads.CallsPerSecond());
    Add("get_open_shed_percent", "%",
        "Get calls refused as overloaded (RESOURCE_EXHAUSTED) at 10,000/s",
        reads.ShedPercent());
    ASSIGN_OR_RETURN(LoadResult writes, Open(submit, s_.write_rate));
    Add("submit_open_p50_us", "µs",
        "referral Submit (durable) at 2,000 calls/s offered, p50",
        writes.PercentileUs(0.5));
    Add("submit_open_p99_us", "µs",
        "referral Submit (durable) at 2,000 calls/s offered, p99",
        writes.PercentileUs(0.99));
    Add("submit_open_achieved_per_s", "calls/s",
        "Submit calls answered per second at 2,000/s offered",
        writes.CallsPerSecond());
    Add("submit_open_shed_percent", "%",
        "Submit calls refused as overloaded (RESOURCE_EXHAUSTED) at 2,000/s",
        writes.ShedPercent());
  }
  return absl::OkStatus();
}

// The sync user submits `sync_items` referrals; each repetition is a new
// device pulling them all on one stream, then pulling again with nothing
// changed.
absl::Status Bench::SyncAll(const std::string& hub) {
  ASSIGN_OR_RETURN(ChannelList as_user,
                   Connect(hub, kSyncUser, s_.connections));
  ASSIGN_OR_RETURN(std::shared_ptr<Submissions> submissions,
                   Submissions::FromFile(
                       absl::StrCat(s_.referrals, "/", kSyncReferralFile)));
  ASSIGN_OR_RETURN(
      LoadResult seeded,
      Checked(RunCalls(SubmitCalls(as_user, Submissions::Maker(submissions),
                                   "bench-sync-"),
                       s_.concurrency, s_.sync_items),
              "seeding the sync"));
  std::cerr << "hub_bench: " << seeded.calls << " referrals to sync\n";
  for (int r = 0; r < s_.repetitions; ++r) {
    ASSIGN_OR_RETURN(SyncResult full,
                     Sync(as_user[r % as_user.size()], {}, 500));
    if (full.items != s_.sync_items) {
      return absl::InternalError(absl::StrCat(
          "sync: ", full.items, " items received, expected ", s_.sync_items));
    }
    Add("sync_items_per_s", "items/s",
        "a new device's full sync of its referrals, one stream at a time "
        "(500 a batch, up to 5,000 a pull)",
        full.items / full.seconds);
    Add("sync_pulls", "pulls", "Pull calls that full sync took", full.pulls);
    ASSIGN_OR_RETURN(SyncResult again, Sync(as_user[0], full.cursor, 500));
    Add("sync_no_change_batches", "batches",
        "stream messages in a sync with nothing changed",
        static_cast<double>(again.batches));
    Add("sync_no_change_ms", "ms", "that sync's duration", again.seconds * 1e3);
  }
  return absl::OkStatus();
}

absl::Status Bench::Storm(const std::string& hub) {
  // Every demo user whose certificate the hub accepts, in turn.
  std::vector<std::string> users;
  for (const auto& entry :
       std::filesystem::directory_iterator(s_.pki + "/clients")) {
    if (entry.path().extension() != ".pem") continue;
    const std::string user =
        absl::AsciiStrToUpper(entry.path().stem().string());
    ASSIGN_OR_RETURN(ChannelList one, Connect(hub, user, 1));
    grpc::ClientContext context;
    api::WhoAmIResponse me;
    if (api::IdentityService::NewStub(one[0])
            ->WhoAmI(&context, api::WhoAmIRequest(), &me)
            .ok()) {
      users.push_back(user);
    }
  }
  if (users.empty()) return absl::InternalError("storm: no user accepted");
  for (int r = 0; r < s_.repetitions; ++r) {
    ASSIGN_OR_RETURN(StormResult storm,
                     ReconnectStorm(s_.storm_clients, [&](int i) {
                       return channels_.Connect(hub, users[i % users.size()]);
                     }));
    ASSIGN_OR_RETURN(LoadResult calls,
                     Checked(std::move(storm.calls), "reconnect storm"));
    Add("storm_seconds", "s",
        "1,000 clients at once, each a new connection with a full mTLS "
        "handshake and one WhoAmI: first start to last answer",
        storm.seconds);
    Add("storm_p99_ms", "ms", "a storm client's time to its answer, p99",
        calls.PercentileUs(0.99) / 1e3);
  }
  Add("storm_users", "users", "distinct client certificates in the storm",
      static_cast<double>(users.size()));
  return absl::OkStatus();
}

// hubd on a copy of deconfliction_bench's index (its fixed pseudonym key):
// start-up, memory, and Check as the CT gateway for people in the index.
absl::Status Bench::Index() {
  const std::string db = s_.work + "/index.db";
  std::filesystem::copy_file(s_.index_db, db,
                             std::filesystem::copy_options::overwrite_existing);
  const std::string key_file = s_.work + "/index-pseudonym.key";
  {
    // deconfliction_bench's fixed key (32 'k'), under which it indexed.
    std::ofstream key(key_file);
    key << std::string(32, 'k');
  }
  ASSIGN_OR_RETURN(std::string config, WriteHubConfig("index", db, key_file));
  std::vector<api::DeconflictionQuery> queries;
  SyntheticPopulation population(kBenchPopulationSeed);
  for (int i = 0; i < 2000; ++i) {
    const SyntheticPerson person = population.Next();
    if (person.dob_year_only) continue;
    const rec::Subject subject = SyntheticPopulation::SubjectOf(person);
    api::DeconflictionQuery& query = queries.emplace_back();
    query.set_forenames(subject.identity().forenames());
    query.set_surname(subject.identity().surname());
    query.set_dob(subject.identity().dob());
    query.set_dob_precision(subject.identity().dob_precision());
    query.set_postcode(person.postcode);
    if (!person.nhs_number.empty()) query.set_nhs_number(person.nhs_number);
  }
  std::string referral;
  for (int r = 0; r < s_.repetitions; ++r) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<ServerProcess> hub,
        StartMeasured(config, "startup_1m_ms",
                      "hubd on the deconfliction index: fork to the first "
                      "WhoAmI answered",
                      "rss_1m_idle_mb", "its resident memory after start-up"));
    if (referral.empty()) {
      ASSIGN_OR_RETURN(referral,
                       SubmitOne(hub->address(), kReferrer, kReferralFile));
    }
    ASSIGN_OR_RETURN(ChannelList as_gateway,
                     Connect(hub->address(), kGateway, 1));
    // One at a time: the latency of an unloaded check.
    ASSIGN_OR_RETURN(
        LoadResult checks,
        Checked(RunClosedLoop(CheckCalls(as_gateway, referral, queries), 1,
                              s_.warmup, s_.run),
                "deconfliction Check"));
    Add("check_1m_p50_us", "µs",
        "deconfliction Check through the hub (mTLS, policy, search, durable "
        "record and audit), one at a time, p50",
        checks.PercentileUs(0.5));
    Add("check_1m_p99_us", "µs", "the same, p99", checks.PercentileUs(0.99));
    Add("rss_1m_mb", "MiB", "hubd's resident memory after those checks (VmRSS)",
        hub->RssMib());
    RETURN_IF_ERROR(hub->Stop());
  }
  return absl::OkStatus();
}

absl::Status Bench::Run() {
  auto& config = *report_.mutable_config();
  config["quick"] = s_.quick;
  config["repetitions"] = s_.repetitions;
  config["seconds_per_run"] = absl::ToDoubleSeconds(s_.run);
  config["warmup_seconds"] = absl::ToDoubleSeconds(s_.warmup);
  config["connections"] = s_.connections;
  config["concurrency"] = s_.concurrency;
  config["read_rate"] = s_.read_rate;
  config["write_rate"] = s_.write_rate;
  config["sync_items"] = s_.sync_items;
  config["storm_clients"] = s_.storm_clients;

  std::cerr << "hub_bench: start-up\n";
  if (Wanted("startup")) RETURN_IF_ERROR(StartUp());
  ASSIGN_OR_RETURN(std::string hub_config,
                   WriteHubConfig("hub", s_.work + "/hub.db",
                                  s_.pki + "/audit/pseudonym.key"));
  absl::Duration startup;
  ASSIGN_OR_RETURN(std::unique_ptr<ServerProcess> hub,
                   StartHub(hub_config, &startup));
  ASSIGN_OR_RETURN(
      std::unique_ptr<ServerProcess> echo,
      ServerProcess::Start({s_.echo, "--ca", s_.pki + "/ca.pem", "--cert",
                            s_.pki + "/hub.pem", "--key", s_.pki + "/hub.key"},
                           s_.work + "/echo.log", absl::Seconds(30)));
  ASSIGN_OR_RETURN(referral_,
                   SubmitOne(hub->address(), kReferrer, kReferralFile));
  std::cerr << "hub_bench: unary calls\n";
  if (Wanted("unary")) RETURN_IF_ERROR(Unary(hub->address(), echo->address()));
  RETURN_IF_ERROR(echo->Stop());
  std::cerr << "hub_bench: open loop\n";
  if (Wanted("open")) RETURN_IF_ERROR(OpenLoop(hub->address()));
  std::cerr << "hub_bench: sync\n";
  if (Wanted("sync")) RETURN_IF_ERROR(SyncAll(hub->address()));
  std::cerr << "hub_bench: reconnect storm\n";
  if (Wanted("storm")) RETURN_IF_ERROR(Storm(hub->address()));
  Add("rss_loaded_mb", "MiB",
      "hubd's resident memory after all of the above (VmRSS)", hub->RssMib());
  Add("rss_peak_mb", "MiB", "its peak resident memory (VmHWM)",
      hub->PeakRssMib());
  RETURN_IF_ERROR(hub->Stop());
  if (!s_.index_db.empty() && Wanted("index")) {
    std::cerr << "hub_bench: deconfliction index\n";
    RETURN_IF_ERROR(Index());
  }

  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(report_, &json, options)
           .ok()) {
    return absl::InternalError("cannot print the report as JSON");
  }
  std::ofstream out(s_.out);
  out << json;
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", s_.out));
  return absl::OkStatus();
}

}  // namespace
}  // namespace hub::bench

int main(int argc, char** argv) {
  // As in hubd: no deadlock detection in the load generator's own locks.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  hub::bench::Settings s;
  CLI::App app("the hub measured end to end against a bare gRPC echo server");
  app.add_option("--hubd", s.hubd, "the hubd binary")->required();
  app.add_option("--echo", s.echo, "the bench_echo binary")->required();
  app.add_option("--pki", s.pki, "a PKI from certs/make_certs.sh")->required();
  app.add_option("--policy", s.policy, "the policy file hubd runs with")
      ->required();
  app.add_option("--referrals", s.referrals,
                 "the demo referrals (deploy/demo/referrals)")
      ->required();
  app.add_option("--work", s.work, "an empty directory for databases and logs")
      ->required();
  app.add_option("--out", s.out, "where to write the figures (JSON)")
      ->required();
  app.add_option("--index-db", s.index_db,
                 "a deconfliction_bench index database to start hubd on");
  app.add_option("--only", s.only,
                 "run only these phases (for profiling): startup, unary, "
                 "open, sync, storm, index")
      ->delimiter(',')
      ->check(CLI::IsMember(
          {"startup", "unary", "open", "sync", "storm", "index"}));
  app.add_option("--calls", s.calls,
                 "the hub calls the unary phase measures against the echo "
                 "(for profiling): whoami, get, submit")
      ->delimiter(',')
      ->check(CLI::IsMember({"whoami", "get", "submit"}));
  bool quick = false;
  app.add_flag("--quick", quick, "3 short repetitions: a smoke run");
  std::optional<int> repetitions, concurrency;
  std::optional<double> seconds;
  app.add_option("--repetitions", repetitions,
                 "repetitions of each phase (default 5; 3 with --quick)")
      ->check(CLI::Range(1, 100));
  app.add_option("--seconds", seconds,
                 "seconds measured per closed- or open-loop run (default 5)")
      ->check(CLI::Range(0.1, 600.0));
  app.add_option("--concurrency", concurrency,
                 "calls in flight in closed loop (default 64)")
      ->check(CLI::Range(1, 4096));
  CLI11_PARSE(app, argc, argv);
  if (quick) s.MakeQuick();
  if (repetitions) s.repetitions = *repetitions;
  if (seconds) s.run = absl::Seconds(*seconds);
  if (concurrency) s.concurrency = *concurrency;

  absl::StatusOr<hub::bench::Channels> channels =
      hub::bench::Channels::ForPki(s.pki);
  if (!channels.ok()) {
    std::cerr << "hub_bench: --pki: " << channels.status().message() << "\n";
    return 1;
  }
  hub::bench::Bench bench(s, *std::move(channels));
  if (absl::Status status = bench.Run(); !status.ok()) {
    std::cerr << "hub_bench: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
