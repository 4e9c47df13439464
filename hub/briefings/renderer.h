// Rendering a CTLP briefing for one audience (SPEC §2.5): the rendition is
// assembled only from the sections and bodies that audience may have, so a
// withheld body is never copied into it, let alone serialised. Every
// rendition carries its marking banner (the highest marking of its
// sections), the audience's handling conditions, its expiry and the
// recipient's watermark id; counts of 1 to 4 render as "<5" (P20). Pure;
// thread-safe.
#ifndef HUB_BRIEFINGS_RENDERER_H_
#define HUB_BRIEFINGS_RENDERER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/policy.pb.h"
#include "proto/records.pb.h"

namespace hub::briefings {

// "OFFICIAL" or "OFFICIAL-SENSITIVE" (the only tiers the hub holds, P05).
std::string BannerFor(const prevent::policy::v1::SecurityMarking& marking);

// The highest marking among the sections `audience` is given a body of
// (OFFICIAL if none): its rendition's banner.
prevent::policy::v1::SecurityMarking VariantMarking(
    const prevent::records::v1::BriefingDraft& draft,
    prevent::policy::v1::Audience audience);

// A count as a rendition shows it: "<5" for 1 to 4, else the number.
std::string SuppressedCount(int64_t count);

// What a rendition is made from besides the briefing itself.
struct RenderFor {
  prevent::policy::v1::Audience audience =
      prevent::policy::v1::AUDIENCE_UNSPECIFIED;
  // The audience as the policy defines it: its handling conditions and
  // whether a copy may be kept offline or exported.
  const prevent::policy::v1::BriefingAudience* definition = nullptr;
  std::string briefing_id;
  std::string watermark_id;  // per recipient
  absl::Time published_at;
  absl::Time expires_at;
};

// `audience`'s rendition of `draft`.
// REQUIRES: `draft` passed ValidateBriefing(); `for.definition` not null.
prevent::records::v1::BriefingRendition Render(
    const prevent::records::v1::BriefingDraft& draft, const RenderFor& what);

}  // namespace hub::briefings

#endif  // HUB_BRIEFINGS_RENDERER_H_
