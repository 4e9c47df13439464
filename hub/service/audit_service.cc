#include "hub/service/audit_service.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace ab = ::prevent::audit::v1;
namespace hb = ::prevent::hub::v1;
namespace pb = ::prevent::policy::v1;

constexpr int kDefaultLimit = 1000;
constexpr int kMaxLimit = 10000;
constexpr size_t kMaxKey = 128;

// The checkpoints and proofs: the caller's own view of public hashes.
absl::Status AuthorizeProof(Call& call, const hb::RequestContext& context) {
  RETURN_IF_ERROR(ValidateRequestContext(context));
  policy::Resource proof;
  proof.record = pb::AUDIT_PROOF;
  proof.source_partner_id = call.peer().partner->id();
  proof.owner_principal_id = call.peer().principal->id();
  return call.Authorize(pb::READ, proof, context, Visibility::kKnownToCaller);
}

void AddHashes(const std::vector<audit::Hash>& hashes,
               prevent::records::v1::AuditProof* proof) {
  for (const audit::Hash& h : hashes) proof->add_hashes(audit::HashBytes(h));
}

// Maps the log's OUT_OF_RANGE to a message that says what to do.
absl::Status ProofError(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kOutOfRange) return status;
  return absl::OutOfRangeError(absl::StrCat(
      status.message(),
      "; a checkpoint for more events than the hub holds means the hub's "
      "log was rolled back or forked: report it to your DPO"));
}

bool HoldsRole(const policy::Principal& principal, pb::Role role) {
  for (int r : principal.roles()) {
    if (r == role) return true;
  }
  return false;
}

// Checks the query's selector and bounds; fills `selection` and the policy's
// view of what is asked.
absl::Status ReadQuery(const hb::AuditQueryRequest& request,
                       const audit::Pseudonymizer& pseudonymizer,
                       absl::Time now, store::AuditSelection* selection,
                       policy::Resource* resource) {
  resource->record = pb::AUDIT_LOG;
  switch (request.about_case()) {
    case hb::AuditQueryRequest::kSubject:
      if (request.subject().empty() || request.subject().size() > kMaxKey) {
        return absl::InvalidArgumentError(
            "subject: give the subject id or referral reference (at most 128 "
            "characters)");
      }
      selection->kind = store::AuditSelection::Kind::kSubject;
      selection->subject_pseudonym = pseudonymizer.Pseudonym(request.subject());
      selection->referral_id = request.subject();
      resource->audit_query = pb::AQ1_SUBJECT_RECIPIENTS;
      break;
    case hb::AuditQueryRequest::kPartnerId:
      if (request.partner_id().empty() ||
          request.partner_id().size() > kMaxKey) {
        return absl::InvalidArgumentError(
            "partner_id: give a partner id, e.g. P-NHS1 (at most 128 "
            "characters)");
      }
      selection->kind = store::AuditSelection::Kind::kPartner;
      selection->partner_id = request.partner_id();
      resource->audit_query = pb::AQ2_PARTNER_FLOWS;
      // The events are the partner's: a DPO's OWN_PARTNER scope applies.
      resource->source_partner_id = request.partner_id();
      break;
    case hb::AuditQueryRequest::kDenials:
      if (!request.denials()) {
        return absl::InvalidArgumentError(
            "denials: set it to true to list refused calls");
      }
      selection->kind = store::AuditSelection::Kind::kDenials;
      resource->audit_query = pb::AQ3_DENIALS;
      break;
    default:
      return absl::InvalidArgumentError(
          "about: ask about a subject (AQ1), a partner_id (AQ2) or denials "
          "(AQ3)");
  }
  if (request.since_unix_ms() < 0 || request.until_unix_ms() < 0) {
    return absl::InvalidArgumentError(
        "since_unix_ms, until_unix_ms: times are milliseconds since 1970, "
        "not negative");
  }
  selection->since_ms = request.since_unix_ms();
  selection->until_ms = request.until_unix_ms() == 0 ? absl::ToUnixMillis(now)
                                                     : request.until_unix_ms();
  if (selection->until_ms < selection->since_ms) {
    return absl::InvalidArgumentError(
        "until_unix_ms: the period ends before it starts");
  }
  if (request.limit() < 0 || request.limit() > kMaxLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "limit: at most ", kMaxLimit, " events per query; narrow the period"));
  }
  selection->limit = request.limit() == 0 ? kDefaultLimit : request.limit();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<prevent::records::v1::AuditProof> CheckpointProof(
    audit::AuditLog& log, uint64_t known_tree_size) {
  ASSIGN_OR_RETURN(audit::SignedCheckpoint checkpoint, log.Checkpoint());
  ASSIGN_OR_RETURN(audit::Checkpoint parsed,
                   audit::ParseCheckpointBody(checkpoint.body));
  prevent::records::v1::AuditProof proof;
  proof.set_checkpoint(checkpoint.body);
  proof.set_signature(checkpoint.signature);
  if (known_tree_size > 0) {
    absl::StatusOr<std::vector<audit::Hash>> hashes =
        log.ConsistencyProof(known_tree_size, parsed.tree_size);
    if (!hashes.ok()) return ProofError(hashes.status());
    AddHashes(*hashes, &proof);
  }
  return proof;
}

grpc::ServerUnaryReactor* AuditService::GetCheckpoint(
    grpc::CallbackServerContext* context,
    const hb::GetCheckpointRequest* request, hb::AuditProofResponse* response) {
  return runner_->RunOnWorker(
      "/prevent.hub.v1.AuditService/GetCheckpoint", context,
      [this, request, response](Call& call) -> absl::Status {
        RETURN_IF_ERROR(AuthorizeProof(call, request->context()));
        ASSIGN_OR_RETURN(prevent::records::v1::AuditProof proof,
                         CheckpointProof(*log_, request->known_tree_size()));
        call.fields().Apply(&proof);
        *response->mutable_proof() = std::move(proof);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuditService::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const hb::GetInclusionProofRequest* request,
    hb::AuditProofResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.AuditService/GetInclusionProof", context,
      [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(AuthorizeProof(call, request->context()));
        absl::StatusOr<std::vector<audit::Hash>> hashes =
            log_->InclusionProof(request->index(), request->tree_size());
        if (!hashes.ok()) return ProofError(hashes.status());
        AddHashes(*hashes, response->mutable_proof());
        call.fields().Apply(response->mutable_proof());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuditService::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const hb::GetConsistencyProofRequest* request,
    hb::AuditProofResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.AuditService/GetConsistencyProof", context,
      [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(AuthorizeProof(call, request->context()));
        absl::StatusOr<std::vector<audit::Hash>> hashes =
            log_->ConsistencyProof(request->first_size(),
                                   request->second_size());
        if (!hashes.ok()) return ProofError(hashes.status());
        AddHashes(*hashes, response->mutable_proof());
        call.fields().Apply(response->mutable_proof());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuditService::Query(
    grpc::CallbackServerContext* context, const hb::AuditQueryRequest* request,
    hb::AuditQueryResponse* response) {
  return runner_->Run(
      "/prevent.hub.v1.AuditService/Query", context,
      [&](Call& call) -> absl::Status {
        RETURN_IF_ERROR(ValidateRequestContext(request->context()));
        store::AuditSelection selection;
        policy::Resource resource;
        RETURN_IF_ERROR(ReadQuery(*request, *pseudonymizer_, call.now(),
                                  &selection, &resource));
        // A partnership-wide query (AQ1, AQ3) reads the log the hub keeps
        // for the partnership, the caller's partner among them.
        if (resource.source_partner_id.empty()) {
          resource.source_partner_id = call.peer().partner->id();
        }
        RETURN_IF_ERROR(call.Authorize(pb::QUERY, resource, request->context(),
                                       Visibility::kKnownToCaller));
        call.SetOperation(ab::CONSULT);
        if (request->about_case() == hb::AuditQueryRequest::kSubject) {
          // The query's own event names the subject only by pseudonym.
          call.SetSubject(request->subject());
        }

        // One more than asked, to tell the caller the answer was cut short.
        const int limit = selection.limit;
        selection.limit = limit + 1;
        ASSIGN_OR_RETURN(std::vector<store::AuditRow> rows,
                         log_->Select(selection));
        if (static_cast<int>(rows.size()) > limit) {
          rows.resize(limit);
          response->set_truncated(true);
        }
        const bool police_auditor =
            HoldsRole(*call.peer().principal, pb::POLICE_AUDITOR);
        std::map<std::tuple<std::string, int>, int64_t> police;
        for (const store::AuditRow& row : rows) {
          if (row.police_domain && !police_auditor) {
            ++police[{row.actor_partner_id, row.operation}];
            continue;
          }
          if (row.erased()) continue;  // nothing left to show
          hb::AuditRecord& record = *response->add_records();
          record.set_index(row.index);
          record.set_salt(row.salt);
          record.set_event(row.event);
        }
        for (const auto& [key, count] : police) {
          hb::PoliceSummary& summary = *response->add_police_summaries();
          summary.set_partner_id(std::get<0>(key));
          summary.set_operation(static_cast<ab::Operation>(std::get<1>(key)));
          summary.set_count(count);
        }
        return absl::OkStatus();
      });
}

}  // namespace hub::service
