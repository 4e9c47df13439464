// Benchmarks of the policy engine on the demo policy (DESIGN.md §6: a
// decision's median must be at most 1 µs). Usage:
//   decide_bench POLICY_FILE [benchmark flags]
#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "policy/decide.h"
#include "policy/policy.h"
#include "proto/records.pb.h"

namespace {

namespace pb = ::prevent::policy::v1;
using hub::policy::Decide;
using hub::policy::Policy;
using hub::policy::Request;

std::unique_ptr<const Policy> g_policy;
const absl::Time kNow =
    absl::FromCivil(absl::CivilDay(2026, 11, 21), absl::UTCTimeZone());

Request Base(const char* principal) {
  Request r;
  r.principal = g_policy->FindPrincipal(principal);
  r.partner = g_policy->FindPartner(r.principal->partner_id());
  r.context.now = kNow;
  return r;
}

// The coordinator reads an NHS referral just submitted: found after the
// CASE/READ candidates before it (F01-F03) are rejected.
Request CoordinatorReadsReferral() {
  Request r = Base("U-HOKORO");
  r.action = pb::READ;
  r.purpose = pb::PREVENT_REFERRAL_SUBMISSION;
  r.resource.record = pb::CASE;
  r.resource.source_partner_id = "P-NHS1";
  r.resource.area = "WXC";
  r.resource.state = pb::SUBMITTED;
  return r;
}

// A school DSL asks for a case in screening: every CASE/READ rule is tried
// and refused (the worst case for a deny).
Request SchoolDslDenied() {
  Request r = Base("U-RCALDWELL");
  r.action = pb::READ;
  r.purpose = pb::PREVENT_SCREENING;
  r.resource.record = pb::CASE;
  r.resource.source_partner_id = "P-NHS1";
  r.resource.area = "WXC";
  r.resource.state = pb::SCREENING;
  return r;
}

// WhoAmI: the standing rule S01.
Request WhoAmI() {
  Request r = Base("U-DRWHIT");
  r.action = pb::READ;
  r.resource.record = pb::IDENTITY;
  r.resource.source_partner_id = "P-NHS1";
  r.resource.owner_principal_id = "U-DRWHIT";
  return r;
}

// The CT gateway deconflicts with a justification (F13).
Request GatewayDeconflicts() {
  Request r = Base("U-DSALLENBY");
  r.action = pb::QUERY;
  r.purpose = pb::PREVENT_GATEWAY_DECONFLICTION;
  r.resource.record = pb::CASE;
  r.resource.source_partner_id = "P-SCH1";
  r.resource.area = "WXC";
  r.resource.state = pb::SCREENING;
  r.context.has_justification = true;
  return r;
}

void Run(benchmark::State& state, Request (*make)(), bool want) {
  const Request request = make();
  if (Decide(*g_policy, request).allowed != want) {
    state.SkipWithError("unexpected decision");
    return;
  }
  for (auto _ : state) {
    hub::policy::Decision decision = Decide(*g_policy, request);
    benchmark::DoNotOptimize(decision);
  }
}

void BM_DecideAllowCoordinatorReadsReferral(benchmark::State& state) {
  Run(state, CoordinatorReadsReferral, true);
}
void BM_DecideDenySchoolDslReadsCase(benchmark::State& state) {
  Run(state, SchoolDslDenied, false);
}
void BM_DecideAllowWhoAmI(benchmark::State& state) { Run(state, WhoAmI, true); }
void BM_DecideAllowGatewayQuery(benchmark::State& state) {
  Run(state, GatewayDeconflicts, true);
}

// Projecting a populated case file to the coordinator's F04 fields, for
// scale against the decision.
void BM_ProjectCaseFile(benchmark::State& state) {
  const hub::policy::Decision decision =
      Decide(*g_policy, CoordinatorReadsReferral());
  prevent::records::v1::CaseFile file;
  file.mutable_subject()->mutable_identity()->set_forenames("Callum");
  file.mutable_subject()->mutable_identity()->set_surname("Reeve");
  file.mutable_subject()->set_religion("withheld");
  file.mutable_subject()->set_ethnicity("withheld");
  file.mutable_referral()->set_concern_summary(std::string(400, 'x'));
  file.mutable_referral()->add_complex_needs()->set_detail("needs");
  file.mutable_gateway()->set_officer_id("U-DSALLENBY");
  for (auto _ : state) {
    prevent::records::v1::CaseFile copy = file;
    decision.fields().Apply(&copy);
    benchmark::DoNotOptimize(copy);
  }
}

BENCHMARK(BM_DecideAllowCoordinatorReadsReferral);
BENCHMARK(BM_DecideDenySchoolDslReadsCase);
BENCHMARK(BM_DecideAllowWhoAmI);
BENCHMARK(BM_DecideAllowGatewayQuery);
BENCHMARK(BM_ProjectCaseFile);

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: decide_bench POLICY_FILE [benchmark flags]\n");
    return 1;
  }
  auto policy = Policy::Load(argv[1], kNow);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(policy.status().message()).c_str());
    return 1;
  }
  g_policy = std::move(policy).value();
  --argc;
  ++argv;
  argv[0] = argv[-1];
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
