// BriefingService, the recipient's side: List, Acknowledge, Read and
// AttestPurge. Each works on the caller's own copy only; a briefing they
// were not sent is NOT_FOUND, as a missing one.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/sha256.h"
#include "common/status_macros.h"
#include "hub/briefings/delivery.h"
#include "hub/briefings/recipients.h"
#include "hub/briefings/renderer.h"
#include "hub/service/briefing_service.h"
#include "hub/service/referral_records.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using briefings::TimeOf;
using Delivery = rec::BriefingDelivery;

constexpr char kList[] = "/prevent.hub.v1.BriefingService/List";
constexpr char kAcknowledge[] = "/prevent.hub.v1.BriefingService/Acknowledge";
constexpr char kRead[] = "/prevent.hub.v1.BriefingService/Read";
constexpr char kAttestPurge[] = "/prevent.hub.v1.BriefingService/AttestPurge";

constexpr int kMaxListed = 200;

// OK while `briefing`'s rendition for `audience` is served; otherwise
// FAILED_PRECONDITION saying why, and that any copy must be purged.
absl::Status CheckServed(const rec::Briefing& briefing, pb::Audience audience,
                         absl::Time now) {
  const std::string& id = briefing.briefing_id();
  const std::string purge = absl::StrCat(
      "; it is no longer served. Delete any copy you hold and attest it: "
      "hubctl briefing purge ",
      id);
  switch (briefing.state()) {
    case rec::Briefing::WITHDRAWN:
      return absl::FailedPreconditionError(
          absl::StrCat("briefing ", id, " was withdrawn by its owner on ",
                       common::FormatUtc(TimeOf(briefing.ended_at())), purge));
    case rec::Briefing::SUPERSEDED:
      return absl::FailedPreconditionError(absl::StrCat(
          "briefing ", id, " was superseded by ", briefing.superseded_by(),
          " on ", common::FormatUtc(TimeOf(briefing.ended_at())), purge));
    default:
      break;
  }
  const absl::Time expiry =
      briefings::VariantExpiry(briefing.draft(), audience);
  if (now >= expiry) {
    return absl::FailedPreconditionError(absl::StrCat(
        "briefing ", id, " expired on ", common::FormatUtc(expiry), purge));
  }
  return absl::OkStatus();
}

// The definition of the audience of `copy`, whose handling conditions the
// recipient accepts.
absl::StatusOr<const pb::BriefingAudience*> DefinitionFor(
    const policy::Policy& policy, pb::Audience audience) {
  const pb::BriefingAudience* definition = AudienceDefinition(policy, audience);
  if (definition == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the policy no longer defines the ", pb::Audience_Name(audience),
        " audience; ask your Prevent coordinator"));
  }
  return definition;
}

bool IsLowerHexSha256(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

// A briefing `call`'s caller could list in `area` if one were published:
// the first audience, from the fullest, that a rule lets a CT police
// partner send them; LA_CORE if none.
policy::Resource ListProbe(const Call& call, const api::RequestContext& ctx,
                           absl::string_view area) {
  const AuthenticatedPeer& peer = call.peer();
  policy::Resource probe;
  probe.record = pb::BRIEFING;
  probe.area = area;
  probe.audience = pb::LA_CORE;
  for (const policy::Partner& police : peer.policy->file().partners()) {
    if (police.type() != pb::Partner::CT_POLICE) continue;
    if (probe.source_partner_id.empty()) probe.source_partner_id = police.id();
    for (int a = pb::LA_CORE; a <= pb::PUBLIC; ++a) {
      policy::Resource candidate = probe;
      candidate.source_partner_id = police.id();
      candidate.audience = static_cast<pb::Audience>(a);
      if (DecideFor(peer, pb::LIST, candidate, ctx.purpose(),
                    !ctx.justification().empty(), call.now())
              .allowed) {
        return candidate;
      }
    }
  }
  return probe;
}

}  // namespace

absl::StatusOr<BriefingService::Copy> BriefingService::OpenCopy(
    Call& call, const api::RequestContext& ctx, absl::string_view briefing_id) {
  const policy::Principal& principal = *call.peer().principal;
  call.Hold(locks_->Lock(
      absl::StrCat("briefing/", briefing_id, "/", principal.id())));
  ASSIGN_OR_RETURN(std::optional<store::BriefingDeliveryRow> row,
                   store_->FindBriefingDelivery(briefing_id, principal.id()));
  std::optional<StoredBriefing> found;
  if (row.has_value()) {
    ASSIGN_OR_RETURN(found, LoadBriefing(*store_, briefing_id));
  }
  policy::Resource resource;
  resource.record = pb::BRIEFING;
  resource.id = briefing_id;
  if (found.has_value()) {
    resource = briefings::BriefingResource(
        found->briefing, static_cast<pb::Audience>(row->audience),
        briefings::AreaFor(found->briefing, principal));
  }
  // A copy the policy no longer lets its recipient read (their role or the
  // agreement changed) is hidden like one never sent.
  if (!call.Authorize(pb::READ, resource, ctx, Visibility::kHidden).ok() ||
      !found.has_value()) {
    return NotFound(pb::BRIEFING, briefing_id);
  }
  return Copy{std::move(*found), std::move(*row)};
}

grpc::ServerUnaryReactor* BriefingService::List(
    grpc::CallbackServerContext* context,
    const api::ListBriefingsRequest* request,
    api::ListBriefingsResponse* response) {
  return runner_->Run(kList, context, [&](Call& call) -> absl::Status {
    const api::RequestContext& ctx = request->context();
    RETURN_IF_ERROR(ValidateRequestContext(ctx));
    const AuthenticatedPeer& peer = call.peer();
    ASSIGN_OR_RETURN(
        std::vector<store::BriefingDeliveryRow> rows,
        store_->BriefingDeliveriesFor(peer.principal->id(), kMaxListed));
    store::RecordWrite write;
    std::optional<StoredBriefing> first_shown;
    pb::Audience first_audience = pb::AUDIENCE_UNSPECIFIED;
    for (store::BriefingDeliveryRow& row : rows) {
      if (response->briefings_size() == kMaxListed) break;
      ASSIGN_OR_RETURN(std::optional<StoredBriefing> found,
                       LoadBriefing(*store_, row.briefing_id));
      if (!found.has_value()) continue;
      const rec::Briefing& briefing = found->briefing;
      const auto audience = static_cast<pb::Audience>(row.audience);
      const pb::BriefingAudience* definition =
          AudienceDefinition(*peer.policy, audience);
      if (definition == nullptr) continue;
      const absl::Time purge_due = briefings::PurgeDueAt(briefing, audience);
      Delivery::State state =
          briefings::CopyState(EventsOf(row), purge_due, call.now());
      // Nothing left to do with it: purged, or ended before it arrived.
      if (state == Delivery::PURGE_ATTESTED || state == Delivery::REVOKED) {
        continue;
      }
      const policy::Resource resource = briefings::BriefingResource(
          briefing, audience, briefings::AreaFor(briefing, *peer.principal));
      const policy::Decision decision =
          DecideFor(peer, pb::LIST, resource, ctx.purpose(),
                    !ctx.justification().empty(), call.now());
      if (!decision.allowed) continue;
      const pb::FlowRule* flow = decision.rule->flow;
      if (state == Delivery::QUEUED) {
        // Not under the copy's lock: only sets the time if still unset, so
        // a concurrent Acknowledge or Read is never undone.
        row.delivered_ms = absl::ToUnixMillis(call.now());
        write.briefings_delivered.push_back(row);
        state = Delivery::DELIVERED;
      }
      *response->add_briefings() =
          ListingOf(briefing, row, *definition, flow, state);
      if (!first_shown.has_value()) {
        first_shown = std::move(found);
        first_audience = audience;
      }
    }
    // The call's own decision: for the first briefing listed, or else for
    // the first audience a CT police force could send the caller in their
    // first area, so a caller no briefing rule names is refused.
    const absl::string_view area = peer.principal->areas().empty()
                                       ? absl::string_view()
                                       : peer.principal->areas(0);
    const policy::Resource probe = ListProbe(call, ctx, area);
    RETURN_IF_ERROR(call.Authorize(
        pb::LIST,
        first_shown.has_value()
            ? briefings::BriefingResource(
                  first_shown->briefing, first_audience,
                  briefings::AreaFor(first_shown->briefing, *peer.principal))
            : probe,
        ctx, Visibility::kKnownToCaller));
    if (!write.empty()) call.SetWrite(std::move(write));
    call.SetOperation(prevent::audit::v1::CONSULT);
    call.SetFields({"briefing_id", "title", "marking_banner",
                    "handling_conditions", "expires_at", "state"});
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* BriefingService::Acknowledge(
    grpc::CallbackServerContext* context,
    const api::AcknowledgeBriefingRequest* request,
    api::AcknowledgeBriefingResponse* response) {
  return runner_->RunOnWorker(
      kAcknowledge, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        if (!IsLowerHexSha256(request->conditions_sha256())) {
          return absl::InvalidArgumentError(
              "conditions_sha256: give the lower-case hex SHA-256 of the "
              "handling conditions you were shown and accept (`hubctl briefing "
              "ack` computes it)");
        }
        ASSIGN_OR_RETURN(Copy copy,
                         OpenCopy(call, ctx, request->briefing_id()));
        const auto audience = static_cast<pb::Audience>(copy.row.audience);
        RETURN_IF_ERROR(
            CheckServed(copy.stored.briefing, audience, call.now()));
        ASSIGN_OR_RETURN(const pb::BriefingAudience* definition,
                         DefinitionFor(*call.peer().policy, audience));
        const std::string expected =
            common::Sha256Hex(definition->handling_conditions());
        if (request->conditions_sha256() != expected) {
          return absl::InvalidArgumentError(
              "conditions_sha256: not the handling conditions of this briefing "
              "(they may have changed since you listed it); run `hubctl "
              "briefing "
              "list` and accept the conditions shown");
        }
        call.SetOperation(prevent::audit::v1::ACK);
        call.SetFields({"handling_conditions"});
        response->set_briefing_id(copy.row.briefing_id);
        if (copy.row.acknowledged_ms != 0 &&
            copy.row.conditions_sha256 == expected) {
          SetTime(absl::FromUnixMillis(copy.row.acknowledged_ms),
                  response->mutable_acknowledged_at());
          return absl::OkStatus();  // accepted already; nothing changes
        }
        const int64_t now_ms = absl::ToUnixMillis(call.now());
        copy.row.acknowledged_ms = now_ms;
        copy.row.conditions_sha256 = expected;
        if (copy.row.delivered_ms == 0) copy.row.delivered_ms = now_ms;
        SetTime(call.now(), response->mutable_acknowledged_at());
        store::RecordWrite write;
        write.briefing_deliveries.push_back(std::move(copy.row));
        call.SetWrite(std::move(write));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* BriefingService::Read(
    grpc::CallbackServerContext* context,
    const api::ReadBriefingRequest* request,
    api::ReadBriefingResponse* response) {
  return runner_->RunOnWorker(
      kRead, context, [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        ASSIGN_OR_RETURN(Copy copy,
                         OpenCopy(call, ctx, request->briefing_id()));
        const rec::Briefing& briefing = copy.stored.briefing;
        const auto audience = static_cast<pb::Audience>(copy.row.audience);
        RETURN_IF_ERROR(CheckServed(briefing, audience, call.now()));
        ASSIGN_OR_RETURN(const pb::BriefingAudience* definition,
                         DefinitionFor(*call.peer().policy, audience));
        if (!ConditionsAccepted(copy.row, *definition)) {
          call.Refuse(pb::CONDITIONS_NOT_ACCEPTED);
          return absl::FailedPreconditionError(absl::StrCat(
              "briefing ", copy.row.briefing_id,
              ": accept its handling conditions first (hubctl briefing ack ",
              copy.row.briefing_id, "); nothing is released until you do"));
        }
        rec::BriefingRendition rendition = RenditionOf(
            briefing, copy.row, *definition, call.decision()->rule->flow);
        call.fields().Apply(&rendition);
        *response->mutable_rendition() = std::move(rendition);

        if (copy.row.opened_ms == 0) {
          copy.row.opened_ms = absl::ToUnixMillis(call.now());
          store::RecordWrite write;
          write.briefing_deliveries.push_back(std::move(copy.row));
          call.SetWrite(std::move(write));
        }
        call.AddRecipient(call.peer().partner->id(),
                          call.peer().principal->id());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* BriefingService::AttestPurge(
    grpc::CallbackServerContext* context,
    const api::AttestPurgeRequest* request,
    api::AttestPurgeResponse* response) {
  return runner_->RunOnWorker(
      kAttestPurge, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckBriefingId(request->briefing_id()));
        ASSIGN_OR_RETURN(Copy copy,
                         OpenCopy(call, ctx, request->briefing_id()));
        call.SetOperation(prevent::audit::v1::PURGE_ATTESTED);
        response->set_briefing_id(copy.row.briefing_id);
        if (copy.row.purge_attested_ms == 0) {
          copy.row.purge_attested_ms = absl::ToUnixMillis(call.now());
          store::RecordWrite write;
          write.briefing_deliveries.push_back(copy.row);
          call.SetWrite(std::move(write));
        }
        SetTime(absl::FromUnixMillis(copy.row.purge_attested_ms),
                response->mutable_purge_attested_at());
        return absl::OkStatus();
      });
}

}  // namespace hub::service
