#include "hub/briefings/renderer.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

// OFFICIAL below OFFICIAL-SENSITIVE.
int Rank(const pb::SecurityMarking& marking) { return marking.sensitive(); }

const rec::BriefingDraft::Body* BodyFor(const rec::BriefingDraft::Section& s,
                                        pb::Audience audience) {
  for (const rec::BriefingDraft::Body& body : s.bodies()) {
    if (body.audience() == audience) return &body;
  }
  return nullptr;
}

}  // namespace

pb::SecurityMarking VariantMarking(const rec::BriefingDraft& draft,
                                   pb::Audience audience) {
  pb::SecurityMarking highest;
  highest.set_tier(pb::SecurityMarking::OFFICIAL);
  for (const rec::BriefingDraft::Section& section : draft.sections()) {
    if (BodyFor(section, audience) != nullptr &&
        Rank(section.marking()) > Rank(highest)) {
      highest = section.marking();
    }
  }
  return highest;
}

std::string BannerFor(const pb::SecurityMarking& marking) {
  return marking.sensitive() ? "OFFICIAL-SENSITIVE" : "OFFICIAL";
}

std::string SuppressedCount(int64_t count) {
  if (count >= 1 && count <= 4) return "<5";
  return absl::StrCat(count);
}

rec::BriefingRendition Render(const rec::BriefingDraft& draft,
                              const RenderFor& what) {
  std::vector<const rec::BriefingDraft::Section*> sections;
  for (const rec::BriefingDraft::Section& section : draft.sections()) {
    if (BodyFor(section, what.audience) != nullptr) {
      sections.push_back(&section);
    }
  }
  std::sort(sections.begin(), sections.end(), [](const auto* a, const auto* b) {
    return a->number() < b->number();
  });

  rec::BriefingRendition out;
  out.set_briefing_id(what.briefing_id);
  out.set_audience(what.audience);
  out.set_title(draft.title());
  out.set_period(draft.period());
  out.set_handling_conditions(what.definition->handling_conditions());
  out.mutable_expires_at()->set_seconds(absl::ToUnixSeconds(what.expires_at));
  out.set_watermark_id(what.watermark_id);
  out.mutable_published_at()->set_seconds(
      absl::ToUnixSeconds(what.published_at));
  out.set_offline_allowed(what.definition->offline_allowed());
  out.set_export_allowed(what.definition->export_allowed());
  for (const rec::BriefingDraft::Section* section : sections) {
    const rec::BriefingDraft::Body& body = *BodyFor(*section, what.audience);
    rec::BriefingRendition::Section& rendered = *out.add_sections();
    rendered.set_number(section->number());
    rendered.set_title(section->title());
    rendered.set_marking(BannerFor(section->marking()));
    rendered.set_body(body.text());
    for (const rec::BriefingDraft::Statistic& cell : body.statistics()) {
      rec::BriefingRendition::Cell& shown = *rendered.add_cells();
      shown.set_label(cell.label());
      shown.set_value(SuppressedCount(cell.count()));
    }
  }
  out.set_marking_banner(BannerFor(VariantMarking(draft, what.audience)));
  return out;
}

}  // namespace hub::briefings
