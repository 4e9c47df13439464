// TESTING §3.6, the canary test across every output: a referral whose every
// free-text field holds a canary of its own (CANARY<FIELD>) is submitted,
// then every demo principal reads, lists and syncs for every purpose, with a
// justification. Afterwards the canaries are looked for everywhere: the
// hub's log lines (never: no personal data in logs), every audit event's
// stored bytes (never: the log holds field names and pseudonyms), and each
// principal's answers, where they may appear only as the agreement releases
// them (SPEC §1.2, A-ISA-WXC-2025): the CT gateway sees them all; the LA
// Prevent coordinator sees the referral but not its ethnicity (ETHNICITY) nor
// its threats (CRIMINAL), which no coordinator rule releases; nobody else
// sees any. The last line printed is the suite's figures for
// docs/reliability.md.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/log.h"
#include "common/text_proto.h"
#include "proto/policy.pb.h"
#include "tests/audit_events.h"
#include "tests/demo_hub_test.h"
#include "tests/referral_samples.h"

namespace hub::testing {
namespace {

// Each canary and the field it is planted in.
const std::map<std::string, std::string>& Canaries() {
  static const auto* canaries = new std::map<std::string, std::string>{
      {"CANARYNATIONALITY", "subject.nationality"},
      {"CANARYETHNICITY", "subject.ethnicity"},
      {"CANARYRELIGION", "subject.religion"},
      {"CANARYADDRESS", "subject.addresses.lines"},
      {"CANARYRELATIVE", "related_persons.name"},
      {"CANARYCONCERN", "referral.concern_summary"},
      {"CANARYONLINE", "referral.online_activity"},
      {"CANARYCONTACTS", "referral.contacts_of_concern"},
      {"CANARYTHREATS", "referral.threats_or_intent_to_harm"},
  };
  return *canaries;
}

// The canaries in `bytes`.
std::set<std::string> Found(const std::string& bytes) {
  std::set<std::string> found;
  for (const auto& [canary, unused] : Canaries()) {
    if (absl::StrContains(bytes, canary)) found.insert(canary);
  }
  return found;
}

class CanaryTest : public DemoHubTest {
 protected:
  void TearDown() override {
    common::SetLogFileDescriptor(STDERR_FILENO);
    DemoHubTest::TearDown();
  }
};

TEST_F(CanaryTest, CanariesAppearOnlyWhereTheAgreementReleasesThem) {
  // The hub's log lines, to a file of the test's.
  const std::string log_path = dir_ + "/hub.log";
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(log_fd, 0);
  common::SetLogFileDescriptor(log_fd);
  StartHub();

  rec::ReferralSubmission submission = AdultSubmission();
  rec::Subject& subject = *submission.mutable_subject();
  subject.set_nationality("CANARYNATIONALITY");
  subject.set_ethnicity("CANARYETHNICITY");
  subject.set_religion("CANARYRELIGION");
  subject.mutable_addresses(0)->set_lines("CANARYADDRESS, Wexcombe");
  submission.mutable_related_persons(0)->set_name("CANARYRELATIVE Marsh");
  rec::Referral& referral = *submission.mutable_referral();
  referral.set_concern_summary(
      "CANARYCONCERN: statements online and a change in behaviour at home.");
  referral.set_online_activity("CANARYONLINE");
  referral.set_contacts_of_concern("CANARYCONTACTS");
  referral.set_threats_or_intent_to_harm("CANARYTHREATS");
  std::string ref;
  ASSERT_NO_FATAL_FAILURE(SubmitOk("u-drwhit", submission, "canary", &ref));

  // What each principal received, every answer's bytes together.
  prevent::policy::v1::PolicyFile policy;
  ASSERT_THAT(common::ParseTextProtoFile(
                  HUB_SOURCE_DIR "/deploy/demo/partnership.textproto", &policy),
              IsOk());
  std::map<std::string, std::string> received;
  int answers = 0;
  for (const auto& principal : policy.principals()) {
    const std::string user = absl::AsciiStrToLower(principal.id());
    std::string& bytes = received[principal.id()];
    for (int p = pb::Purpose_MIN + 1; p <= pb::Purpose_MAX; ++p) {
      if (!pb::Purpose_IsValid(p)) continue;
      const auto purpose = static_cast<pb::Purpose>(p);
      api::GetReferralResponse got;
      if (Get(user, ref, purpose, &got, "Canary test").ok()) {
        bytes += Bytes(got);
      }
      api::ListReferralsRequest list_request;
      list_request.mutable_context()->set_purpose(purpose);
      list_request.mutable_context()->set_justification("Canary test");
      api::ListReferralsResponse listed;
      grpc::ClientContext context;
      context.set_deadline(Deadline());
      if (As(user).List(&context, list_request, &listed).ok()) {
        bytes += Bytes(listed);
      }
      answers += 2;
    }
    // A new device's sync.
    auto sync = api::SyncService::NewStub(ChannelOf(user));
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    auto reader = sync->Pull(&context, api::PullRequest());
    api::SyncBatch batch;
    while (reader->Read(&batch)) bytes += Bytes(batch);
    EXPECT_TRUE(reader->Finish().ok()) << principal.id();
    ++answers;
  }

  // Where each canary may be found: the gateway everything, the
  // coordinator all but the special categories no coordinator rule
  // releases, nobody else anything.
  int hits_outside = 0;
  for (const auto& [principal, bytes] : received) {
    const std::set<std::string> found = Found(bytes);
    std::set<std::string> allowed;
    if (principal == "U-DSALLENBY") {
      for (const auto& [canary, unused] : Canaries()) allowed.insert(canary);
      EXPECT_EQ(found, allowed) << "the CT gateway sees the whole referral";
    } else if (principal == "U-HOKORO") {
      allowed = {"CANARYNATIONALITY", "CANARYRELIGION", "CANARYADDRESS",
                 "CANARYCONCERN",     "CANARYONLINE",   "CANARYCONTACTS"};
      EXPECT_TRUE(found.count("CANARYCONCERN")) << "the coordinator screens it";
    }
    for (const std::string& canary : found) {
      if (allowed.count(canary) == 0) {
        ++hits_outside;
        ADD_FAILURE() << principal << " received " << canary << " ("
                      << Canaries().at(canary) << ")";
      }
    }
  }

  // The audit log holds no canary in any event.
  int in_audit = 0;
  for (const ab::AuditEvent& event : AuditEvents(db_path_)) {
    const std::set<std::string> found = Found(event.SerializeAsString());
    in_audit += static_cast<int>(found.size());
    EXPECT_TRUE(found.empty()) << event.method() << " holds " << *found.begin();
  }
  // Nor does any log line.
  server_->Shutdown(absl::ZeroDuration());
  common::SetLogFileDescriptor(STDERR_FILENO);
  close(log_fd);
  std::ifstream log(log_path);
  std::stringstream lines;
  lines << log.rdbuf();
  const std::set<std::string> in_log = Found(lines.str());
  EXPECT_TRUE(in_log.empty()) << "the hub logged " << *in_log.begin();
  EXPECT_GT(lines.str().size(), 0u) << "the hub logged nothing at all";

  std::fprintf(stderr,
               "canary test: canaries=%zu principals=%zu answers=%d "
               "hits_outside_allowed=%d in_audit_events=%d in_log_lines=%zu\n",
               Canaries().size(), received.size(), answers, hits_outside,
               in_audit, in_log.size());
}

}  // namespace
}  // namespace hub::testing
