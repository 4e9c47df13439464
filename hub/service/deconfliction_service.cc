#include "hub/service/deconfliction_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "hub/audit/event_id.h"
#include "hub/referrals/nhs_number.h"
#include "hub/service/referral_records.h"
#include "hub/service/request_context.h"

namespace hub::service {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;
namespace api = ::prevent::hub::v1;
using Outcome = rec::DeconflictionOutcome;

constexpr char kCheck[] = "/prevent.hub.v1.DeconflictionService/Check";
constexpr char kCheckBatch[] =
    "/prevent.hub.v1.DeconflictionService/CheckBatch";
constexpr char kRecordOutcome[] =
    "/prevent.hub.v1.DeconflictionService/RecordOutcome";
constexpr char kGetStatus[] = "/prevent.hub.v1.DeconflictionService/GetStatus";

constexpr int kMaxNameChars = 100;
constexpr int kMaxListItems = 10;
constexpr int kMaxContactChars = 200;
constexpr int kMaxPostcodeChars = 10;
constexpr size_t kMaxQueryId = 64;
constexpr int kMaxCandidates = 50;
constexpr int kMaxBatch = 1000;
// SPEC §3.9: a case going to panel more than 30 days after the outcome is
// checked again.
constexpr absl::Duration kOutcomeValidFor = absl::Hours(24 * 30);
constexpr absl::Duration kPriorWindow = absl::Hours(24 * 730);

absl::Status CheckList(
    absl::string_view field,
    const google::protobuf::RepeatedPtrField<std::string>& items,
    int max_chars) {
  if (items.size() > kMaxListItems) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": ", items.size(), " given; at most ", kMaxListItems));
  }
  for (const std::string& item : items) {
    RETURN_IF_ERROR(CheckText(field, item, max_chars));
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT naming the field, for anything a check cannot use. The
// same for every caller, so it tells nobody anything about the hub's data.
absl::Status ValidateQuery(const api::DeconflictionQuery& query) {
  const api::RequestContext& ctx = query.context();
  RETURN_IF_ERROR(ValidateRequestContext(ctx));
  if (ctx.purpose() != pb::PREVENT_GATEWAY_DECONFLICTION) {
    return absl::InvalidArgumentError(
        "context.purpose: a deconfliction check is made for "
        "PREVENT_GATEWAY_DECONFLICTION");
  }
  if (ctx.justification().empty()) {
    return absl::InvalidArgumentError(
        "context.justification: say why this person is being checked; it is "
        "kept in the audit log (P14)");
  }
  if (query.referral().empty()) {
    return absl::InvalidArgumentError(
        "referral: a check is made for one referral; give its reference "
        "(e.g. PRV-WXC-2025-000123)");
  }
  RETURN_IF_ERROR(CheckReferralKey(query.referral()));
  RETURN_IF_ERROR(CheckText("surname", query.surname(), kMaxNameChars));
  RETURN_IF_ERROR(CheckText("forenames", query.forenames(), kMaxNameChars,
                            /*optional=*/true));
  RETURN_IF_ERROR(CheckList("aliases", query.aliases(), kMaxNameChars));
  if (!query.dob().empty()) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(query.dob(), &day) ||
        absl::FormatCivilTime(day) != query.dob()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "dob: '", query.dob(), "' is not a date; use YYYY-MM-DD"));
    }
  }
  if (!rec::SubjectIdentity::DobPrecision_IsValid(query.dob_precision())) {
    return absl::InvalidArgumentError(
        "dob_precision: use EXACT, MONTH or YEAR");
  }
  RETURN_IF_ERROR(CheckText("postcode", query.postcode(), kMaxPostcodeChars,
                            /*optional=*/true));
  RETURN_IF_ERROR(CheckList("phones", query.phones(), kMaxContactChars));
  RETURN_IF_ERROR(CheckList("emails", query.emails(), kMaxContactChars));
  RETURN_IF_ERROR(
      CheckList("online_handles", query.online_handles(), kMaxContactChars));
  if (!query.nhs_number().empty() &&
      !referrals::IsValidNhsNumber(query.nhs_number())) {
    return absl::InvalidArgumentError(
        "nhs_number: not a valid NHS number (ten digits, the last a check "
        "digit); leave it out if unsure");
  }
  return absl::OkStatus();
}

deconfliction::Person PersonOf(const api::DeconflictionQuery& query) {
  deconfliction::Person person;
  person.forenames = query.forenames();
  person.surname = query.surname();
  person.aliases.assign(query.aliases().begin(), query.aliases().end());
  person.dob = query.dob();
  person.dob_year_only = query.dob_precision() == rec::SubjectIdentity::YEAR;
  person.postcode = query.postcode();
  person.nhs_number = query.nhs_number();
  person.phones.assign(query.phones().begin(), query.phones().end());
  person.emails.assign(query.emails().begin(), query.emails().end());
  person.handles.assign(query.online_handles().begin(),
                        query.online_handles().end());
  return person;
}

rec::MatchCandidate::Score ScoreOf(deconfliction::Grade grade) {
  switch (grade) {
    case deconfliction::Grade::kMatch:
      return rec::MatchCandidate::MATCH;
    case deconfliction::Grade::kProbable:
      return rec::MatchCandidate::PROBABLE;
    case deconfliction::Grade::kPossible:
      return rec::MatchCandidate::POSSIBLE;
    case deconfliction::Grade::kNoMatch:
      break;
  }
  return rec::MatchCandidate::SCORE_UNSPECIFIED;
}

void AddReasons(uint32_t reasons, rec::MatchCandidate* candidate) {
  static constexpr std::pair<uint32_t, rec::MatchCandidate::Reason> kNames[] = {
      {deconfliction::kNhsNumber, rec::MatchCandidate::NHS_NO},
      {deconfliction::kNameExact, rec::MatchCandidate::NAME_EXACT},
      {deconfliction::kNameVariant, rec::MatchCandidate::NAME_VARIANT},
      {deconfliction::kDobExact, rec::MatchCandidate::DOB_EXACT},
      {deconfliction::kDobTransposed, rec::MatchCandidate::DOB_TRANSPOSED},
      {deconfliction::kPostcode, rec::MatchCandidate::POSTCODE},
      {deconfliction::kPhone, rec::MatchCandidate::PHONE},
      {deconfliction::kEmail, rec::MatchCandidate::EMAIL},
      {deconfliction::kHandle, rec::MatchCandidate::HANDLE}};
  for (const auto& [bit, reason] : kNames) {
    if (reasons & bit) candidate->add_reasons(reason);
  }
}

// The candidates for the police view: one per person (subject) found, with
// the strongest grade any of their referrals reached, every reason that
// matched, their referrals and the partners holding them; strongest first.
absl::StatusOr<std::vector<rec::MatchCandidate>> Candidates(
    store::RecordStore& store, const policy::Policy& policy,
    const StoredReferral& checked,
    const std::vector<deconfliction::MatchIndex::Found>& found) {
  struct Person {
    deconfliction::Grade grade = deconfliction::Grade::kNoMatch;
    uint32_t reasons = 0;
    std::vector<std::string> referral_ids;
  };
  std::map<std::string, Person> people;
  for (const deconfliction::MatchIndex::Found& f : found) {
    if (f.referral_id == checked.row.id) continue;  // the referral checked
    Person& person = people[f.subject_id];
    person.grade = std::max(person.grade, f.comparison.grade);
    person.reasons |= f.comparison.reasons;
    person.referral_ids.push_back(f.referral_id);
  }
  std::vector<std::pair<std::string, Person>> ranked(people.begin(),
                                                     people.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) {
                     return a.second.grade > b.second.grade;
                   });
  if (ranked.size() > kMaxCandidates) ranked.resize(kMaxCandidates);

  std::vector<rec::MatchCandidate> candidates;
  for (const auto& [subject_id, person] : ranked) {
    rec::MatchCandidate& candidate = candidates.emplace_back();
    candidate.set_subject_id(subject_id);
    candidate.set_score(ScoreOf(person.grade));
    AddReasons(person.reasons, &candidate);
    std::set<std::string> holders;
    for (const std::string& id : person.referral_ids) {
      ASSIGN_OR_RETURN(std::optional<StoredReferral> held,
                       LoadReferral(store, id));
      if (!held.has_value()) continue;
      rec::MatchCandidate::HeldRecord& record = *candidate.add_records();
      record.set_referral_ref(held->row.ref);
      record.set_state(static_cast<pb::ReferralState>(held->row.state));
      SetTime(absl::FromUnixMillis(held->row.received_ms),
              record.mutable_received_at());
      record.set_routing_outcome(held->file.gateway().routing_outcome());
      record.set_area_code(held->row.area);
      record.set_source_partner_id(held->row.source_partner_id);
      // T1 routed it to the council and the CT police of its area, T2 to
      // the MASH for a child.
      holders.insert(held->row.source_partner_id);
      for (pb::Partner::Type type :
           {pb::Partner::LOCAL_AUTHORITY, pb::Partner::CT_POLICE}) {
        if (const policy::Partner* p = Serving(policy, held->row.area, type)) {
          holders.insert(p->id());
        }
      }
      if (held->file.referral().mash_notified()) {
        if (const policy::Partner* p =
                Serving(policy, held->row.area, pb::Partner::LA_MASH)) {
          holders.insert(p->id());
        }
      }
    }
    for (const std::string& holder : holders) {
      candidate.add_holding_partner_ids(holder);
    }
  }
  return candidates;
}

// The answer's deconfliction, cut down to what `call`'s decision releases.
Outcome Projected(const Call& call, Outcome outcome) {
  rec::CaseFile view;
  *view.mutable_deconfliction() = std::move(outcome);
  call.fields().Apply(&view);
  return std::move(*view.mutable_deconfliction());
}

absl::Time StartOfUtcDay(absl::Time t) {
  return absl::FromCivil(absl::ToCivilDay(t, absl::UTCTimeZone()),
                         absl::UTCTimeZone());
}

}  // namespace

absl::Status DeconflictionService::CheckOne(
    Call& call, const api::DeconflictionQuery& query,
    api::DeconflictionAnswer* answer) {
  RETURN_IF_ERROR(ValidateQuery(query));
  const api::RequestContext& ctx = query.context();
  ASSIGN_OR_RETURN(std::optional<StoredReferral> found,
                   LoadReferral(*store_, query.referral()));
  RETURN_IF_ERROR(
      AuthorizeReferral(call, pb::QUERY, found, query.referral(), ctx));

  // The probing guard: each principal's checks per UTC day, counted under
  // the principal's lock so two checks at once cannot both take the last.
  const AuthenticatedPeer& peer = call.peer();
  const policy::CompiledRule* rule = call.decision()->rule;
  const pb::FlowRule* flow = rule != nullptr ? rule->flow : nullptr;
  if (flow == nullptr) {
    return absl::InternalError("a check was allowed by no flow rule");
  }
  call.Hold(locks_->Lock(absl::StrCat("deconfliction/", peer.principal->id())));
  const absl::Time day = StartOfUtcDay(call.now());
  ASSIGN_OR_RETURN(const int used,
                   store_->CountDeconflictionQueries(peer.principal->id(),
                                                     absl::ToUnixMillis(day)));
  if (used >= flow->daily_query_limit()) {
    call.Refuse(pb::QUERY_LIMIT_EXCEEDED);
    return absl::ResourceExhaustedError(absl::StrCat(
        "you have run ", used,
        " deconfliction checks today, the limit of rule ", flow->id(),
        "; more are possible from 00:00 UTC. The refusal is in "
        "the coordinator's audit of denials (AQ3)"));
  }
  if (flow->bulk_query_flag() > 0 && used >= flow->bulk_query_flag()) {
    call.Flag(pb::BULK_QUERY_FLAGGED);
  }

  ASSIGN_OR_RETURN(std::vector<deconfliction::MatchIndex::Found> matches,
                   index_->Search(PersonOf(query)));
  ASSIGN_OR_RETURN(std::vector<rec::MatchCandidate> candidates,
                   Candidates(*store_, *peer.policy, *found, matches));

  const std::string query_id = audit::NewEventId(call.now());
  Outcome outcome = found->file.deconfliction();
  outcome.set_query_id(query_id);
  for (rec::MatchCandidate& c : candidates) {
    *outcome.add_candidates() = std::move(c);
  }
  answer->set_referral_ref(found->row.ref);
  *answer->mutable_deconfliction() = Projected(call, std::move(outcome));

  store::RecordWrite write;
  write.deconfliction_queries.push_back({query_id, found->row.id,
                                         peer.principal->id(),
                                         absl::ToUnixMillis(call.now())});
  call.SetWrite(std::move(write));
  call.SetOperation(prevent::audit::v1::COMBINE);
  call.SetFields({"deconfliction.candidates"});
  call.AddRecipient(peer.partner->id(), peer.principal->id());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DeconflictionService::Check(
    grpc::CallbackServerContext* context,
    const api::DeconflictionQuery* request,
    api::DeconflictionAnswer* response) {
  return runner_->RunOnWorker(kCheck, context,
                              [this, request, response](Call& call) {
                                return CheckOne(call, *request, response);
                              });
}

// CheckBatch's stream. It reads a query, checks it on a worker, writes the
// answer and reads the next, so one stream holds at most one worker at a
// time; it deletes itself when gRPC is done with it.
class DeconflictionService::CheckBatchReactor final
    : public grpc::ServerBidiReactor<api::DeconflictionQuery,
                                     api::DeconflictionAnswer> {
 public:
  CheckBatchReactor(DeconflictionService* service,
                    grpc::CallbackServerContext* context)
      : service_(service), context_(context) {
    StartRead(&query_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the caller has sent its last query
      Finish(grpc::Status::OK);
      return;
    }
    if (index_ >= kMaxBatch) {
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("at most ", kMaxBatch,
                                       " checks on one stream; open another")));
      return;
    }
    if (!service_->runner_->Post([this] { CheckQuery(); })) {
      Finish(CallRunner::Busy());
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {  // the caller has gone
      Finish(grpc::Status::OK);
      return;
    }
    ++index_;
    StartRead(&query_);
  }

  void OnDone() override { delete this; }

 private:
  // On a worker: checks query_ as a call of its own, then writes its answer.
  void CheckQuery() {
    answer_.Clear();
    const grpc::Status status = service_->runner_->RunAndWait(
        kCheckBatch, context_, [this](Call& call) {
          return service_->CheckOne(call, query_, &answer_);
        });
    // Nothing more can be served once the caller is not identified or the
    // audit log cannot be written.
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
        status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      Finish(status);
      return;
    }
    if (!status.ok()) {
      answer_.Clear();
      answer_.set_error_code(status.error_code());
      answer_.set_error_message(status.error_message());
    }
    answer_.set_index(index_);
    StartWrite(&answer_);
  }

  DeconflictionService* const service_;
  grpc::CallbackServerContext* const context_;
  api::DeconflictionQuery query_;
  api::DeconflictionAnswer answer_;
  int index_ = 0;  // of query_ on the stream
};

grpc::ServerBidiReactor<api::DeconflictionQuery, api::DeconflictionAnswer>*
DeconflictionService::CheckBatch(grpc::CallbackServerContext* context) {
  return new CheckBatchReactor(this, context);
}

grpc::ServerUnaryReactor* DeconflictionService::RecordOutcome(
    grpc::CallbackServerContext* context,
    const api::RecordOutcomeRequest* request,
    api::RecordOutcomeResponse* response) {
  return runner_->RunOnWorker(
      kRecordOutcome, context,
      [this, request, response](Call& call) -> absl::Status {
        const api::RequestContext& ctx = request->context();
        RETURN_IF_ERROR(ValidateRequestContext(ctx));
        RETURN_IF_ERROR(CheckReferralKey(request->referral()));
        if (request->query_id().empty() ||
            request->query_id().size() > kMaxQueryId) {
          return absl::InvalidArgumentError(
              "query_id: give the query_id of the check this outcome rests on "
              "(from DeconflictionService.Check)");
        }
        if (request->police_result() == Outcome::POLICE_RESULT_UNSPECIFIED ||
            !Outcome::PoliceResult_IsValid(request->police_result())) {
          return absl::InvalidArgumentError(
              "police_result: use CLEAR, LINKED_TO_EXISTING_PREVENT_CASE or "
              "POLICE_INTEREST_HOLD");
        }
        if (request->routing_outcome() == rec::ROUTING_OUTCOME_UNSPECIFIED ||
            !rec::RoutingOutcome_IsValid(request->routing_outcome())) {
          return absl::InvalidArgumentError(
              "routing_outcome: use PROCEED_TO_CHANNEL_INFO_GATHERING, "
              "POLICE_MANAGED, NOT_PREVENT_SIGNPOST or NO_FURTHER_ACTION");
        }
        ASSIGN_OR_RETURN(
            std::optional<StoredReferral> found,
            BeginUpdate(*store_, *locks_, call, request->referral(), ctx,
                        kRecordOutcome, response));
        if (!found.has_value()) return absl::OkStatus();  // a repeat
        RETURN_IF_ERROR(RequirePurpose(call, ctx,
                                       pb::PREVENT_GATEWAY_DECONFLICTION,
                                       "recording the outcome"));
        const AuthenticatedPeer& peer = call.peer();
        if (!HasRole(*peer.principal, pb::CT_GATEWAY_OFFICER)) {
          return call.Deny(pb::ROLE_NOT_IN_RULE,
                           "the deconfliction outcome is recorded by the CT "
                           "gateway (CT_GATEWAY_OFFICER) (T6)");
        }
        const auto state = static_cast<pb::ReferralState>(found->row.state);
        if (state != pb::POLICE_GATEWAY && state != pb::INFO_GATHERING) {
          return absl::FailedPreconditionError(
              absl::StrCat("referral: it is ", pb::ReferralState_Name(state),
                           "; an outcome is recorded at POLICE_GATEWAY, or at "
                           "INFO_GATHERING "
                           "to renew it before panel"));
        }
        ASSIGN_OR_RETURN(std::optional<store::DeconflictionQueryRow> check,
                         store_->FindDeconflictionQuery(request->query_id()));
        if (!check.has_value() || check->referral_id != found->row.id) {
          return absl::InvalidArgumentError(
              "query_id: no check with this id was run on this referral; run "
              "DeconflictionService.Check for it first");
        }

        rec::CaseFile file = found->file;
        Outcome& outcome = *file.mutable_deconfliction();
        outcome.set_query_id(request->query_id());
        outcome.set_police_result(request->police_result());
        outcome.set_routing_outcome(request->routing_outcome());
        outcome.set_decided_by(peer.principal->id());
        SetTime(call.now(), outcome.mutable_decided_at());
        SetTime(call.now() + kOutcomeValidFor, outcome.mutable_expires_at());
        outcome.set_status(Outcome::COMPLETE);

        response->set_referral_ref(found->row.ref);
        *response->mutable_deconfliction() = Projected(call, outcome);
        SetReferralWrite(call, *found, file, state, kRecordOutcome, ctx,
                         *response);
        call.SetFields({"deconfliction"});
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DeconflictionService::GetStatus(
    grpc::CallbackServerContext* context,
    const api::GetDeconflictionStatusRequest* request,
    api::GetDeconflictionStatusResponse* response) {
  return runner_->Run(kGetStatus, context, [&](Call& call) -> absl::Status {
    const api::RequestContext& ctx = request->context();
    RETURN_IF_ERROR(ValidateRequestContext(ctx));
    RETURN_IF_ERROR(CheckReferralKey(request->referral()));
    ASSIGN_OR_RETURN(std::optional<StoredReferral> found,
                     LoadReferral(*store_, request->referral()));
    // The outcome is the CT police's part of the case file (rules F10, F11
    // in the demo policy release its shared fields).
    const policy::Partner* police =
        found.has_value() ? Serving(*call.peer().policy, found->row.area,
                                    pb::Partner::CT_POLICE)
                          : nullptr;
    RETURN_IF_ERROR(AuthorizeReferral(call, pb::READ, found,
                                      request->referral(), ctx,
                                      police != nullptr ? police->id() : ""));
    if (!call.fields().Allows("deconfliction.status")) {
      // A rule for the rest of the case file (e.g. the referrer's own view)
      // releases nothing of deconfliction: the referrer learns nothing.
      call.Refuse(pb::NO_RULE);
      return NotFound(pb::CASE, request->referral());
    }
    ASSIGN_OR_RETURN(std::vector<store::ReferralRow> same,
                     store_->ReferralsBySubjectKey(found->row.subject_key));
    const int64_t since =
        found->row.received_ms - absl::ToInt64Milliseconds(kPriorWindow);
    int prior = 0;
    for (const store::ReferralRow& row : same) {
      prior += row.id != found->row.id && row.area == found->row.area &&
               row.received_ms >= since &&
               row.received_ms <= found->row.received_ms;
    }
    Outcome outcome = found->file.deconfliction();
    outcome.clear_candidates();
    outcome.set_prior_referrals_24m_in_your_area(prior);
    response->set_referral_ref(found->row.ref);
    *response->mutable_deconfliction() = Projected(call, std::move(outcome));
    return absl::OkStatus();
  });
}

}  // namespace hub::service
