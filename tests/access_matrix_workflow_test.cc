// TESTING §3.4, the access matrix's workflow calls: information requests and
// their answers, the panel's decision, consent, the referrer's feedback, the
// gateway's outcome and a briefing's replacement. Every demo principal makes
// each call, for every purpose, with and without a justification, about a
// referral of each source taken to the state the call belongs to (the demo
// briefing for Supersede), and the answer is compared with the hand-written
// oracle (testdata/access_matrix.csv). What the oracle does not list must be
// refused and change nothing. A refusal to a principal who cannot see the
// record by any purpose must read exactly as the same call about a record
// that does not exist, including a request id nested in the body; and each
// refused call must leave exactly one POLICY_DENY event about its record.
// The last line printed is the suite's figures for docs/reliability.md.
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/text_proto.h"
#include "proto/policy.pb.h"
#include "tests/access_matrix.h"
#include "tests/audit_events.h"

namespace hub::testing {
namespace {

// How far a referral has been taken for a call.
enum class Stage {
  kGatewayChecked,    // POLICE_GATEWAY, the gateway has run a check on it
  kInfoGathering,     // INFO_GATHERING: outcome recorded, then T6
  kAsked,             // INFO_GATHERING, the coordinator has asked P-NHS1
  kFeedbackApproved,  // INFO_GATHERING, the gateway approved a feedback code
  kPanelListed,       // PANEL_LISTED (T8)
  kConsentPending,    // CONSENT_PENDING: the panel adopted it
  kBriefing,          // not a referral: the demo CTLP briefing, published
};

pb::ReferralState StateOf(Stage stage) {
  switch (stage) {
    case Stage::kGatewayChecked:
      return pb::POLICE_GATEWAY;
    case Stage::kInfoGathering:
    case Stage::kAsked:
    case Stage::kFeedbackApproved:
      return pb::INFO_GATHERING;
    case Stage::kPanelListed:
      return pb::PANEL_LISTED;
    case Stage::kConsentPending:
      return pb::CONSENT_PENDING;
    case Stage::kBriefing:
      break;
  }
  return pb::REFERRAL_STATE_UNSPECIFIED;
}

// A record a call is about.
// For the briefing (kBriefing), id and ref are the briefing's id.
struct Walked : Seeded {
  Stage stage = Stage::kGatewayChecked;
  bool child = false;
  std::string query_id;    // the gateway's check
  std::string request_id;  // the information request to P-NHS1 (kAsked)
  std::string parent_id;   // a child's parent (kConsentPending)
};

// An id no information request or briefing has.
constexpr char kMissingId[] = "01900000-0000-7000-8000-000000000000";

// What a call came to: its status, and whether it did what was asked (for
// a list: whether the record's request was in it).
struct Answer {
  grpc::Status status;
  bool granted = false;
};

// One call of the matrix. `ask` makes it as `user` with `ctx` about `w`, or
// about nothing when `missing`.
struct WorkflowCall {
  std::string rpc;  // as the oracle names it; the audit log adds the package
  Stage stage;
  std::string detail;  // the oracle's detail column
  std::function<Answer(const std::string& user, const api::RequestContext&,
                       const Walked& w, bool missing)>
      ask;
};

class WorkflowMatrixTest : public AccessMatrixTest {
 protected:
  // A context for the seeding calls, with a request id of its own.
  api::RequestContext SeedContext(pb::Purpose purpose,
                                  const std::string& justification = "") {
    api::RequestContext ctx;
    ctx.set_purpose(purpose);
    ctx.set_justification(justification);
    ctx.set_request_id(absl::StrCat("workflow-seed-", ++requests_));
    return ctx;
  }

  // Takes a new record of `kind` to `stage`; a fatal failure if any step is
  // refused.
  void Walk(const RecordKind& kind, Stage stage, Walked* out) {
    out->stage = stage;
    out->child = kind.child;
    if (stage == Stage::kBriefing) {
      out->kind = "ctlp";
      ASSERT_NO_FATAL_FAILURE(PublishOk(
          Draft(), absl::StrCat("workflow-briefing-", ++requests_), &out->id));
      out->ref = out->id;
      return;
    }
    ASSERT_NO_FATAL_FAILURE(Seed(kind, pb::POLICE_GATEWAY, seeds_++, out));
    out->stage = stage;
    out->child = kind.child;
    {
      api::DeconflictionQuery query;
      *query.mutable_context() = SeedContext(pb::PREVENT_GATEWAY_DECONFLICTION,
                                             "Gateway deconfliction");
      query.set_referral(out->ref);
      query.set_forenames(out->identity.forenames());
      query.set_surname(out->identity.surname());
      query.set_dob(out->identity.dob());
      api::DeconflictionAnswer answer;
      const grpc::Status status =
          CallUnary(Deconfliction("u-dsallenby"),
                    &api::DeconflictionService::Stub::Check, query, &answer);
      ASSERT_TRUE(status.ok()) << "check: " << status.error_message();
      out->query_id = answer.deconfliction().query_id();
    }
    if (stage == Stage::kGatewayChecked) return;
    {
      api::RecordOutcomeResponse response;
      const grpc::Status status = CallUnary(
          Deconfliction("u-dsallenby"),
          &api::DeconflictionService::Stub::RecordOutcome,
          OutcomeRequest(SeedContext(pb::PREVENT_GATEWAY_DECONFLICTION,
                                     "Gateway deconfliction"),
                         *out, false),
          &response);
      ASSERT_TRUE(status.ok()) << "outcome: " << status.error_message();
    }
    api::TransitionReferralRequest t6 =
        Move(out->ref, pb::PREVENT_GATEWAY_DECONFLICTION, pb::INFO_GATHERING);
    t6.mutable_context()->set_justification("Gateway assessment");
    t6.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
    t6.set_paf_summary_code("PAF-DEMO-7");
    grpc::Status status = Transition("u-dsallenby", t6);
    ASSERT_TRUE(status.ok()) << "T6: " << status.error_message();
    out->state = pb::INFO_GATHERING;
    switch (stage) {
      case Stage::kAsked: {
        api::RequestInformationResponse response;
        status = CallUnary(
            As("u-hokoro"), &api::ReferralService::Stub::RequestInformation,
            AskRequest(SeedContext(pb::CHANNEL_ASSESSMENT), *out, false),
            &response);
        ASSERT_TRUE(status.ok()) << "ask: " << status.error_message();
        out->request_id = response.request_id();
        break;
      }
      case Stage::kFeedbackApproved: {
        api::ApproveFeedbackRequest request;
        *request.mutable_context() = SeedContext(pb::REFERRER_FEEDBACK);
        request.set_referral(out->ref);
        request.set_code(rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
        api::ApproveFeedbackResponse response;
        status = CallUnary(As("u-dsallenby"),
                           &api::ReferralService::Stub::ApproveFeedback,
                           request, &response);
        ASSERT_TRUE(status.ok()) << "approve: " << status.error_message();
        break;
      }
      case Stage::kPanelListed:
      case Stage::kConsentPending: {
        status = Transition("u-hokoro", Move(out->ref, pb::CHANNEL_ASSESSMENT,
                                             pb::PANEL_LISTED));
        ASSERT_TRUE(status.ok()) << "T8: " << status.error_message();
        out->state = pb::PANEL_LISTED;
        if (stage == Stage::kPanelListed) break;
        api::RecordPanelDecisionResponse response;
        status = CallUnary(
            As("u-abrooks"), &api::ReferralService::Stub::RecordPanelDecision,
            PanelRequest(SeedContext(pb::CHANNEL_PANEL), *out, false),
            &response);
        ASSERT_TRUE(status.ok()) << "panel: " << status.error_message();
        out->state = pb::CONSENT_PENDING;
        if (!kind.child) break;
        // A child's consent is its parent's (P10), named as in the case.
        api::GetReferralResponse file;
        status = Get("u-hokoro", out->ref, pb::CHANNEL_SUPPORT_DELIVERY, &file);
        ASSERT_TRUE(status.ok()) << "get: " << status.error_message();
        ASSERT_GT(file.case_file().related_persons_size(), 0);
        out->parent_id =
            file.case_file().related_persons(0).related_person_id();
        break;
      }
      default:
        break;
    }
  }

  // The demo CTLP briefing's draft.
  const rec::BriefingDraft& Draft() {
    if (draft_.ByteSizeLong() == 0) {
      EXPECT_THAT(
          common::ParseTextProtoFile(
              HUB_SOURCE_DIR "/deploy/demo/briefings/b-wxc-2025-26.textproto",
              &draft_),
          IsOk());
    }
    return draft_;
  }

  // The matrix's request of each call, about `w` or, if `missing`, about a
  // record that does not exist.
  static api::RecordOutcomeRequest OutcomeRequest(
      const api::RequestContext& ctx, const Walked& w, bool missing) {
    api::RecordOutcomeRequest request;
    *request.mutable_context() = ctx;
    request.set_referral(missing ? kMissing : w.ref);
    request.set_query_id(w.query_id);
    request.set_police_result(rec::DeconflictionOutcome::CLEAR);
    request.set_routing_outcome(rec::PROCEED_TO_CHANNEL_INFO_GATHERING);
    return request;
  }
  api::RequestInformationRequest AskRequest(const api::RequestContext& ctx,
                                            const Walked& w, bool missing) {
    api::RequestInformationRequest request;
    *request.mutable_context() = ctx;
    request.set_referral(missing ? kMissing : w.ref);
    request.set_recipient_partner_id("P-NHS1");
    request.set_legal_gateway("CTSA 2015 s.38; UK GDPR Art 6(1)(e)");
    auto* q1 = request.add_questions();
    q1->set_q_id("Q1");
    q1->set_text("Is the subject known to your services?");
    auto* q2 = request.add_questions();
    q2->set_q_id("Q2");
    q2->set_text("Any current care plan?");
    request.set_due_by_unix_ms(
        absl::ToUnixMillis(clock_.Now() + absl::Hours(168)));
    return request;
  }
  static api::RecordPanelDecisionRequest PanelRequest(
      const api::RequestContext& ctx, const Walked& w, bool missing) {
    api::RecordPanelDecisionRequest request;
    *request.mutable_context() = ctx;
    request.set_referral(missing ? kMissing : w.ref);
    rec::PanelDecision& decision = *request.mutable_decision();
    decision.set_outcome(rec::PanelDecision::ADOPT);
    decision.set_rationale("Vulnerability to radicalisation; support offered.");
    decision.add_attendee_ids("U-HOKORO");
    decision.add_attendee_ids("U-PCLIND");
    // A child's panel needs children's social care to be quorate (T9).
    if (w.child) decision.add_attendee_ids("U-MASH1");
    decision.mutable_consent_request()->set_how("In person");
    decision.mutable_consent_request()->set_when("Within two weeks");
    decision.mutable_consent_request()->set_by_whom("Prevent coordinator");
    return request;
  }

  // The nine calls.
  std::vector<WorkflowCall> Calls() {
    auto unary = [](const grpc::Status& status) {
      return Answer{status, status.ok()};
    };
    std::vector<WorkflowCall> calls;
    calls.push_back(
        {"ReferralService/RequestInformation", Stage::kInfoGathering, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::RequestInformationResponse response;
           return unary(CallUnary(
               As(user), &api::ReferralService::Stub::RequestInformation,
               AskRequest(ctx, w, missing), &response));
         }});
    for (const std::string detail : {"by-referral", "inbox"}) {
      calls.push_back(
          {"ReferralService/ListInformationRequests", Stage::kAsked, detail,
           [this, detail](const std::string& user,
                          const api::RequestContext& ctx, const Walked& w,
                          bool missing) {
             api::ListInformationRequestsRequest request;
             *request.mutable_context() = ctx;
             if (detail == "by-referral") {
               request.set_referral(missing ? kMissing : w.ref);
             }
             api::ListInformationRequestsResponse response;
             Answer answer;
             answer.status = CallUnary(
                 As(user), &api::ReferralService::Stub::ListInformationRequests,
                 request, &response);
             for (const rec::CaseFile& file : response.requests()) {
               answer.granted |=
                   answer.status.ok() &&
                   file.information_request().request_id() == w.request_id;
             }
             return answer;
           }});
    }
    calls.push_back(
        {"ReferralService/RespondInformation", Stage::kAsked, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::RespondInformationRequest request;
           *request.mutable_context() = ctx;
           request.set_request_id(missing ? kMissingId : w.request_id);
           auto* a1 = request.mutable_response()->add_answers();
           a1->set_q_id("Q1");
           a1->set_text("Known to the community team since 2024.");
           auto* a2 = request.mutable_response()->add_answers();
           a2->set_q_id("Q2");
           a2->set_no_trace(true);
           request.mutable_response()->set_consent_decision(
               rec::InformationResponse::SOUGHT_GIVEN);
           api::RespondInformationResponse response;
           return unary(CallUnary(
               As(user), &api::ReferralService::Stub::RespondInformation,
               request, &response));
         }});
    calls.push_back(
        {"ReferralService/RecordPanelDecision", Stage::kPanelListed, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::RecordPanelDecisionResponse response;
           return unary(CallUnary(
               As(user), &api::ReferralService::Stub::RecordPanelDecision,
               PanelRequest(ctx, w, missing), &response));
         }});
    calls.push_back(
        {"ReferralService/RecordConsent", Stage::kConsentPending, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::RecordConsentRequest request;
           *request.mutable_context() = ctx;
           request.set_referral(missing ? kMissing : w.ref);
           rec::ConsentRecord& consent = *request.mutable_consent();
           consent.set_type(rec::ConsentRecord::CHANNEL_SUPPORT);
           consent.set_status(rec::ConsentRecord::GIVEN);
           consent.set_given_by(w.child ? rec::ConsentRecord::PARENT_GUARDIAN
                                        : rec::ConsentRecord::SUBJECT);
           consent.set_related_person_id(w.parent_id);
           consent.set_method(rec::ConsentRecord::WRITTEN);
           api::RecordConsentResponse response;
           return unary(CallUnary(As(user),
                                  &api::ReferralService::Stub::RecordConsent,
                                  request, &response));
         }});
    calls.push_back(
        {"ReferralService/ApproveFeedback", Stage::kInfoGathering, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::ApproveFeedbackRequest request;
           *request.mutable_context() = ctx;
           request.set_referral(missing ? kMissing : w.ref);
           request.set_code(rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
           api::ApproveFeedbackResponse response;
           return unary(CallUnary(As(user),
                                  &api::ReferralService::Stub::ApproveFeedback,
                                  request, &response));
         }});
    calls.push_back(
        {"ReferralService/ReleaseFeedback", Stage::kFeedbackApproved, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::ReleaseFeedbackRequest request;
           *request.mutable_context() = ctx;
           request.set_referral(missing ? kMissing : w.ref);
           request.set_code(rec::ReferrerFeedback::UNABLE_TO_PROVIDE_DETAIL);
           api::ReleaseFeedbackResponse response;
           return unary(CallUnary(As(user),
                                  &api::ReferralService::Stub::ReleaseFeedback,
                                  request, &response));
         }});
    calls.push_back(
        {"DeconflictionService/RecordOutcome", Stage::kGatewayChecked, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::RecordOutcomeResponse response;
           return unary(
               CallUnary(Deconfliction(user),
                         &api::DeconflictionService::Stub::RecordOutcome,
                         OutcomeRequest(ctx, w, missing), &response));
         }});
    calls.push_back(
        {"BriefingService/Supersede", Stage::kBriefing, "",
         [this, unary](const std::string& user, const api::RequestContext& ctx,
                       const Walked& w, bool missing) {
           api::SupersedeBriefingRequest request;
           *request.mutable_context() = ctx;
           request.set_briefing_id(missing ? kMissingId : w.id);
           *request.mutable_draft() = Draft();
           api::PublishBriefingResponse response;
           return unary(CallUnary(Briefings(user),
                                  &api::BriefingService::Stub::Supersede,
                                  request, &response));
         }});
    return calls;
  }

  // Whether `user` can see `w` by any purpose: read the referral, find the
  // information request in its inbox, or list the briefing.
  bool Sees(const std::string& user, const Walked& w) {
    for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
      if (!pb::Purpose_IsValid(p)) continue;
      const auto purpose = static_cast<pb::Purpose>(p);
      api::RequestContext ctx;
      ctx.set_purpose(purpose);
      ctx.set_justification("Access matrix: can they see it?");
      if (w.stage == Stage::kBriefing) {
        api::ListBriefingsRequest request;
        *request.mutable_context() = ctx;
        api::ListBriefingsResponse response;
        static_cast<void>(CallUnary(Briefings(user),
                                    &api::BriefingService::Stub::List, request,
                                    &response));
        for (const rec::BriefingListing& l : response.briefings()) {
          if (l.briefing_id() == w.id) return true;
        }
        continue;
      }
      api::GetReferralResponse got;
      if (Get(user, w.ref, purpose, &got, ctx.justification()).ok()) {
        return true;
      }
      if (!w.request_id.empty()) {
        api::ListInformationRequestsRequest request;
        *request.mutable_context() = ctx;
        api::ListInformationRequestsResponse response;
        static_cast<void>(CallUnary(
            As(user), &api::ReferralService::Stub::ListInformationRequests,
            request, &response));
        for (const rec::CaseFile& file : response.requests()) {
          if (file.information_request().request_id() == w.request_id) {
            return true;
          }
        }
      }
    }
    return false;
  }

  rec::BriefingDraft draft_;
  int seeds_ = 0;
  int requests_ = 0;
};

TEST_F(WorkflowMatrixTest, WorkflowCallsFollowTheOracle) {
  ASSERT_NO_FATAL_FAILURE(StartMatrixHub());
  const std::map<Cell, Allowed> oracle =
      ReadOracle(HUB_SOURCE_DIR "/tests/testdata/access_matrix.csv");
  prevent::policy::v1::PolicyFile policy;
  ASSERT_THAT(common::ParseTextProtoFile(
                  HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", &policy),
              IsOk());

  int cells = 0, passed = 0, allow_cells = 0, deny_cells = 0;
  int distinguishable = 0, changed_by_refusal = 0, invalid = 0;
  // The record each (stage, kind) is asked about; a call that did what it
  // asked uses it up, and the next gets a new one.
  std::map<std::pair<Stage, std::string>, Walked> pool;
  // Who can see what: (principal, stage, kind) -> sees.
  std::map<std::tuple<std::string, Stage, std::string>, bool> sees;
  // Refused calls about each record: (principal, method, purpose, id).
  std::map<std::tuple<std::string, std::string, int, std::string>, int>
      expected_denials;
  // Any id an audit event may name -> the record's id.
  std::map<std::string, std::string> record_of;

  std::vector<RecordKind> kinds = RecordKinds();
  for (const WorkflowCall& call : Calls()) {
    const std::vector<RecordKind> call_kinds =
        call.stage == Stage::kBriefing
            ? std::vector<RecordKind>{{"ctlp", "", false}}
            : kinds;
    for (const RecordKind& kind : call_kinds) {
      const std::string state =
          call.stage == Stage::kBriefing
              ? "-"
              : pb::ReferralState_Name(StateOf(call.stage));
      for (const auto& principal : policy.principals()) {
        const std::string user = absl::AsciiStrToLower(principal.id());
        for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
          if (!pb::Purpose_IsValid(p)) continue;
          const auto purpose = static_cast<pb::Purpose>(p);
          for (const bool justified : {false, true}) {
            auto slot = pool.find({call.stage, kind.name});
            if (slot == pool.end()) {
              Walked fresh;
              ASSERT_NO_FATAL_FAILURE(Walk(kind, call.stage, &fresh));
              for (const std::string& name :
                   {fresh.id, fresh.ref, fresh.request_id}) {
                if (!name.empty()) record_of[name] = fresh.id;
              }
              slot = pool.emplace(std::make_pair(call.stage, kind.name), fresh)
                         .first;
            }
            const Walked w = slot->second;
            api::RequestContext ctx;
            ctx.set_purpose(purpose);
            if (justified)
              ctx.set_justification("Access matrix: stated reason");
            ctx.set_request_id(absl::StrCat("workflow-", ++requests_));
            const Answer answer = call.ask(user, ctx, w, false);

            auto it =
                oracle.find(Cell{principal.id(), call.rpc, kind.name, state,
                                 pb::Purpose_Name(purpose), call.detail});
            const bool allow = it != oracle.end() &&
                               (justified || !it->second.needs_justification);
            const std::string where = absl::StrCat(
                principal.id(), " ", call.rpc,
                call.detail.empty() ? "" : absl::StrCat(" ", call.detail), " ",
                kind.name, " ", state, " ", pb::Purpose_Name(purpose),
                justified ? " (justified)" : "");
            ++cells;
            allow ? ++allow_cells : ++deny_cells;
            bool ok = true;
            if (allow != answer.granted) {
              ok = false;
              ADD_FAILURE()
                  << where << ": " << answer.status.error_code() << " "
                  << answer.status.error_message()
                  << (answer.granted ? " (granted)" : " (refused)")
                  << ", the oracle " << (allow ? "allows" : "refuses") << " it";
            }
            // A call that did something uses its record up (lists do not).
            if (answer.granted && call.detail.empty()) pool.erase(slot);
            if (!answer.granted && call.detail != "inbox") {
              // Refused: nothing changed, one denial event for a denial
              // (a list the caller may make shows what it may see, and
              // is no refusal)...
              if (answer.status.error_code() == grpc::StatusCode::NOT_FOUND ||
                  answer.status.error_code() ==
                      grpc::StatusCode::PERMISSION_DENIED) {
                ++expected_denials[{principal.id(),
                                    absl::StrCat("/prevent.hub.v1.", call.rpc),
                                    p, w.id}];
              } else if (!answer.status.ok()) {
                // Refused as a bad request before the policy was asked
                // (e.g. asking one's own partner): no denial to record.
                ++invalid;
              }
              if (call.stage != Stage::kBriefing &&
                  QueryInt(db_path_,
                           absl::StrCat("SELECT state FROM referrals WHERE "
                                        "id = '",
                                        w.id, "'")) != StateOf(call.stage)) {
                ok = false;
                ++changed_by_refusal;
                ADD_FAILURE() << where << ": refused, but the referral moved";
                pool.erase(slot);
              }
              // ...and, to someone who cannot see the record, the same
              // answer as about no record at all.
              const auto key =
                  std::make_tuple(principal.id(), call.stage, kind.name);
              if (!sees.count(key)) sees[key] = Sees(user, w);
              if (!sees[key]) {
                api::RequestContext again = ctx;
                again.set_request_id(absl::StrCat("workflow-", ++requests_));
                const Answer none = call.ask(user, again, w, true);
                const std::string named =
                    call.rpc == "ReferralService/RespondInformation"
                        ? w.request_id
                        : w.ref;
                const std::string missing_name =
                    call.rpc == "ReferralService/RespondInformation" ||
                            call.stage == Stage::kBriefing
                        ? kMissingId
                        : kMissing;
                if (answer.status.error_code() != none.status.error_code() ||
                    WithoutId(answer.status.error_message(), named) !=
                        WithoutId(none.status.error_message(), missing_name)) {
                  ok = false;
                  ++distinguishable;
                  ADD_FAILURE()
                      << where << ": refused with "
                      << answer.status.error_code() << " \""
                      << answer.status.error_message()
                      << "\"; about none: " << none.status.error_code() << " \""
                      << none.status.error_message() << "\"";
                }
              }
            }
            if (ok) ++passed;
          }
        }
      }
    }
  }

  // Exactly one POLICY_DENY event for each refused call about a record.
  std::map<std::tuple<std::string, std::string, int, std::string>, int> denials;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    if (event.operation() != ab::POLICY_DENY) continue;
    auto record = record_of.find(event.object().id());
    if (record == record_of.end()) {
      record = record_of.find(event.object().referral_id());
    }
    if (record == record_of.end()) continue;  // about no seeded record
    ++denials[{event.actor().principal_id(), event.method(), event.purpose(),
               record->second}];
  }
  int audit_diff = 0;
  for (const auto& [key, count] : expected_denials) {
    const int got = denials.count(key) ? denials[key] : 0;
    if (got != count) {
      ++audit_diff;
      ADD_FAILURE() << std::get<0>(key) << " " << std::get<1>(key) << " "
                    << pb::Purpose_Name(
                           static_cast<pb::Purpose>(std::get<2>(key)))
                    << " about " << std::get<3>(key) << ": " << got
                    << " POLICY_DENY events for " << count << " refused calls";
    }
  }
  for (const auto& [key, count] : denials) {
    if (expected_denials.count(key) == 0 &&
        std::get<1>(key) != "/prevent.hub.v1.ReferralService/Get" &&
        std::get<1>(key) != "/prevent.hub.v1.BriefingService/List" &&
        std::get<1>(key) !=
            "/prevent.hub.v1.ReferralService/ListInformationRequests") {
      ++audit_diff;
      ADD_FAILURE() << std::get<0>(key) << " " << std::get<1>(key)
                    << ": POLICY_DENY events for calls that were not refused";
    }
  }

  std::fprintf(stderr,
               "access matrix (workflow): cells=%d passed=%d allow=%d deny=%d "
               "denial_audit_diff=%d distinguishable=%d "
               "changed_by_refusal=%d refused_as_invalid=%d\n",
               cells, passed, allow_cells, deny_cells, audit_diff,
               distinguishable, changed_by_refusal, invalid);
}

}  // namespace
}  // namespace hub::testing
