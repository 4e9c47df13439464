// The offline client end to end (issue 8; TESTING §3.10): hubctl's cache,
// outbox and sync (client/offline) against a real hubd over mutual TLS with
// the demo partnership. Faults: the client stopped mid-sync, the hub
// restarted mid-sync, the same queue sent twice, a corrupt queue file, a
// refused queued write, clocks skewed by a day either way, revocation. Each
// reports lost = 0, duplicated = 0, silently dropped = 0 by construction:
// every queued write ends on the hub exactly once or in the outbox with its
// reason.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "client/audit_trust.h"
#include "client/exit_codes.h"
#include "client/hub_client.h"
#include "client/offline/device_store.h"
#include "client/offline/queued_writes.h"
#include "client/offline/syncer.h"
#include "common/sha256.h"
#include "hub/briefings/briefing_samples.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub::testing {
namespace {

using briefings::testing::SampleBriefing;
using client::DeviceStore;
using client::HubClient;
using client::SyncOptions;
using prevent::client::v1::SyncSummary;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPassphrase[] = "correct horse battery staple";

// Every file under `dir`, read whole, for canary greps.
std::string AllBytesUnder(const std::string& dir) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
  }
  return all;
}

class OfflineSyncTest : public DemoHubTest {
 protected:
  void SetUp() override {
    DemoHubTest::SetUp();
    // Two days into the certificates' life, so a device clock a day behind
    // still sees them valid.
    clock_.Advance(absl::Hours(47));
    device_clock_.Set(clock_.Now());
    setenv("HUBCTL_PASSPHRASE", kPassphrase, 1);
  }

  // `user`'s hubctl profile, pointing at the running hub (or, with none
  // running, at the port the last one used, where nothing listens).
  prevent::config::v1::ClientProfile ProfileOf(const std::string& user) {
    if (server_ != nullptr) port_ = server_->port();
    prevent::config::v1::ClientProfile profile;
    profile.set_hub_address("127.0.0.1:" + std::to_string(port_));
    profile.set_cert_file(CertsDir() + "/clients/" + user + ".pem");
    profile.set_key_file(CertsDir() + "/clients/" + user + ".key");
    profile.set_ca_file(CertsDir() + "/ca.pem");
    profile.set_cache_path(ProfileDir(user) + "/cache.db");
    profile.set_audit_public_key_file(CertsDir() + "/audit/signing.pub");
    return profile;
  }

  std::string ProfileDir(const std::string& user) {
    const std::string dir = dir_ + "/" + user;
    mkdir(dir.c_str(), 0700);
    return dir;
  }

  DeviceStore Device(const std::string& user) {
    absl::StatusOr<DeviceStore> device = client::OpenDeviceStore(
        ProfileOf(user), kPassphrase, &device_clock_, /*scrypt_n=*/1 << 10);
    EXPECT_THAT(device, IsOk());
    return std::move(device).value();
  }

  std::unique_ptr<HubClient> ClientOf(const std::string& user) {
    auto client = HubClient::Create(ProfileOf(user), &device_clock_);
    EXPECT_THAT(client, IsOk());
    return std::move(client).value();
  }

  // `hubctl sync` as `user`.
  absl::Status SyncAs(const std::string& user, SyncSummary* summary = nullptr,
                      const SyncOptions& options = SyncOptions()) {
    DeviceStore device = Device(user);
    std::unique_ptr<HubClient> hub = ClientOf(user);
    auto trust = client::AuditTrust::Load(ProfileOf(user), ProfileDir(user));
    EXPECT_THAT(trust, IsOk());
    client::Syncer syncer(hub.get(), &device, &*trust, &device_clock_);
    SyncSummary ignored;
    return syncer.Sync(options, summary != nullptr ? *summary : ignored);
  }

  // What `user`'s device holds: "kind/id" each.
  std::vector<std::string> Held(const std::string& user) {
    DeviceStore device = Device(user);
    auto held = device.cache->Held();
    EXPECT_THAT(held, IsOk());
    std::vector<std::string> out;
    for (const auto& item : held.value_or(std::vector<client::Cache::Item>())) {
      out.push_back(item.kind + "/" + item.id);
    }
    return out;
  }

  // The cached item `kind`/`id` on `user`'s device; kind 0 if none.
  api::SyncItem Cached(const std::string& user, const std::string& kind,
                       const std::string& id) {
    DeviceStore device = Device(user);
    auto held = device.cache->Get(kind, id);
    EXPECT_THAT(held, IsOk());
    api::SyncItem item;
    if (held.ok() && held->has_value()) item.ParseFromString((*held)->value);
    return item;
  }

  // `user` submits `submission` while the hub cannot be reached, as
  // `hubctl referral submit` does: the write is queued.
  void SubmitOffline(const std::string& user,
                     const rec::ReferralSubmission& submission,
                     const std::string& request_id) {
    ASSERT_EQ(server_, nullptr);
    api::SubmitReferralRequest request;
    request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
    request.mutable_context()->set_request_id(request_id);
    *request.mutable_submission() = submission;
    auto answer = ClientOf(user)->SubmitReferral(request);
    ASSERT_TRUE(client::Unreachable(answer.status())) << answer.status();
    absl::Status queued = client::QueueForSync(
        ProfileOf(user), &device_clock_, client::kSubmitReferralMethod, request,
        request_id, "referral submit", answer.status());
    EXPECT_EQ(client::ExitCodeFor(queued), client::kExitUnavailable);
    EXPECT_THAT(std::string(queued.message()),
                HasSubstr("queued; will send on next sync"));
  }

  void StopHub() {
    port_ = server_->port();
    server_.reset();
    channels_.clear();
    stubs_.clear();
    deconfliction_stubs_.clear();
  }

  // The CTLP owner publishes the sample briefing; returns its id.
  std::string Publish(const rec::BriefingDraft& draft) {
    api::PublishBriefingRequest request;
    request.mutable_context()->set_purpose(pb::CTLP_BRIEFING);
    request.mutable_context()->set_request_id("publish-1");
    *request.mutable_draft() = draft;
    auto published = ClientOf("u-ctlpown")->PublishBriefing(request);
    EXPECT_THAT(published, IsOk());
    return published.ok() ? published->briefing_id() : "";
  }

  // `user` accepts the handling conditions of briefing `id` online.
  void Accept(const std::string& user, const std::string& id) {
    std::unique_ptr<HubClient> hub = ClientOf(user);
    api::ListBriefingsRequest list;
    list.mutable_context()->set_purpose(pb::CTLP_BRIEFING);
    auto listed = hub->ListBriefings(list);
    ASSERT_THAT(listed, IsOk());
    for (const rec::BriefingListing& l : listed->briefings()) {
      if (l.briefing_id() != id) continue;
      api::AcknowledgeBriefingRequest ack;
      ack.mutable_context()->set_purpose(pb::CTLP_BRIEFING);
      ack.set_briefing_id(id);
      ack.set_conditions_sha256(common::Sha256Hex(l.handling_conditions()));
      ASSERT_THAT(hub->AcknowledgeBriefing(ack), IsOk());
      return;
    }
    FAIL() << user << " was not sent " << id;
  }

  int64_t PurgeAttested(const std::string& id, const std::string& principal) {
    return QueryInt(db_path_,
                    "SELECT purge_attested_ms FROM briefing_deliveries WHERE "
                    "briefing_id = '" +
                        id + "' AND principal = '" + principal + "'");
  }

  common::FakeClock device_clock_{absl::UnixEpoch()};
  int port_ = 1;
};

TEST_F(OfflineSyncTest, AReferralSubmittedOfflineReachesTheHubOnceAcrossSyncs) {
  StartHub();
  StopHub();
  ASSERT_NO_FATAL_FAILURE(
      SubmitOffline("u-drwhit", AdultSubmission(), "offline-submit-1"));
  // A sync while the hub is still away keeps it queued.
  SyncSummary away;
  EXPECT_TRUE(client::Unreachable(SyncAs("u-drwhit", &away)));
  EXPECT_EQ(away.still_queued(), 1);

  // Saved as it stands, to put back after the first sync: the same queue
  // sent twice, as after a crash between the hub's answer and the delete.
  const std::string outbox = ProfileDir("u-drwhit") + "/cache.db.outbox";
  std::string saved_name, saved_bytes;
  for (const auto& e : std::filesystem::directory_iterator(outbox)) {
    if (e.path().extension() != ".entry") continue;
    saved_name = e.path().string();
    std::ifstream in(e.path(), std::ios::binary);
    saved_bytes.assign(std::istreambuf_iterator<char>(in),
                       std::istreambuf_iterator<char>());
  }
  ASSERT_FALSE(saved_name.empty());

  StartHub();
  SyncSummary first;
  ASSERT_THAT(SyncAs("u-drwhit", &first), IsOk());
  EXPECT_EQ(first.pushed(), 1);
  EXPECT_EQ(ReferralRows(), 1);
  std::ofstream(saved_name, std::ios::binary) << saved_bytes;
  SyncSummary second;
  ASSERT_THAT(SyncAs("u-drwhit", &second), IsOk());
  EXPECT_EQ(second.pushed(), 1);  // sent again, applied once
  EXPECT_EQ(ReferralRows(), 1);
  ASSERT_THAT(SyncAs("u-drwhit"), IsOk());
  EXPECT_EQ(ReferralRows(), 1);

  // The referrer's device holds its status (F50), not the subject.
  const std::vector<std::string> held = Held("u-drwhit");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(held[0], "referral/"));
  api::SyncItem item = Cached("u-drwhit", "referral", held[0].substr(9));
  EXPECT_EQ(item.case_file().referral().status_bucket(),
            rec::Referral::RECEIVED);
  EXPECT_FALSE(item.case_file().has_subject());
}

TEST_F(OfflineSyncTest, OnlyAChangedReferralIsSentAgain) {
  StartHub();
  std::string moved, unmoved;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "resend-1", &moved));
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "resend-2", &unmoved));
  SyncSummary first;
  ASSERT_THAT(SyncAs("u-drwhit", &first), IsOk());
  EXPECT_EQ(first.applied(), 2);
  SyncSummary unchanged;
  ASSERT_THAT(SyncAs("u-drwhit", &unchanged), IsOk());
  EXPECT_EQ(unchanged.applied(), 0);

  // A change to one referral reaches the device, and only that one.
  ASSERT_TRUE(
      Transition("u-hokoro", Move(moved, pb::PREVENT_SCREENING, pb::SCREENING))
          .ok());
  SyncSummary after;
  ASSERT_THAT(SyncAs("u-drwhit", &after), IsOk());
  EXPECT_EQ(after.applied(), 1);
  std::multiset<int> buckets;
  for (const std::string& held : Held("u-drwhit")) {
    buckets.insert(Cached("u-drwhit", "referral", held.substr(9))
                       .case_file()
                       .referral()
                       .status_bucket());
  }
  EXPECT_THAT(buckets, ElementsAre(rec::Referral::RECEIVED,
                                   rec::Referral::BEING_ASSESSED));
}

TEST_F(OfflineSyncTest, AStoppedSyncResumesWithoutLossOrDuplicate) {
  StartHub();
  for (int i = 0; i < 7; ++i) {
    rec::ReferralSubmission s = AdultSubmission();
    s.mutable_subject()->mutable_identity()->set_surname("Marsh" +
                                                         std::string(i, 'e'));
    std::string ref;
    ASSERT_NO_FATAL_FAILURE(
        SubmitOk("u-drwhit", s, "online-" + std::to_string(i), &ref));
  }
  SyncOptions stop;
  stop.batch_size = 2;
  stop.stop_after_batches = 2;
  SyncSummary cut;
  EXPECT_TRUE(absl::IsCancelled(SyncAs("u-drwhit", &cut, stop)));
  EXPECT_EQ(cut.applied(), 4);
  EXPECT_EQ(Held("u-drwhit").size(), 4u);

  // The hub restarts before the device comes back.
  StopHub();
  StartHub();
  SyncSummary resumed;
  int batches = 0;
  SyncOptions rest;
  rest.batch_size = 2;
  rest.progress = [&](int, int total) {
    ++batches;
    EXPECT_EQ(total, 3);
  };
  ASSERT_THAT(SyncAs("u-drwhit", &resumed, rest), IsOk());
  EXPECT_EQ(resumed.applied(), 3);  // only what it did not have
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(Held("u-drwhit").size(), 7u);

  // Nothing changed: one batch, one round trip.
  SyncSummary again;
  batches = 0;
  SyncOptions quiet;
  quiet.progress = [&](int, int) { ++batches; };
  ASSERT_THAT(SyncAs("u-drwhit", &again, quiet), IsOk());
  EXPECT_EQ(again.applied(), 0);
  EXPECT_EQ(batches, 1);
  EXPECT_GT(again.audit_tree_size(), 0u);
}

TEST_F(OfflineSyncTest, ARefusedQueuedWriteIsKeptWithItsReason) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "online-1", &ref));
  // The referrer may not screen their own referral: the hub refuses.
  DeviceStore device = Device("u-drwhit");
  api::TransitionReferralRequest move =
      Move(ref, pb::PREVENT_SCREENING, pb::SCREENING);
  move.mutable_context()->set_request_id("queued-move-1");
  ASSERT_THAT(client::Queue(*device.outbox, client::kTransitionReferralMethod,
                            move, "queued-move-1", "referral transition",
                            device_clock_.Now()),
              IsOk());
  SyncSummary summary;
  ASSERT_THAT(SyncAs("u-drwhit", &summary), IsOk());
  EXPECT_EQ(summary.refused(), 1);
  ASSERT_THAT(SyncAs("u-drwhit", &summary), IsOk());  // still there

  auto entries = Device("u-drwhit").outbox->List();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].entry.request_id(), "queued-move-1");
  const std::string refused = (*entries)[0].entry.refused_status();
  EXPECT_TRUE(refused == "NOT_FOUND" || refused == "PERMISSION_DENIED")
      << refused;
  EXPECT_FALSE((*entries)[0].entry.refused_reason().empty());
  ASSERT_THAT(Device("u-drwhit").outbox->Remove("queued-move-1"), IsOk());
  EXPECT_TRUE(Device("u-drwhit").outbox->List()->empty());
}

TEST_F(OfflineSyncTest, ACorruptQueuedWriteIsQuarantinedAndTheRestGo) {
  StartHub();
  StopHub();
  for (int i = 0; i < 3; ++i) {
    rec::ReferralSubmission s = AdultSubmission();
    s.mutable_subject()->mutable_identity()->set_surname("Marsh" +
                                                         std::string(i, 'e'));
    ASSERT_NO_FATAL_FAILURE(
        SubmitOffline("u-drwhit", s, "offline-" + std::to_string(i)));
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(
           ProfileDir("u-drwhit") + "/cache.db.outbox")) {
    if (e.path().extension() == ".entry") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 3u);
  std::filesystem::resize_file(files[1], 20);  // truncated

  StartHub();
  SyncSummary summary;
  ASSERT_THAT(SyncAs("u-drwhit", &summary), IsOk());
  EXPECT_EQ(summary.pushed(), 2);
  EXPECT_EQ(summary.quarantined(), 1);
  EXPECT_EQ(ReferralRows(), 2);
  auto quarantined = Device("u-drwhit").outbox->QuarantinedFiles();
  ASSERT_THAT(quarantined, IsOk());
  EXPECT_EQ(quarantined->size(), 1u);
}

// P24: a school's devices hold only their referrals' status and the
// schools' briefing; an information request addressed to the school stays
// online, while the NHS lead's device holds the one addressed to the trust.
TEST_F(OfflineSyncTest, ASchoolDeviceHoldsNoInformationRequests) {
  StartHub();
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "channel-1", &ref));
  ASSERT_TRUE(
      Transition("u-hokoro", Move(ref, pb::PREVENT_SCREENING, pb::SCREENING))
          .ok());
  api::TransitionReferralRequest gate =
      Move(ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::POLICE_GATEWAY);
  gate.mutable_context()->set_justification("Gateway assessment");
  ASSERT_TRUE(Transition("u-dsallenby", gate).ok());
  ASSERT_NO_FATAL_FAILURE(DeconflictOk(ref, AdultSubmission(),
                                       rec::PROCEED_TO_CHANNEL_INFO_GATHERING));
  gate.set_to(pb::INFO_GATHERING);
  gate.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
  gate.set_paf_summary_code("PAF-DEMO-7");
  ASSERT_TRUE(Transition("u-dsallenby", gate).ok());
  for (const char* partner : {"P-NHS1", "P-SCH1"}) {
    api::RequestInformationRequest ask;
    ask.mutable_context()->set_purpose(pb::CHANNEL_ASSESSMENT);
    ask.mutable_context()->set_request_id(std::string("ask-") + partner);
    ask.set_referral(ref);
    ask.set_recipient_partner_id(partner);
    ask.set_legal_gateway("CTSA 2015 s.38; UK GDPR Art 6(1)(e)");
    auto* q = ask.add_questions();
    q->set_q_id("Q1");
    q->set_text("Is the subject known to your service?");
    ask.set_due_by_unix_ms(absl::ToUnixMillis(clock_.Now() + absl::Hours(168)));
    api::RequestInformationResponse asked;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    grpc::Status status =
        As("u-hokoro").RequestInformation(&context, ask, &asked);
    ASSERT_TRUE(status.ok()) << partner << ": " << status.error_message();
  }
  ASSERT_THAT(SyncAs("u-drwhit"), IsOk());
  ASSERT_THAT(SyncAs("u-rcaldwell"), IsOk());
  int nhs_requests = 0;
  for (const std::string& item : Held("u-drwhit")) {
    nhs_requests += absl::StartsWith(item, "information_request/");
  }
  EXPECT_EQ(nhs_requests, 1);
  for (const std::string& item : Held("u-rcaldwell")) {
    EXPECT_FALSE(absl::StartsWith(item, "information_request/")) << item;
  }
}

TEST_F(OfflineSyncTest, TheCacheHoldsNoPlaintextAndNeedsThePassphrase) {
  StartHub();
  std::string id = Publish(SampleBriefing(clock_.Now()));
  ASSERT_NO_FATAL_FAILURE(Accept("u-rcaldwell", id));
  ASSERT_THAT(SyncAs("u-rcaldwell"), IsOk());
  api::SyncItem item = Cached("u-rcaldwell", "briefing", id);
  ASSERT_TRUE(item.has_rendition());
  EXPECT_THAT(item.rendition().DebugString(), HasSubstr("CANARY-S2-SCHOOLS"));

  // A queued referral too, with its own canary.
  StopHub();
  rec::ReferralSubmission s = AdultSubmission();
  s.mutable_subject()->mutable_identity()->set_surname("CANARYSURNAME");
  ASSERT_NO_FATAL_FAILURE(SubmitOffline("u-rcaldwell", s, "offline-canary"));

  const std::string bytes = AllBytesUnder(ProfileDir("u-rcaldwell"));
  EXPECT_FALSE(absl::StrContains(bytes, "CANARY")) << "plaintext at rest";
  EXPECT_FALSE(absl::StrContains(bytes, "Marsh"));
  EXPECT_FALSE(absl::StrContains(bytes, "DEMO-ETHNICITY"));

  absl::StatusOr<DeviceStore> wrong = client::OpenDeviceStore(
      ProfileOf("u-rcaldwell"), "not the passphrase", &device_clock_);
  EXPECT_TRUE(absl::IsUnauthenticated(wrong.status())) << wrong.status();

  // After 72 hours without a sync, nothing can be read until the next one.
  device_clock_.Advance(absl::Hours(72));
  auto stale = Device("u-rcaldwell").cache->Get("briefing", id);
  EXPECT_TRUE(absl::IsFailedPrecondition(stale.status())) << stale.status();
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("hubctl sync"));
}

// The hub's clock decides: a device a day slow still purges an expired
// briefing when the hub says so; a device a day fast purges early.
TEST_F(OfflineSyncTest, PurgesFollowTheHubWhateverTheDeviceClockSays) {
  StartHub();
  rec::BriefingDraft draft = SampleBriefing(clock_.Now());
  for (rec::BriefingDraft::Variant& v : *draft.mutable_variants()) {
    v.mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(clock_.Now() + absl::Hours(36)));
  }
  std::string id = Publish(draft);
  ASSERT_NO_FATAL_FAILURE(Accept("u-rcaldwell", id));
  ASSERT_NO_FATAL_FAILURE(Accept("u-drwhit", id));

  // The school's device runs a day slow.
  device_clock_.Set(clock_.Now() - absl::Hours(24));
  ASSERT_THAT(SyncAs("u-rcaldwell"), IsOk());
  EXPECT_TRUE(Cached("u-rcaldwell", "briefing", id).has_rendition());
  clock_.Advance(absl::Hours(37));         // expired at the hub
  device_clock_.Advance(absl::Hours(37));  // not yet on the device
  SyncSummary slow;
  ASSERT_THAT(SyncAs("u-rcaldwell", &slow), IsOk());
  EXPECT_EQ(slow.purged(), 1);
  EXPECT_EQ(slow.attested(), 1);
  EXPECT_TRUE(Held("u-rcaldwell").empty());
  EXPECT_GT(PurgeAttested(id, "U-RCALDWELL"), 0);

  // The NHS lead's device runs a day fast: it synced before expiry, and
  // deletes and attests on its own clock.
  clock_.Advance(absl::Hours(-37));
  device_clock_.Set(clock_.Now() + absl::Hours(24));
  ASSERT_THAT(SyncAs("u-drwhit"), IsOk());
  ASSERT_TRUE(Cached("u-drwhit", "briefing", id).has_rendition());
  device_clock_.Advance(absl::Hours(13));  // past expiry on the device only
  SyncSummary fast;
  ASSERT_THAT(SyncAs("u-drwhit", &fast), IsOk());
  EXPECT_EQ(fast.attested(), 1);
  EXPECT_TRUE(Held("u-drwhit").empty());
  EXPECT_GT(PurgeAttested(id, "U-DRWHIT"), 0);
  // Nothing more to attest, however often it syncs.
  SyncSummary later;
  ASSERT_THAT(SyncAs("u-drwhit", &later), IsOk());
  EXPECT_EQ(later.attested(), 0);
}

TEST_F(OfflineSyncTest, ARevokedUserIsWipedAndTheirQueuedWritesSurfaced) {
  // The demo policy, copied so it can be changed under the running hub.
  auto policy =
      common::ReadFile(HUB_SOURCE_DIR "/deploy/demo/partnership.textproto");
  ASSERT_THAT(policy, IsOk());
  const std::string path = dir_ + "/partnership.textproto";
  std::ofstream(path, std::ios::trunc) << *policy;
  config_.set_policy_file(path);
  StartHub();
  std::string id = Publish(SampleBriefing(clock_.Now()));
  ASSERT_NO_FATAL_FAILURE(Accept("u-drwhit", id));
  ASSERT_THAT(SyncAs("u-drwhit"), IsOk());
  ASSERT_FALSE(Held("u-drwhit").empty());
  DeviceStore device = Device("u-drwhit");
  api::SubmitReferralRequest request;
  request.mutable_context()->set_purpose(pb::PREVENT_REFERRAL_SUBMISSION);
  request.mutable_context()->set_request_id("queued-before-revocation");
  *request.mutable_submission() = AdultSubmission();
  ASSERT_THAT(client::Queue(*device.outbox, client::kSubmitReferralMethod,
                            request, "queued-before-revocation",
                            "referral submit", device_clock_.Now()),
              IsOk());

  std::string text = *policy;
  const std::string active =
      R"(roles: NHS_PREVENT_LEAD areas: "WXC" status: ACTIVE)";
  ASSERT_NE(text.find(active), std::string::npos);
  text.replace(text.find(active), active.size(),
               R"(roles: NHS_PREVENT_LEAD areas: "WXC" status: OFFBOARDED)");
  std::ofstream(path, std::ios::trunc) << text;
  ASSERT_THAT(server_->Reload(), IsOk());

  SyncSummary summary;
  absl::Status status = SyncAs("u-drwhit", &summary);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("wiped"));
  EXPECT_TRUE(summary.wiped());
  EXPECT_TRUE(Held("u-drwhit").empty());
  EXPECT_EQ(ReferralRows(), 0);
  auto entries = Device("u-drwhit").outbox->List();
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].entry.refused_status(), "PERMISSION_DENIED");
  EXPECT_THAT((*entries)[0].entry.refused_reason(), HasSubstr("offboarded"));
}

}  // namespace
}  // namespace hub::testing
