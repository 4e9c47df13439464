#include "hub/service/sync_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "hub/briefings/delivery.h"
#include "hub/briefings/recipients.h"
#include "hub/service/audit_service.h"
#include "hub/service/briefing_records.h"
#include "hub/service/information_records.h"
#include "hub/service/referral_records.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Delivery = rec::BriefingDelivery;

constexpr char kPull[] = "/prevent.hub.v1.SyncService/Pull";

constexpr int kDefaultBatch = 50;
constexpr int kMaxBatch = 500;
constexpr int kMaxHeld = 30000;
constexpr size_t kMaxHeldIdBytes = 64;
constexpr size_t kMaxHeldVersionBytes = 64;
// Rows read of each kind: a device holds the newest this many.
constexpr int kMaxPerKind = 10000;

absl::Status CheckRequest(const api::PullRequest& request) {
  if (request.batch_size() < 0 || request.batch_size() > kMaxBatch) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch_size: give 1 to ", kMaxBatch, ", or 0 for ", kDefaultBatch));
  }
  const auto& held = request.cursor().held();
  if (held.size() > kMaxHeld) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cursor.held: ", held.size(), " items; a device holds at most ",
        kMaxHeld, ". Delete the cache file and sync again"));
  }
  for (int i = 0; i < held.size(); ++i) {
    const api::HeldItem& item = held[i];
    if (!api::SyncItem::Kind_IsValid(item.kind()) ||
        item.kind() == api::SyncItem::KIND_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cursor.held[", i, "].kind: not a kind of item the hub sends"));
    }
    if (item.id().empty() || item.id().size() > kMaxHeldIdBytes ||
        item.version().size() > kMaxHeldVersionBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "cursor.held[", i,
          "]: id and version must be as the hub sent them (ids 1 to ",
          kMaxHeldIdBytes, " bytes)"));
    }
  }
  return absl::OkStatus();
}

// The item's version: the digest of what the caller is sent.
void SetVersion(api::SyncItem& item) {
  item.clear_version();
  item.set_version(common::Sha256Hex(item.SerializeAsString()));
}

// A referral's version, known before it is projected: what the caller is
// sent is its stored record (whose version is bumped on every change) under
// the projection of the rule that releases it, in this policy. So an
// unchanged referral is neither projected nor hashed.
std::string ReferralVersion(const store::ReferralRow& row,
                            const policy::Policy& policy,
                            const policy::Decision& decision) {
  return common::Sha256Hex(absl::StrCat(
      "referral\n", row.id, "\n", row.version, "\n", policy.version(), "\n",
      decision.agreement_id(), "/", decision.rule_id()));
}

// Why `audience`'s rendition of `briefing` is no longer served at `now`, if
// it is not.
std::optional<api::PurgeOrder::Reason> EndOf(const rec::Briefing& briefing,
                                             pb::Audience audience,
                                             absl::Time now) {
  if (briefing.state() == rec::Briefing::WITHDRAWN) {
    return api::PurgeOrder::WITHDRAWN;
  }
  if (briefing.state() == rec::Briefing::SUPERSEDED) {
    return api::PurgeOrder::SUPERSEDED;
  }
  if (now >= briefings::VariantExpiry(briefing.draft(), audience)) {
    return api::PurgeOrder::EXPIRED;
  }
  return std::nullopt;
}

// How the audit event names an item sent: its kind and id, never content.
std::string ItemName(const api::SyncItem& item) {
  return absl::StrCat(absl::AsciiStrToLower(api::SyncItem::Kind_Name(
                          static_cast<api::SyncItem::Kind>(item.kind()))),
                      "/", item.id());
}

// The batches of one pull: purge orders first, so a device cut off part-way
// has forgotten what it must before it learns anything new, then items; at
// most kMaxChangesPerPull in all, the last batch saying if more remain
// (also if `past_cap` changes were left out already). Names the items sent
// in *sent.
std::vector<api::SyncBatch> Batches(std::vector<api::PurgeOrder> purges,
                                    std::vector<api::SyncItem> changed,
                                    size_t past_cap, int batch_size,
                                    std::vector<std::string>* sent) {
  const size_t max = SyncService::kMaxChangesPerPull;
  const bool more = past_cap > 0 || purges.size() + changed.size() > max;
  if (purges.size() > max) purges.resize(max);
  if (purges.size() + changed.size() > max) {
    changed.resize(max - purges.size());
  }
  const int total = static_cast<int>(purges.size() + changed.size());
  std::vector<api::SyncBatch> batches;
  size_t next_purge = 0;
  size_t next_item = 0;
  do {
    api::SyncBatch& batch = batches.emplace_back();
    batch.set_total(total);
    for (int n = 0; n < batch_size; ++n) {
      if (next_purge < purges.size()) {
        *batch.add_purges() = std::move(purges[next_purge++]);
      } else if (next_item < changed.size()) {
        sent->push_back(ItemName(changed[next_item]));
        *batch.add_items() = std::move(changed[next_item++]);
      } else {
        break;
      }
    }
  } while (next_purge < purges.size() || next_item < changed.size());
  batches.back().set_more(more);
  return batches;
}

}  // namespace

absl::Status SyncService::AddReferrals(const Call& call, const Held& held,
                                       View& view) {
  const AuthenticatedPeer& peer = call.peer();
  auto decide = [&](const policy::Resource& resource) {
    return DecideFor(peer, pb::READ, resource, pb::REFERRER_FEEDBACK,
                     /*has_justification=*/false, call.now());
  };
  auto holds = [&](const std::string& id, const std::string& version) {
    return Holds(held, Key(api::SyncItem::REFERRAL, id), version);
  };
  // Decided from the rows: only the records to be sent are read and parsed.
  store::ReferralSelection selection;
  selection.referrer_principal_id = peer.principal->id();
  selection.limit = kMaxPerKind;
  selection.with_records = false;
  ASSIGN_OR_RETURN(std::vector<store::ReferralRow> rows,
                   store_->SelectReferrals(selection));
  if (rows.size() > kMaxPerKind) rows.resize(kMaxPerKind);
  std::vector<std::string> to_read;
  int changed = 0;
  for (const store::ReferralRow& row : rows) {
    const std::optional<policy::Resource> resource = ResourceOfRow(row);
    if (!resource.has_value()) {  // stored before rows said enough
      to_read.push_back(row.id);
      continue;
    }
    const policy::Decision decision = decide(*resource);
    if (!decision.allowed) continue;
    if (holds(row.id, ReferralVersion(row, *peer.policy, decision))) {
      view.unchanged.emplace_back(api::SyncItem::REFERRAL, row.id);
    } else if (++changed > kMaxChangesPerPull) {
      // Referrals come first in a pull, so this one cannot be sent in it.
      view.past_cap.emplace_back(api::SyncItem::REFERRAL, row.id);
    } else {
      to_read.push_back(row.id);
    }
  }
  // Each record read is decided again in full: it may have changed since
  // its row was selected.
  ASSIGN_OR_RETURN(std::vector<store::ReferralRow> full,
                   store_->ReferralsById(to_read));
  for (store::ReferralRow& row : full) {
    ASSIGN_OR_RETURN(StoredReferral stored, ParseReferral(std::move(row)));
    const policy::Decision decision = decide(ResourceOf(stored));
    if (!decision.allowed) continue;
    std::string version = ReferralVersion(stored.row, *peer.policy, decision);
    if (holds(stored.row.id, version)) {
      view.unchanged.emplace_back(api::SyncItem::REFERRAL, stored.row.id);
      continue;
    }
    api::SyncItem& item = view.items.emplace_back();
    item.set_kind(api::SyncItem::REFERRAL);
    item.set_id(stored.row.id);
    item.set_version(std::move(version));
    *item.mutable_case_file() = std::move(stored.file);
    decision.fields().Apply(item.mutable_case_file());
  }
  return absl::OkStatus();
}

absl::Status SyncService::AddInformationRequests(const Call& call, View& view) {
  const AuthenticatedPeer& peer = call.peer();
  // P24: a school's devices hold only their own referrals' status and the
  // schools' briefing, whatever the school may see online.
  if (peer.partner->type() == pb::Partner::SCHOOL) return absl::OkStatus();
  ASSIGN_OR_RETURN(
      std::vector<store::InformationRequestRow> rows,
      store_->InformationRequestsForPartner(peer.partner->id(), kMaxPerKind));
  if (rows.size() > kMaxPerKind) rows.resize(kMaxPerKind);
  for (store::InformationRequestRow& row : rows) {
    ASSIGN_OR_RETURN(std::optional<StoredReferral> about,
                     LoadReferral(*store_, row.referral_id));
    if (!about.has_value()) continue;
    ASSIGN_OR_RETURN(StoredRequest stored, ParseRequest(std::move(row)));
    bool answer_released = false;
    std::optional<rec::CaseFile> shown = InformationView(
        peer, pb::LIST, pb::CHANNEL_ASSESSMENT, /*has_justification=*/false,
        stored, *about, call.now(), &answer_released);
    if (!shown.has_value()) continue;
    api::SyncItem& item = view.items.emplace_back();
    item.set_kind(api::SyncItem::INFORMATION_REQUEST);
    item.set_id(stored.row.id);
    *item.mutable_case_file() = std::move(*shown);
    SetVersion(item);
  }
  return absl::OkStatus();
}

absl::Status SyncService::AddBriefings(const Call& call, View& view,
                                       store::RecordWrite& write) {
  const AuthenticatedPeer& peer = call.peer();
  ASSIGN_OR_RETURN(
      std::vector<store::BriefingDeliveryRow> rows,
      store_->BriefingDeliveriesFor(peer.principal->id(), kMaxPerKind));
  if (rows.size() > kMaxPerKind) rows.resize(kMaxPerKind);
  for (store::BriefingDeliveryRow& row : rows) {
    ASSIGN_OR_RETURN(std::optional<StoredBriefing> found,
                     LoadBriefing(*store_, row.briefing_id));
    if (!found.has_value()) continue;
    const rec::Briefing& briefing = found->briefing;
    const auto audience = static_cast<pb::Audience>(row.audience);
    Delivery::State state = briefings::CopyState(
        EventsOf(row), briefings::PurgeDueAt(briefing, audience), call.now());
    // Purged already, or ended before it was delivered: nothing to do.
    if (state == Delivery::PURGE_ATTESTED || state == Delivery::REVOKED) {
      continue;
    }
    if (std::optional<api::PurgeOrder::Reason> end =
            EndOf(briefing, audience, call.now())) {
      api::PurgeOrder& order = view.ended.emplace_back();
      order.set_kind(api::SyncItem::BRIEFING);
      order.set_id(row.briefing_id);
      order.set_reason(*end);
      order.set_attest(true);
      continue;
    }
    const pb::BriefingAudience* definition =
        AudienceDefinition(*peer.policy, audience);
    if (definition == nullptr) continue;
    const policy::Decision decision = DecideFor(
        peer, pb::READ,
        briefings::BriefingResource(
            briefing, audience, briefings::AreaFor(briefing, *peer.principal)),
        pb::CTLP_BRIEFING, /*has_justification=*/false, call.now());
    if (!decision.allowed) continue;
    const pb::FlowRule* flow = decision.rule->flow;
    if (state == Delivery::QUEUED) {
      // As List: sets the time only if still unset.
      row.delivered_ms = absl::ToUnixMillis(call.now());
      write.briefings_delivered.push_back(row);
      state = Delivery::DELIVERED;
    }
    api::SyncItem& item = view.items.emplace_back();
    item.set_kind(api::SyncItem::BRIEFING);
    item.set_id(row.briefing_id);
    *item.mutable_briefing() =
        ListingOf(briefing, row, *definition, flow, state);
    *item.mutable_expires_at() = item.briefing().expires_at();
    // The text itself only once the conditions are accepted, and only where
    // the audience and the rule allow an offline copy (P24).
    if (item.briefing().offline_allowed() &&
        ConditionsAccepted(row, *definition)) {
      *item.mutable_rendition() = RenditionOf(briefing, row, *definition, flow);
      decision.fields().Apply(item.mutable_rendition());
    }
    SetVersion(item);
  }
  return absl::OkStatus();
}

absl::Status SyncService::Answer(Call& call, const api::PullRequest& request,
                                 std::vector<api::SyncBatch>& batches) {
  const api::RequestContext& ctx = request.context();
  RETURN_IF_ERROR(ValidateRequestContext(ctx));
  RETURN_IF_ERROR(CheckRequest(request));
  const AuthenticatedPeer& peer = call.peer();
  // The call's own decision is on the caller's own identity, which
  // every principal may read; each item is then decided for its own
  // purpose, as the online call that shows it would be.
  policy::Resource self;
  self.record = pb::IDENTITY;
  self.id = peer.principal->id();
  self.source_partner_id = peer.partner->id();
  self.owner_principal_id = peer.principal->id();
  RETURN_IF_ERROR(
      call.Authorize(pb::READ, self, ctx, Visibility::kKnownToCaller));

  Held held;
  for (const api::HeldItem& h : request.cursor().held()) {
    held[Key(h.kind(), h.id())] = h.version();
  }
  View view;
  store::RecordWrite write;
  RETURN_IF_ERROR(AddReferrals(call, held, view));
  RETURN_IF_ERROR(AddInformationRequests(call, view));
  RETURN_IF_ERROR(AddBriefings(call, view, write));

  // The difference from what the device holds.
  std::vector<api::PurgeOrder> purges;
  absl::flat_hash_set<Key> kept;
  for (api::PurgeOrder& order : view.ended) {
    kept.insert(Key(order.kind(), order.id()));
    purges.push_back(std::move(order));
  }
  for (std::vector<Key>* keys : {&view.unchanged, &view.past_cap}) {
    for (Key& key : *keys) kept.insert(std::move(key));
  }
  std::vector<api::SyncItem> changed;
  for (api::SyncItem& item : view.items) {
    Key key(item.kind(), item.id());
    if (!Holds(held, key, item.version())) {
      changed.push_back(std::move(item));
    }
    kept.insert(std::move(key));
  }
  for (const api::HeldItem& h : request.cursor().held()) {
    if (!kept.insert(Key(h.kind(), h.id())).second) continue;
    api::PurgeOrder& order = purges.emplace_back();
    order.set_kind(h.kind());
    order.set_id(h.id());
    order.set_reason(api::PurgeOrder::NO_LONGER_SHARED);
  }

  std::vector<std::string> sent;
  batches = Batches(
      std::move(purges), std::move(changed), view.past_cap.size(),
      request.batch_size() == 0 ? kDefaultBatch : request.batch_size(), &sent);
  api::SyncBatch& last = batches.back();
  last.set_last(true);
  ASSIGN_OR_RETURN(*last.mutable_checkpoint(),
                   CheckpointProof(*log_, request.cursor().known_tree_size()));

  call.SetOperation(prevent::audit::v1::SYNC);
  call.SetFields(std::move(sent));
  call.AddRecipient(peer.partner->id(), peer.principal->id());
  if (!write.empty()) call.SetWrite(std::move(write));
  return absl::OkStatus();
}

// Pull's stream: the answer is worked out on a worker, then written batch by
// batch; it deletes itself when gRPC is done with it.
class SyncService::PullReactor final
    : public grpc::ServerWriteReactor<api::SyncBatch> {
 public:
  PullReactor(SyncService* service, grpc::CallbackServerContext* context,
              const api::PullRequest* request)
      : service_(service), context_(context), request_(request) {
    if (!service_->runner_->Post([this] { Prepare(); })) {
      Finish(CallRunner::Busy());
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                          "the device stopped reading; sync again to resume"));
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  // On a worker: decides and audits the answer, then starts writing it.
  void Prepare() {
    const grpc::Status status =
        service_->runner_->RunAndWait(kPull, context_, [this](Call& call) {
          return service_->Answer(call, *request_, batches_);
        });
    if (!status.ok()) {
      Finish(status);
      return;
    }
    WriteNext();
  }

  void WriteNext() {
    if (next_ == batches_.size()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&batches_[next_++]);
  }

  SyncService* const service_;
  grpc::CallbackServerContext* const context_;
  const api::PullRequest* const request_;
  std::vector<api::SyncBatch> batches_;
  size_t next_ = 0;  // the next batch to write
};

grpc::ServerWriteReactor<api::SyncBatch>* SyncService::Pull(
    grpc::CallbackServerContext* context, const api::PullRequest* request) {
  return new PullReactor(this, context, request);
}

}  // namespace hub::service
