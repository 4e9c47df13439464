// BriefingService, the owner's side: Publish, Supersede, Withdraw and
// DeliveryStatus (AQ5).
#include "hub/service/briefing_service.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/audit/event_id.h"
#include "hub/briefings/briefing_validator.h"
#include "hub/briefings/recipients.h"
#include "hub/service/referral_records.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;

constexpr char kPublish[] = "/prevent.hub.v1.BriefingService/Publish";
constexpr char kSupersede[] = "/prevent.hub.v1.BriefingService/Supersede";
constexpr char kWithdraw[] = "/prevent.hub.v1.BriefingService/Withdraw";
constexpr char kDeliveryStatus[] =
    "/prevent.hub.v1.BriefingService/DeliveryStatus";

constexpr int kMaxReasonChars = 500;

absl::Status CheckPublishContext(const api::RequestContext& ctx) {
  RETURN_IF_ERROR(ValidateRequestContext(ctx));
  if (ctx.request_id().empty()) {
    return absl::InvalidArgumentError(
        "context.request_id: publishing needs a request id, so a retry "
        "cannot publish the briefing twice (hubctl sets one)");
  }
  return absl::OkStatus();
}

// A new briefing of `draft`, published by the caller now, with SPEC §2.5's
// default expiry for any variant given none.
rec::Briefing NewBriefing(const Call& call, const rec::BriefingDraft& draft) {
  rec::Briefing briefing;
  briefing.set_briefing_id(audit::NewEventId(call.now()));
  *briefing.mutable_draft() = draft;
  briefings::SetDefaultExpiries(briefing.mutable_draft(), call.now());
  briefing.set_owner_partner_id(call.peer().partner->id());
  briefing.set_published_by(call.peer().principal->id());
  SetTime(call.now(), briefing.mutable_published_at());
  briefing.set_state(rec::Briefing::PUBLISHED);
  return briefing;
}

// Decides whether the caller may publish briefings at all: SEND of an
// OFFICIAL rendition for the first variant's audience. Asked before the
// draft is examined, so only a publisher learns what is wrong with one
// (P05 and P06 refusals name the field); AuthorizeVariants then decides
// each variant as marked.
absl::Status AuthorizePublisher(Call& call, const api::RequestContext& ctx,
                                const rec::Briefing& briefing) {
  const pb::Audience audience = briefing.draft().variants().empty()
                                    ? pb::LA_CORE
                                    : briefing.draft().variants(0).audience();
  policy::Resource resource = briefings::BriefingResource(
      briefing, audience, briefings::AreaFor(briefing, *call.peer().principal));
  resource.tier = pb::SecurityMarking::OFFICIAL;
  resource.sensitive = false;
  return call.Authorize(pb::SEND, resource, ctx, Visibility::kKnownToCaller);
}

// Decides SEND of each of `briefing`'s variants: the call is allowed only if
// every one is, and refused naming the first that is not.
absl::Status AuthorizeVariants(Call& call, const api::RequestContext& ctx,
                               const rec::Briefing& briefing) {
  const rec::BriefingDraft& draft = briefing.draft();
  if (draft.variants().empty()) {
    return absl::InvalidArgumentError(
        "draft.variants: approve a variant for each audience given a body");
  }
  const AuthenticatedPeer& peer = call.peer();
  const absl::string_view area = briefings::AreaFor(briefing, *peer.principal);
  for (int i = 0; i < draft.variants_size(); ++i) {
    const pb::Audience audience = draft.variants(i).audience();
    const policy::Resource resource =
        briefings::BriefingResource(briefing, audience, area);
    const bool allowed = DecideFor(peer, pb::SEND, resource, ctx.purpose(),
                                   !ctx.justification().empty(), call.now())
                             .allowed;
    if (allowed && i + 1 < draft.variants_size()) continue;
    // The call's decision: the first refused variant, else the last.
    if (!call.Authorize(pb::SEND, resource, ctx, Visibility::kKnownToCaller)
             .ok()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "draft.variants[", i,
          "].audience: no rule of the partnership's agreements lets you send "
          "the ",
          pb::Audience_Name(audience), " rendition for purpose ",
          pb::Purpose_Name(ctx.purpose()),
          " (briefings are published by the CTLP owner for CTLP_BRIEFING); "
          "`hubctl policy explain` shows why"));
    }
  }
  return absl::OkStatus();
}

// Queues a copy of `briefing` for each of its recipients and answers
// `response`; `superseded` (held under its lock) is marked SUPERSEDED in
// the same write.
void Queue(Call& call, const api::RequestContext& ctx,
           const rec::Briefing& briefing, const StoredBriefing* superseded,
           absl::string_view method, api::PublishBriefingResponse* response) {
  store::RecordWrite write;
  write.briefings.push_back(BriefingRowOf(briefing, 1));
  std::map<pb::Audience, int> counts;
  const int64_t published_ms = absl::ToUnixMillis(call.now());
  for (const briefings::Recipient& r :
       briefings::RecipientsOf(*call.peer().policy, briefing, call.now())) {
    store::BriefingDeliveryRow& row = write.briefing_deliveries.emplace_back();
    row.briefing_id = briefing.briefing_id();
    row.principal_id = r.principal->id();
    row.partner_id = r.partner->id();
    row.audience = r.audience;
    row.watermark_id = briefings::NewWatermarkId();
    row.published_ms = published_ms;
    ++counts[r.audience];
    call.AddRecipient(r.partner->id(), r.principal->id());
  }
  response->set_briefing_id(briefing.briefing_id());
  for (const rec::BriefingDraft::Variant& v : briefing.draft().variants()) {
    api::PublishBriefingResponse::Audience& a = *response->add_audiences();
    a.set_audience(v.audience());
    a.set_recipients(counts[v.audience()]);
  }
  if (superseded != nullptr) {
    rec::Briefing old = superseded->briefing;
    old.set_state(rec::Briefing::SUPERSEDED);
    old.set_superseded_by(briefing.briefing_id());
    SetTime(call.now(), old.mutable_ended_at());
    write.briefings.push_back(BriefingRowOf(old, superseded->row.version + 1));
    response->set_superseded(old.briefing_id());
  }
  write.reply = ReplyFor(call, method, ctx.request_id(), *response);
  call.SetWrite(std::move(write));
}

}  // namespace

absl::StatusOr<StoredBriefing> BriefingService::OwnBriefing(
    Call& call, const api::RequestContext& ctx, absl::string_view id) {
  call.Hold(locks_->Lock(absl::StrCat("briefing/", id)));
  ASSIGN_OR_RETURN(std::optional<StoredBriefing> found,
                   LoadBriefing(*store_, id));
  policy::Resource resource;
  resource.record = pb::BRIEFING;
  resource.id = id;
  if (found.has_value() && !found->briefing.draft().variants().empty()) {
    resource = briefings::BriefingResource(
        found->briefing, found->briefing.draft().variants(0).audience(),
        briefings::AreaFor(found->briefing, *call.peer().principal));
  }
  RETURN_IF_ERROR(call.Authorize(pb::SEND, resource, ctx, Visibility::kHidden));
  if (!found.has_value() ||
      found->row.owner_partner_id != call.peer().partner->id()) {
    // Another force's briefing: the same answer as a missing one.
    call.Refuse(pb::OUT_OF_SCOPE);
    return NotFound(pb::BRIEFING, id);
  }
  return std::move(*found);
}

grpc::ServerUnaryReactor* BriefingService::Publish(
    grpc::CallbackServerContext* context,
    const api::PublishBriefingRequest* request,
    api::PublishBriefingResponse* response) {
  return runner_->RunOnWorker(
      kPublish, context, [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(CheckPublishContext(ctx));
        const rec::Briefing briefing = NewBriefing(call, request->draft());
        RETURN_IF_ERROR(AuthorizePublisher(call, ctx, briefing));
        RETURN_IF_ERROR(briefings::ValidateBriefing(
            briefing.draft(), call.peer().policy->file().briefing_audiences(),
            call.now()));
        RETURN_IF_ERROR(AuthorizeVariants(call, ctx, briefing));
        HoldRequest(*locks_, call, ctx.request_id());
        ASSIGN_OR_RETURN(
            const bool replayed,
            Replayed(*store_, call, kPublish, ctx.request_id(), response));
        if (replayed) return absl::OkStatus();
        Queue(call, ctx, briefing, nullptr, kPublish, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* BriefingService::Supersede(
    grpc::CallbackServerContext* context,
    const api::SupersedeBriefingRequest* request,
    api::PublishBriefingResponse* response) {
  return runner_->RunOnWorker(
      kSupersede, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(CheckPublishContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        ASSIGN_OR_RETURN(StoredBriefing old,
                         OwnBriefing(call, ctx, request->briefing_id()));
        rec::Briefing briefing = NewBriefing(call, request->draft());
        RETURN_IF_ERROR(briefings::ValidateBriefing(
            briefing.draft(), call.peer().policy->file().briefing_audiences(),
            call.now()));
        ASSIGN_OR_RETURN(
            const bool replayed,
            Replayed(*store_, call, kSupersede, ctx.request_id(), response));
        if (replayed) return absl::OkStatus();
        if (old.briefing.state() != rec::Briefing::PUBLISHED) {
          return absl::FailedPreconditionError(
              absl::StrCat("briefing_id: it is ",
                           rec::Briefing::State_Name(old.briefing.state()),
                           "; only a published briefing can be superseded"));
        }
        briefing.set_supersedes(old.row.id);
        RETURN_IF_ERROR(AuthorizeVariants(call, ctx, briefing));
        Queue(call, ctx, briefing, &old, kSupersede, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* BriefingService::Withdraw(
    grpc::CallbackServerContext* context,
    const api::WithdrawBriefingRequest* request,
    api::WithdrawBriefingResponse* response) {
  return runner_->RunOnWorker(
      kWithdraw, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        RETURN_IF_ERROR(
            CheckText("reason", request->reason(), kMaxReasonChars));
        ASSIGN_OR_RETURN(StoredBriefing found,
                         OwnBriefing(call, ctx, request->briefing_id()));
        if (found.briefing.state() != rec::Briefing::PUBLISHED) {
          return absl::FailedPreconditionError(
              absl::StrCat("briefing_id: it is already ",
                           rec::Briefing::State_Name(found.briefing.state()),
                           " and no longer served"));
        }
        rec::Briefing& briefing = found.briefing;
        briefing.set_state(rec::Briefing::WITHDRAWN);
        briefing.set_withdrawal_reason(request->reason());
        SetTime(call.now(), briefing.mutable_ended_at());
        ASSIGN_OR_RETURN(std::vector<store::BriefingDeliveryRow> copies,
                         store_->BriefingDeliveries(found.row.id));
        int purges = 0;
        for (const store::BriefingDeliveryRow& row : copies) {
          const rec::BriefingDelivery::State state =
              DeliveryOf(row, briefing, call.now()).state();
          purges += state == rec::BriefingDelivery::PURGE_REQUESTED;
        }
        response->set_briefing_id(found.row.id);
        response->set_purges_requested(purges);
        store::RecordWrite write;
        write.briefings.push_back(
            BriefingRowOf(briefing, found.row.version + 1));
        call.SetWrite(std::move(write));
        call.SetOperation(prevent::audit::v1::ALTER);
        call.SetFields({"state"});
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* BriefingService::DeliveryStatus(
    grpc::CallbackServerContext* context,
    const api::BriefingDeliveryStatusRequest* request,
    api::BriefingDeliveryStatusResponse* response) {
  return runner_->Run(
      kDeliveryStatus, context, [&](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        ASSIGN_OR_RETURN(std::optional<StoredBriefing> found,
                         LoadBriefing(*store_, request->briefing_id()));
        // AQ5 is an audit query: the policy grants it per role (rules F62 and
        // F63 in the demo policy) over the briefings of a source partner.
        policy::Resource resource;
        resource.record = pb::AUDIT_LOG;
        resource.audit_query = pb::AQ5_BRIEFING_DELIVERY;
        resource.id = request->briefing_id();
        if (found.has_value()) {
          resource.source_partner_id = found->row.owner_partner_id;
          if (!found->briefing.draft().area_codes().empty()) {
            resource.area = found->briefing.draft().area_codes(0);
          }
        }
        if (!call.Authorize(pb::QUERY, resource, ctx, Visibility::kHidden)
                 .ok() ||
            !found.has_value()) {
          return NotFound(pb::BRIEFING, request->briefing_id());
        }
        ASSIGN_OR_RETURN(std::vector<store::BriefingDeliveryRow> copies,
                         store_->BriefingDeliveries(found->row.id));
        response->set_briefing_id(found->row.id);
        response->set_title(found->briefing.draft().title());
        response->set_state(found->briefing.state());
        for (const store::BriefingDeliveryRow& row : copies) {
          *response->add_deliveries() =
              DeliveryOf(row, found->briefing, call.now());
        }
        call.SetOperation(prevent::audit::v1::CONSULT);
        call.SetFields({"deliveries"});
        return absl::OkStatus();
      });
}

}  // namespace hub::service
