// libFuzzer target (TESTING §3.7, item 2): the briefing redactor. Any draft
// (text format), made publishable, is rendered for every audience, and a
// canary oracle checks the invariant: each rendition holds the canary of
// every body written for its audience and of no other, and every count of
// 1 to 4 is shown as "<5" (P20).
#include <google/protobuf/text_format.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "hub/briefings/briefing_samples.h"
#include "hub/briefings/briefing_validator.h"
#include "hub/briefings/renderer.h"

namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

std::string Canary(int section, int body) {
  return absl::StrCat("CANARY-", section, "-", body, "-END");
}

// `text` without anything the oracle would mistake for a canary.
std::string Clean(const std::string& text) {
  return absl::StrReplaceAll(text, {{"CANARY", "canary"}});
}

// `draft` made publishable: numbered sections at OFFICIAL or
// OFFICIAL-SENSITIVE, no intelligence-service flag, one body per audience
// with a canary in its text, and an approved variant per audience given a
// body.
void MakePublishable(rec::BriefingDraft& draft) {
  draft.set_title(Clean(draft.title()).substr(0, 100));
  if (draft.title().empty()) draft.set_title("T");
  draft.set_series(rec::BriefingDraft::CTLP_ANNUAL);
  draft.clear_area_codes();
  draft.add_area_codes("WXC");
  draft.set_period(Clean(draft.period()).substr(0, 20));
  if (draft.sections_size() > 30) {
    draft.mutable_sections()->DeleteSubrange(30, draft.sections_size() - 30);
  }
  std::set<int> audiences;
  for (int i = 0; i < draft.sections_size(); ++i) {
    rec::BriefingDraft::Section& s = *draft.mutable_sections(i);
    s.set_number(i + 1);
    s.set_title(Clean(s.title()).substr(0, 100));
    if (s.title().empty()) s.set_title("S");
    const bool sensitive = s.marking().sensitive();
    s.clear_marking();
    s.mutable_marking()->set_tier(pb::SecurityMarking::OFFICIAL);
    s.mutable_marking()->set_sensitive(sensitive);
    s.set_intel_service_derived(false);
    std::set<int> seen;
    auto* bodies = s.mutable_bodies();
    for (int j = bodies->size() - 1; j >= 0; --j) {
      const int a = bodies->Get(j).audience();
      const int audience = (a < 0 ? -a : a) % 4 + 1;  // LA_CORE..ELECTED
      if (!seen.insert(audience).second) {
        bodies->DeleteSubrange(j, 1);
        continue;
      }
      bodies->Mutable(j)->set_audience(static_cast<pb::Audience>(audience));
    }
    for (int j = 0; j < bodies->size(); ++j) {
      rec::BriefingDraft::Body& b = *bodies->Mutable(j);
      b.set_text(
          absl::StrCat(Clean(b.text()).substr(0, 200), " ", Canary(i, j)));
      for (rec::BriefingDraft::Statistic& cell : *b.mutable_statistics()) {
        cell.set_label(Clean(cell.label()).substr(0, 50));
        cell.set_count(cell.count() < 0 ? 0 : cell.count() % 1000000);
      }
      audiences.insert(b.audience());
    }
  }
  draft.clear_variants();
  for (int audience : audiences) {
    rec::BriefingDraft::Variant& v = *draft.add_variants();
    v.set_audience(static_cast<pb::Audience>(audience));
    v.set_approved(true);
    v.mutable_expires_at()->set_seconds(
        absl::ToUnixSeconds(kNow + absl::Hours(24)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* const definitions =
      new google::protobuf::RepeatedPtrField<pb::BriefingAudience>(
          hub::briefings::testing::SampleAudiences());
  rec::BriefingDraft draft;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  if (!parser.ParseFromString(
          std::string(reinterpret_cast<const char*>(data), size), &draft)) {
    return 0;
  }
  MakePublishable(draft);
  if (!hub::briefings::ValidateBriefing(draft, *definitions, kNow).ok()) {
    return 0;
  }
  for (const pb::BriefingAudience& definition : *definitions) {
    hub::briefings::RenderFor what;
    what.audience = definition.audience();
    what.definition = &definition;
    what.briefing_id = "B-FUZZ";
    what.watermark_id = "WM-FUZZ";
    what.published_at = kNow;
    what.expires_at = kNow + absl::Hours(24);
    const rec::BriefingRendition rendition =
        hub::briefings::Render(draft, what);
    const std::string bytes = rendition.SerializeAsString();
    for (int i = 0; i < draft.sections_size(); ++i) {
      for (int j = 0; j < draft.sections(i).bodies_size(); ++j) {
        const bool own =
            draft.sections(i).bodies(j).audience() == what.audience;
        if (absl::StrContains(bytes, Canary(i, j)) != own) std::abort();
      }
    }
    for (const rec::BriefingRendition::Section& s : rendition.sections()) {
      for (const rec::BriefingRendition::Cell& cell : s.cells()) {
        if (cell.value().empty()) std::abort();
        const bool small = cell.value() == "1" || cell.value() == "2" ||
                           cell.value() == "3" || cell.value() == "4";
        if (small) std::abort();  // P20: shown as "<5"
      }
    }
  }
  return 0;
}
