// TESTING §3.4, the cross-partner access matrix: every demo principal calls
// every RPC the matrix covers on referrals of three sources in three states,
// for every purpose, with and without a justification, and each answer is
// compared with a hand-written oracle (testdata/access_matrix.csv, derived
// from SPEC §1.2/§2.1 and the demo agreement, never from the code). What the
// oracle does not list must be refused. Each refused read must look exactly
// like a read of a referral that does not exist (NOT_FOUND, the same words,
// no bytes), and must leave exactly one POLICY_DENY event. The RPCs are read
// from the service descriptors, so an RPC added without oracle rows fails
// here. The last line printed is the suite's figures for
// docs/reliability.md.
#include "tests/access_matrix.h"

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/text_proto.h"
#include "proto/policy.pb.h"
#include "tests/audit_events.h"

namespace hub::testing {
namespace {

TEST_F(AccessMatrixTest, EveryPrincipalGetsExactlyWhatTheOracleAllows) {
  ASSERT_NO_FATAL_FAILURE(StartMatrixHub());
  const std::map<Cell, Allowed> oracle =
      ReadOracle(HUB_SOURCE_DIR "/tests/testdata/access_matrix.csv");
  ASSERT_FALSE(oracle.empty());

  // Every RPC of the hub's services is in the matrix.
  int unmapped = 0;
  const auto* file = api::GetReferralRequest::descriptor()->file();
  for (int s = 0; s < file->service_count(); ++s) {
    const auto* service = file->service(s);
    for (int m = 0; m < service->method_count(); ++m) {
      const std::string rpc =
          absl::StrCat(service->name(), "/", service->method(m)->name());
      if (CoveredRpcs().count(rpc) == 0) {
        ++unmapped;
        ADD_FAILURE() << rpc << " has no rows in the access matrix";
      }
    }
  }

  // The principals, from the policy file itself.
  prevent::policy::v1::PolicyFile policy;
  ASSERT_THAT(common::ParseTextProtoFile(
                  HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", &policy),
              IsOk());
  std::vector<std::string> principals;
  for (const auto& principal : policy.principals()) {
    principals.push_back(principal.id());
  }
  for (const auto& [cell, unused] : oracle) {
    EXPECT_NE(
        std::find(principals.begin(), principals.end(), std::get<0>(cell)),
        principals.end())
        << "the oracle names an unknown principal " << std::get<0>(cell);
  }

  std::vector<Seeded> seeded;
  int n = 0;
  for (const RecordKind& kind : RecordKinds()) {
    for (pb::ReferralState state : States()) {
      ASSERT_NO_FATAL_FAILURE(Seed(kind, state, n++, &seeded.emplace_back()));
    }
  }

  int cells = 0, passed = 0, allow_cells = 0, deny_cells = 0;
  int distinguishable = 0;
  std::map<std::string, std::string> absent_words_of;  // principal -> words
  // POLICY_DENY events expected for each (principal, referral id, purpose).
  std::map<std::tuple<std::string, std::string, int>, int> expected_denials;
  for (const std::string& principal : principals) {
    const std::string user = absl::AsciiStrToLower(principal);
    // What a referral that does not exist looks like to this principal.
    const std::string missing = kMissing;
    api::GetReferralResponse none;
    const grpc::Status absent =
        Get(user, missing, pb::PREVENT_SCREENING, &none);
    ASSERT_EQ(absent.error_code(), grpc::StatusCode::NOT_FOUND) << principal;
    const std::string absent_words = WithoutId(absent.error_message(), missing);
    absent_words_of[principal] = absent_words;

    for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
      if (!pb::Purpose_IsValid(p)) continue;
      const auto purpose = static_cast<pb::Purpose>(p);
      const std::string purpose_name = pb::Purpose_Name(purpose);
      for (const bool justified : {false, true}) {
        const std::string justification =
            justified ? "Access matrix: stated reason" : "";
        // List, once per purpose: which seeded records appear.
        api::ListReferralsRequest list_request;
        list_request.mutable_context()->set_purpose(purpose);
        list_request.mutable_context()->set_justification(justification);
        list_request.set_limit(1000);
        api::ListReferralsResponse listed;
        grpc::ClientContext list_context;
        list_context.set_deadline(Deadline());
        const grpc::Status list_status =
            As(user).List(&list_context, list_request, &listed);
        std::set<std::string> shown;
        for (const rec::Referral& r : listed.referrals()) {
          shown.insert(r.referral_ref());
        }
        for (const Seeded& record : seeded) {
          const std::string state = pb::ReferralState_Name(record.state);
          for (const std::string rpc :
               {"ReferralService/Get", "ReferralService/List"}) {
            auto it = oracle.find(
                Cell{principal, rpc, record.kind, state, purpose_name, ""});
            const bool allow = it != oracle.end() &&
                               (justified || !it->second.needs_justification);
            const std::string where = absl::StrCat(
                principal, " ", rpc, " ", record.kind, " ", state, " ",
                purpose_name, justified ? " (justified)" : "");
            ++cells;
            allow ? ++allow_cells : ++deny_cells;
            bool ok = true;
            if (rpc == "ReferralService/List") {
              const bool appears = list_status.ok() && shown.count(record.ref);
              if (appears != allow) {
                ok = false;
                ADD_FAILURE()
                    << where << ": " << (appears ? "listed" : "not listed")
                    << ", the oracle says "
                    << (allow ? "listed" : "not listed");
              }
            } else {
              api::GetReferralResponse got;
              const grpc::Status status =
                  Get(user, record.ref, purpose, &got, justification);
              if (allow) {
                const std::string fields = PresentFields(got.case_file());
                if (!status.ok() || fields != it->second.fields) {
                  ok = false;
                  ADD_FAILURE()
                      << where << ": " << status.error_code() << " "
                      << status.error_message() << " fields {" << fields
                      << "}, the oracle allows {" << it->second.fields << "}";
                }
              } else {
                ++expected_denials[{principal, record.id, p}];
                if (status.error_code() != grpc::StatusCode::NOT_FOUND ||
                    got.ByteSizeLong() != 0) {
                  ok = false;
                  ADD_FAILURE()
                      << where << ": " << status.error_code() << " "
                      << status.error_message() << ", the oracle denies it";
                } else if (WithoutId(status.error_message(), record.ref) !=
                           absent_words) {
                  ok = false;
                  ++distinguishable;
                  ADD_FAILURE()
                      << where << ": the refusal reads \""
                      << status.error_message() << "\", a missing referral \""
                      << absent.error_message() << "\"";
                }
              }
            }
            if (ok) ++passed;
          }
        }
      }
    }
  }

  // Whether the oracle lets `principal` see `record` (in `state`) at all,
  // by any read or list: if not, even a refused change must not tell it
  // the record exists.
  auto knows = [&](const std::string& principal, const std::string& record,
                   const std::string& state) {
    for (const auto& [cell, unused] : oracle) {
      if (std::get<0>(cell) == principal && std::get<2>(cell) == record &&
          std::get<3>(cell) == state &&
          (std::get<1>(cell) == "ReferralService/Get" ||
           std::get<1>(cell) == "ReferralService/List")) {
        return true;
      }
    }
    return false;
  };

  // The sync path: a new device of each principal pulls once; which seeded
  // referrals does it receive?
  for (const std::string& principal : principals) {
    auto sync =
        api::SyncService::NewStub(ChannelOf(absl::AsciiStrToLower(principal)));
    api::PullRequest request;
    request.set_batch_size(500);
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    std::unique_ptr<grpc::ClientReader<api::SyncBatch>> reader =
        sync->Pull(&context, request);
    std::set<std::string> held;
    api::SyncBatch batch;
    while (reader->Read(&batch)) {
      for (const api::SyncItem& item : batch.items()) {
        if (item.kind() == api::SyncItem::REFERRAL) held.insert(item.id());
      }
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok())
        << principal << " Pull: " << status.error_message();
    for (const Seeded& record : seeded) {
      const std::string state = pb::ReferralState_Name(record.state);
      bool allow = false;
      for (const auto& [cell, unused] : oracle) {
        allow |= std::get<0>(cell) == principal &&
                 std::get<1>(cell) == "SyncService/Pull" &&
                 std::get<2>(cell) == record.kind && std::get<3>(cell) == state;
      }
      ++cells;
      allow ? ++allow_cells : ++deny_cells;
      if (held.count(record.id) != (allow ? 1u : 0u)) {
        ADD_FAILURE() << principal << " SyncService/Pull " << record.kind << " "
                      << state << ": " << (allow ? "not held" : "held")
                      << ", the oracle says " << (allow ? "held" : "not held");
      } else {
        ++passed;
      }
    }
  }

  // Deconfliction about each seeded referral: the CT gateway's check, and
  // the status the council and the MASH may read.
  for (const std::string& principal : principals) {
    const std::string user = absl::AsciiStrToLower(principal);
    for (const Seeded& record : seeded) {
      const std::string state = pb::ReferralState_Name(record.state);
      for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
        if (!pb::Purpose_IsValid(p)) continue;
        const auto purpose = static_cast<pb::Purpose>(p);
        for (const bool justified : {false, true}) {
          for (const std::string rpc :
               {"DeconflictionService/Check", "DeconflictionService/CheckBatch",
                "DeconflictionService/GetStatus"}) {
            // The call about `ref`: its status and its answer's bytes.
            auto ask = [&](const std::string& ref) {
              grpc::ClientContext context;
              context.set_deadline(Deadline());
              grpc::Status status;
              std::string answer;
              if (rpc == "DeconflictionService/CheckBatch") {
                // One query on the stream; a refused query is answered with
                // its status in the answer, and the stream goes on.
                api::DeconflictionQuery query;
                query.mutable_context()->set_purpose(purpose);
                if (justified) {
                  query.mutable_context()->set_justification("Matrix batch");
                }
                query.set_referral(ref);
                query.set_forenames(record.identity.forenames());
                query.set_surname(record.identity.surname());
                query.set_dob(record.identity.dob());
                auto stream = Deconfliction(user).CheckBatch(&context);
                stream->Write(query);
                stream->WritesDone();
                api::DeconflictionAnswer got;
                std::string answers;
                while (stream->Read(&got)) answers += got.SerializeAsString();
                status = stream->Finish();
                if (status.ok() && got.error_code() != 0) {
                  status = grpc::Status(
                      static_cast<grpc::StatusCode>(got.error_code()),
                      got.error_message());
                  got.clear_error_code();
                  got.clear_error_message();
                  answers = got.SerializeAsString();
                }
                answer = answers;
              } else if (rpc == "DeconflictionService/Check") {
                api::DeconflictionQuery query;
                query.mutable_context()->set_purpose(purpose);
                if (justified) {
                  query.mutable_context()->set_justification("Matrix check");
                }
                query.set_referral(ref);
                query.set_forenames(record.identity.forenames());
                query.set_surname(record.identity.surname());
                query.set_dob(record.identity.dob());
                api::DeconflictionAnswer got;
                status = Deconfliction(user).Check(&context, query, &got);
                answer = got.SerializeAsString();
              } else {
                api::GetDeconflictionStatusRequest request;
                request.mutable_context()->set_purpose(purpose);
                if (justified) {
                  request.mutable_context()->set_justification("Matrix status");
                }
                request.set_referral(ref);
                api::GetDeconflictionStatusResponse got;
                status = Deconfliction(user).GetStatus(&context, request, &got);
                answer = got.SerializeAsString();
              }
              return std::make_pair(status, answer);
            };
            const auto [status, answer] = ask(record.ref);
            auto it = oracle.find(Cell{principal, rpc, record.kind, state,
                                       pb::Purpose_Name(purpose), ""});
            const bool allow = it != oracle.end() &&
                               (justified || !it->second.needs_justification);
            const std::string where = absl::StrCat(
                principal, " ", rpc, " ", record.kind, " ", state, " ",
                pb::Purpose_Name(purpose), justified ? " (justified)" : "");
            ++cells;
            allow ? ++allow_cells : ++deny_cells;
            bool ok = true;
            if (allow != status.ok()) {
              ok = false;
              ADD_FAILURE() << where << ": " << status.error_code() << " "
                            << status.error_message() << ", the oracle "
                            << (allow ? "allows" : "refuses") << " it";
            } else if (!allow && !knows(principal, record.kind, state)) {
              // To a principal who may not know the referral, the refusal
              // must read exactly as the same call about none.
              const auto [missing_status, missing_answer] = ask(kMissing);
              if (status.error_code() != missing_status.error_code() ||
                  answer != missing_answer ||
                  WithoutId(status.error_message(), record.ref) !=
                      WithoutId(missing_status.error_message(), kMissing)) {
                ok = false;
                ++distinguishable;
                ADD_FAILURE()
                    << where << ": refused with " << status.error_code()
                    << " \"" << status.error_message() << "\"; about no "
                    << "referral: " << missing_status.error_code() << " \""
                    << missing_status.error_message() << "\"";
              }
            }
            if (ok) ++passed;
          }
        }
      }
    }
  }

  // Changes: each principal asks, for every purpose, with and without a
  // justification, for each step of a referral of each kind. A referral
  // that moves is replaced by a fresh one in the step's starting state.
  std::map<std::pair<std::string, int>, Seeded> pool;  // (kind, from) -> one
  // Calls made, for the audit check: (principal, referral id, purpose).
  std::map<std::tuple<std::string, std::string, int>, int> transition_calls;
  for (const std::string& principal : principals) {
    const std::string user = absl::AsciiStrToLower(principal);
    for (const RecordKind& kind : RecordKinds()) {
      for (const Step& step : Steps()) {
        const std::string from = pb::ReferralState_Name(step.from);
        const std::string to = pb::ReferralState_Name(step.to);
        for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
          if (!pb::Purpose_IsValid(p)) continue;
          const auto purpose = static_cast<pb::Purpose>(p);
          for (const bool justified : {false, true}) {
            auto slot = pool.find({kind.name, step.from});
            if (slot == pool.end()) {
              Seeded fresh;
              ASSERT_NO_FATAL_FAILURE(Seed(kind, step.from, n++, &fresh));
              slot = pool.emplace(std::make_pair(kind.name, step.from), fresh)
                         .first;
            }
            const Seeded target = slot->second;
            api::TransitionReferralRequest request =
                Move(target.ref, purpose, step.to);
            if (justified) {
              request.mutable_context()->set_justification(
                  "Access matrix: stated reason");
            }
            api::TransitionReferralResponse response;
            const grpc::Status status = Transition(user, request, &response);
            ++transition_calls[{principal, target.id, p}];
            auto it = oracle.find(Cell{principal, "ReferralService/Transition",
                                       kind.name, from,
                                       pb::Purpose_Name(purpose), to});
            const bool allow = it != oracle.end() &&
                               (justified || !it->second.needs_justification);
            const std::string where = absl::StrCat(
                principal, " Transition ", kind.name, " ", from, "->", to, " ",
                pb::Purpose_Name(purpose), justified ? " (justified)" : "");
            const int64_t state_now = QueryInt(
                db_path_,
                absl::StrCat("SELECT state FROM referrals WHERE id = '",
                             target.id, "'"));
            ++cells;
            allow ? ++allow_cells : ++deny_cells;
            bool ok = true;
            if (state_now != step.from) pool.erase(slot);  // it moved
            if (allow) {
              if (!status.ok() || state_now != step.to) {
                ok = false;
                ADD_FAILURE() << where << ": " << status.error_code() << " "
                              << status.error_message() << ", now in state "
                              << state_now << "; the oracle allows it";
              }
            } else if (status.ok() || state_now != step.from) {
              ok = false;
              ADD_FAILURE()
                  << where << ": " << status.error_code() << ", now in state "
                  << state_now << "; the oracle refuses it";
            } else if (!knows(principal, kind.name, from)) {
              api::TransitionReferralRequest about_none = request;
              about_none.set_referral(kMissing);
              const grpc::Status missing = Transition(user, about_none);
              ++transition_calls[{principal, kMissing, p}];
              if (status.error_code() != missing.error_code() ||
                  WithoutId(status.error_message(), target.ref) !=
                      WithoutId(missing.error_message(), kMissing)) {
                ok = false;
                ++distinguishable;
                ADD_FAILURE()
                    << where << ": refused with " << status.error_code()
                    << " \"" << status.error_message()
                    << "\"; about no referral: " << missing.error_code()
                    << " \"" << missing.error_message() << "\"";
              }
            }
            if (ok) ++passed;
          }
        }
      }
    }
  }

  // Exactly one POLICY_DENY event for every refused Get, and none more.
  std::map<std::tuple<std::string, std::string, int>, int> denials;
  std::map<std::string, std::string> id_of_ref;
  for (const Seeded& record : seeded) id_of_ref[record.ref] = record.id;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    if (event.operation() != ab::POLICY_DENY ||
        event.method() != "/prevent.hub.v1.ReferralService/Get") {
      continue;
    }
    std::string id = event.object().id();
    if (id_of_ref.count(id)) id = id_of_ref[id];
    ++denials[{event.actor().principal_id(), id, event.purpose()}];
  }
  int audit_diff = 0;
  for (const auto& [key, count] : expected_denials) {
    const int got = denials.count(key) ? denials[key] : 0;
    if (got != count) {
      ++audit_diff;
      ADD_FAILURE() << std::get<0>(key) << " Get " << std::get<1>(key) << " "
                    << pb::Purpose_Name(
                           static_cast<pb::Purpose>(std::get<2>(key)))
                    << ": " << got << " POLICY_DENY events for " << count
                    << " refused calls";
    }
  }
  for (const auto& [key, count] : denials) {
    if (std::get<1>(key) == "" || expected_denials.count(key)) continue;
    bool seeded_record = false;
    for (const Seeded& record : seeded) {
      seeded_record |= record.id == std::get<1>(key);
    }
    if (seeded_record) {
      ++audit_diff;
      ADD_FAILURE() << std::get<0>(key) << " Get " << std::get<1>(key)
                    << ": POLICY_DENY events for calls the oracle allows";
    }
  }

  // Every Transition call, allowed or refused, left exactly one event.
  for (const auto& [key, count] : seed_transitions_) {
    transition_calls[key] += count;
  }
  std::map<std::tuple<std::string, std::string, int>, int> transition_events;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    if (event.method() != "/prevent.hub.v1.ReferralService/Transition") {
      continue;
    }
    std::string id = event.object().id();
    for (const auto& [ref, rid] : id_of_ref) {
      if (ref == id) id = rid;
    }
    ++transition_events[{event.actor().principal_id(), id, event.purpose()}];
  }
  for (const auto& [key, count] : transition_calls) {
    const int got = transition_events.count(key) ? transition_events[key] : 0;
    if (got != count) {
      ++audit_diff;
      ADD_FAILURE() << std::get<0>(key) << " Transition " << std::get<1>(key)
                    << " "
                    << pb::Purpose_Name(
                           static_cast<pb::Purpose>(std::get<2>(key)))
                    << ": " << got << " audit events for " << count << " calls";
    }
  }

  std::fprintf(stderr,
               "access matrix: rpcs_covered=%zu "
               "rpcs_without_rows=%d principals=%zu cells=%d passed=%d "
               "allow=%d deny=%d denial_audit_diff=%d "
               "forbidden_vs_not_found_distinguishable=%d\n",
               CoveredRpcs().size(), unmapped, principals.size(), cells, passed,
               allow_cells, deny_cells, audit_diff, distinguishable);
}

TEST_F(AccessMatrixTest, CallsAboutNoReferralFollowTheOracleToo) {
  ASSERT_NO_FATAL_FAILURE(StartMatrixHub());
  // A referral for the audit query about one subject (AQ1) to name.
  std::string referral;
  ASSERT_NO_FATAL_FAILURE(
      SubmitOk("u-drwhit", AdultSubmission(), "matrix-aq1", &referral));
  const std::map<Cell, Allowed> oracle =
      ReadOracle(HUB_SOURCE_DIR "/tests/testdata/access_matrix.csv");
  prevent::policy::v1::PolicyFile policy;
  ASSERT_THAT(common::ParseTextProtoFile(
                  HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", &policy),
              IsOk());
  int cells = 0, passed = 0, allow_cells = 0, deny_cells = 0;
  int submissions = 0;
  for (const auto& principal : policy.principals()) {
    const std::string user = absl::AsciiStrToLower(principal.id());
    auto channel = ChannelOf(user);
    auto identity = api::IdentityService::NewStub(channel);
    auto audit = api::AuditService::NewStub(channel);
    auto policy_service = api::PolicyService::NewStub(channel);
    // Someone else, for Explain about another principal's access.
    const std::string other =
        principal.id() == "U-DRWHIT" ? "U-HOKORO" : "U-DRWHIT";
    for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
      if (!pb::Purpose_IsValid(p)) continue;
      const auto purpose = static_cast<pb::Purpose>(p);
      for (const bool justified : {false, true}) {
        api::RequestContext ctx;
        ctx.set_purpose(purpose);
        if (justified) ctx.set_justification("Matrix: stated reason");
        struct Asked {
          std::string rpc;
          std::string record;
          grpc::Status status;
        };
        std::vector<Asked> asked;
        {
          api::WhoAmIRequest request;
          *request.mutable_context() = ctx;
          api::WhoAmIResponse response;
          asked.push_back(
              {"IdentityService/WhoAmI", "-",
               CallUnary(*identity, &api::IdentityService::Stub::WhoAmI,
                         request, &response)});
        }
        {
          api::GetCheckpointRequest request;
          *request.mutable_context() = ctx;
          api::AuditProofResponse response;
          asked.push_back(
              {"AuditService/GetCheckpoint", "-",
               CallUnary(*audit, &api::AuditService::Stub::GetCheckpoint,
                         request, &response)});
        }
        for (const std::string whose : {"self", "other"}) {
          api::ExplainRequest request;
          *request.mutable_context() = ctx;
          if (whose == "other") request.set_principal_id(other);
          request.set_action(pb::READ);
          request.mutable_resource()->set_record(pb::IDENTITY);
          request.set_purpose(pb::PREVENT_SCREENING);
          api::ExplainResponse response;
          asked.push_back(
              {"PolicyService/Explain", whose,
               CallUnary(*policy_service, &api::PolicyService::Stub::Explain,
                         request, &response)});
        }
        {
          api::SubmitReferralRequest request;
          *request.mutable_context() = ctx;
          request.mutable_context()->set_request_id(
              absl::StrCat("matrix-submit-", ++submissions));
          *request.mutable_submission() = AdultSubmission();
          request.mutable_submission()
              ->mutable_subject()
              ->mutable_identity()
              ->set_surname(absl::StrCat("Submitmatrix", Letters(submissions)));
          request.mutable_submission()
              ->mutable_subject()
              ->clear_local_identifiers();
          api::SubmitReferralResponse response;
          asked.push_back(
              {"ReferralService/Submit", "-",
               CallUnary(As(user), &api::ReferralService::Stub::Submit, request,
                         &response)});
        }
        {
          api::GetInclusionProofRequest request;
          *request.mutable_context() = ctx;
          request.set_index(0);
          request.set_tree_size(2);
          api::AuditProofResponse response;
          asked.push_back(
              {"AuditService/GetInclusionProof", "-",
               CallUnary(*audit, &api::AuditService::Stub::GetInclusionProof,
                         request, &response)});
        }
        {
          api::GetConsistencyProofRequest request;
          *request.mutable_context() = ctx;
          request.set_first_size(1);
          request.set_second_size(2);
          api::AuditProofResponse response;
          asked.push_back(
              {"AuditService/GetConsistencyProof", "-",
               CallUnary(*audit, &api::AuditService::Stub::GetConsistencyProof,
                         request, &response)});
        }
        for (const std::string query : {"AQ1", "AQ2", "AQ3"}) {
          api::AuditQueryRequest request;
          *request.mutable_context() = ctx;
          if (query == "AQ1") request.set_subject(referral);
          if (query == "AQ2") request.set_partner_id("P-NHS1");
          if (query == "AQ3") request.set_denials(true);
          api::AuditQueryResponse response;
          asked.push_back({"AuditService/Query", query,
                           CallUnary(*audit, &api::AuditService::Stub::Query,
                                     request, &response)});
        }
        for (const Asked& a : asked) {
          auto it = oracle.find(Cell{principal.id(), a.rpc, a.record, "-",
                                     pb::Purpose_Name(purpose), ""});
          const bool allow = it != oracle.end() &&
                             (justified || !it->second.needs_justification);
          ++cells;
          allow ? ++allow_cells : ++deny_cells;
          if (allow != a.status.ok()) {
            ADD_FAILURE() << principal.id() << " " << a.rpc << " " << a.record
                          << " " << pb::Purpose_Name(purpose)
                          << (justified ? " (justified)" : "") << ": "
                          << a.status.error_code() << " "
                          << a.status.error_message() << ", the oracle "
                          << (allow ? "allows" : "refuses") << " it";
          } else {
            ++passed;
          }
        }
      }
    }
  }
  std::fprintf(stderr,
               "access matrix (no referral): cells=%d passed=%d allow=%d "
               "deny=%d\n",
               cells, passed, allow_cells, deny_cells);
}

// A briefing id no briefing has.
constexpr char kMissingBriefing[] = "01900000-0000-7000-8000-000000000000";

TEST_F(AccessMatrixTest, BriefingsReachExactlyWhomTheOracleSays) {
  ASSERT_NO_FATAL_FAILURE(StartMatrixHub());
  const std::map<Cell, Allowed> oracle =
      ReadOracle(HUB_SOURCE_DIR "/tests/testdata/access_matrix.csv");
  prevent::policy::v1::PolicyFile policy;
  ASSERT_THAT(common::ParseTextProtoFile(
                  HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", &policy),
              IsOk());
  rec::BriefingDraft draft;
  ASSERT_THAT(
      common::ParseTextProtoFile(
          HUB_SOURCE_DIR "/deploy/demo/briefings/b-wxc-2025-26.textproto",
          &draft),
      IsOk());
  int published = 0;
  // Publishes `draft` as the CTLP owner; its id.
  auto publish = [&](std::string* id) {
    ASSERT_NO_FATAL_FAILURE(
        PublishOk(draft, absl::StrCat("matrix-briefing-", ++published), id));
  };
  std::string briefing;
  ASSERT_NO_FATAL_FAILURE(publish(&briefing));

  int cells = 0, passed = 0, allow_cells = 0, deny_cells = 0;
  int distinguishable = 0;
  // Whether the oracle lets `principal` know the briefing at all.
  auto knows = [&](const std::string& principal) {
    for (const auto& [cell, unused] : oracle) {
      if (std::get<0>(cell) == principal && std::get<2>(cell) == "ctlp") {
        return true;
      }
    }
    return false;
  };
  // Checks one answer against the oracle. `ask(id)` makes the same call
  // about briefing `id`; it is asked again about none when the principal
  // may not know the briefing. A change the policy let through but the
  // briefing's state refused (asked twice, say) counts as allowed.
  auto check = [&](const std::string& principal, const std::string& rpc,
                   const std::string& record, pb::Purpose purpose,
                   bool justified, const grpc::Status& status,
                   const std::function<grpc::Status(const std::string&)>& ask,
                   const std::string& id) {
    auto it = oracle.find(
        Cell{principal, rpc, record, "-", pb::Purpose_Name(purpose), ""});
    const bool allow =
        it != oracle.end() && (justified || !it->second.needs_justification);
    const bool answered =
        status.ok() ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION;
    const std::string where =
        absl::StrCat(principal, " ", rpc, " ", pb::Purpose_Name(purpose),
                     justified ? " (justified)" : "");
    ++cells;
    allow ? ++allow_cells : ++deny_cells;
    if (allow != answered) {
      ADD_FAILURE() << where << ": " << status.error_code() << " "
                    << status.error_message() << ", the oracle "
                    << (allow ? "allows" : "refuses") << " it";
      return;
    }
    if (!allow && !knows(principal) && !id.empty()) {
      const grpc::Status missing = ask(kMissingBriefing);
      if (status.error_code() != missing.error_code() ||
          WithoutId(status.error_message(), id) !=
              WithoutId(missing.error_message(), kMissingBriefing)) {
        ++distinguishable;
        ADD_FAILURE() << where << ": refused with " << status.error_code()
                      << " \"" << status.error_message()
                      << "\"; about no briefing: " << missing.error_code()
                      << " \"" << missing.error_message() << "\"";
        return;
      }
    }
    ++passed;
  };
  auto each =
      [&](const std::function<void(
              const std::string& principal, const std::string& user,
              pb::Purpose, bool justified, const api::RequestContext&)>& f) {
        for (const auto& principal : policy.principals()) {
          for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
            if (!pb::Purpose_IsValid(p)) continue;
            for (const bool justified : {false, true}) {
              api::RequestContext ctx;
              ctx.set_purpose(static_cast<pb::Purpose>(p));
              if (justified) ctx.set_justification("Matrix: stated reason");
              f(principal.id(), absl::AsciiStrToLower(principal.id()),
                static_cast<pb::Purpose>(p), justified, ctx);
            }
          }
        }
      };

  // List: does the briefing appear? And DeliveryStatus.
  std::map<std::string, std::string> conditions;  // principal -> sha256
  each([&](const std::string& principal, const std::string& user,
           pb::Purpose purpose, bool justified,
           const api::RequestContext& ctx) {
    api::ListBriefingsRequest list;
    *list.mutable_context() = ctx;
    api::ListBriefingsResponse listed;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    const grpc::Status status = Briefings(user).List(&context, list, &listed);
    bool appears = false;
    for (const rec::BriefingListing& l : listed.briefings()) {
      if (l.briefing_id() == briefing) {
        appears = true;
        conditions[principal] = common::Sha256Hex(l.handling_conditions());
      }
    }
    check(principal, "BriefingService/List", "ctlp", purpose, justified,
          appears ? status : grpc::Status(grpc::StatusCode::NOT_FOUND, ""),
          nullptr, "");
    auto status_of = [&](const std::string& id) {
      api::BriefingDeliveryStatusRequest request;
      *request.mutable_context() = ctx;
      request.set_briefing_id(id);
      api::BriefingDeliveryStatusResponse response;
      grpc::ClientContext c;
      c.set_deadline(Deadline());
      return Briefings(user).DeliveryStatus(&c, request, &response);
    };
    check(principal, "BriefingService/DeliveryStatus", "ctlp", purpose,
          justified, status_of(briefing), status_of, briefing);
  });

  // Acknowledge (with the conditions the principal was shown), then Read.
  for (const std::string rpc :
       {"BriefingService/Acknowledge", "BriefingService/Read"}) {
    each([&](const std::string& principal, const std::string& user,
             pb::Purpose purpose, bool justified,
             const api::RequestContext& ctx) {
      auto ask = [&](const std::string& id) {
        grpc::ClientContext c;
        c.set_deadline(Deadline());
        if (rpc == "BriefingService/Acknowledge") {
          api::AcknowledgeBriefingRequest request;
          *request.mutable_context() = ctx;
          request.set_briefing_id(id);
          request.set_conditions_sha256(conditions.count(principal)
                                            ? conditions[principal]
                                            : common::Sha256Hex("unseen"));
          api::AcknowledgeBriefingResponse response;
          return Briefings(user).Acknowledge(&c, request, &response);
        }
        api::ReadBriefingRequest request;
        *request.mutable_context() = ctx;
        request.set_briefing_id(id);
        api::ReadBriefingResponse response;
        return Briefings(user).Read(&c, request, &response);
      };
      check(principal, rpc, "ctlp", purpose, justified, ask(briefing), ask,
            briefing);
    });
  }

  // Publish: another briefing; Withdraw: a fresh one where the oracle
  // allows it (so each allowed withdrawal has a live briefing), the first
  // one otherwise (which must stay live).
  each([&](const std::string& principal, const std::string& user,
           pb::Purpose purpose, bool justified,
           const api::RequestContext& ctx) {
    api::PublishBriefingRequest request;
    *request.mutable_context() = ctx;
    request.mutable_context()->set_request_id(
        absl::StrCat("matrix-publish-", ++published));
    *request.mutable_draft() = draft;
    api::PublishBriefingResponse response;
    grpc::ClientContext c;
    c.set_deadline(Deadline());
    check(principal, "BriefingService/Publish", "-", purpose, justified,
          Briefings(user).Publish(&c, request, &response), nullptr, "");

    const bool allowed =
        oracle.count(Cell{principal, "BriefingService/Withdraw", "ctlp", "-",
                          pb::Purpose_Name(purpose), ""});
    std::string target = briefing;
    if (allowed) {
      ASSERT_NO_FATAL_FAILURE(publish(&target));
    }
    auto withdraw = [&](const std::string& id) {
      api::WithdrawBriefingRequest w;
      *w.mutable_context() = ctx;
      w.set_briefing_id(id);
      w.set_reason("Access matrix withdrawal");
      api::WithdrawBriefingResponse r;
      grpc::ClientContext wc;
      wc.set_deadline(Deadline());
      return Briefings(user).Withdraw(&wc, w, &r);
    };
    check(principal, "BriefingService/Withdraw", "ctlp", purpose, justified,
          withdraw(target), withdraw, target);
  });

  // The owner withdraws the first briefing; each recipient attests its
  // copy's purge.
  {
    api::WithdrawBriefingRequest request;
    request.mutable_context()->set_purpose(pb::CTLP_BRIEFING);
    request.set_briefing_id(briefing);
    request.set_reason("Access matrix: withdrawn so copies are purged");
    api::WithdrawBriefingResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    ASSERT_TRUE(
        Briefings("u-ctlpown").Withdraw(&context, request, &response).ok());
  }
  each([&](const std::string& principal, const std::string& user,
           pb::Purpose purpose, bool justified,
           const api::RequestContext& ctx) {
    auto attest = [&](const std::string& id) {
      api::AttestPurgeRequest request;
      *request.mutable_context() = ctx;
      request.set_briefing_id(id);
      api::AttestPurgeResponse response;
      grpc::ClientContext c;
      c.set_deadline(Deadline());
      return Briefings(user).AttestPurge(&c, request, &response);
    };
    check(principal, "BriefingService/AttestPurge", "ctlp", purpose, justified,
          attest(briefing), attest, briefing);
  });

  std::fprintf(stderr,
               "access matrix (briefings): cells=%d passed=%d allow=%d "
               "deny=%d distinguishable=%d\n",
               cells, passed, allow_cells, deny_cells, distinguishable);
}

}  // namespace
}  // namespace hub::testing
