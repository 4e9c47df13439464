#include "hub/briefings/recipients.h"

#include <algorithm>

#include "hub/briefings/renderer.h"

namespace hub::briefings {
namespace {

namespace pb = ::prevent::policy::v1;
namespace rec = ::prevent::records::v1;

}  // namespace

policy::Resource BriefingResource(const rec::Briefing& briefing,
                                  pb::Audience audience,
                                  absl::string_view area) {
  policy::Resource resource;
  resource.record = pb::BRIEFING;
  resource.id = briefing.briefing_id();
  resource.source_partner_id = briefing.owner_partner_id();
  resource.area = area;
  resource.audience = audience;
  const pb::SecurityMarking marking =
      VariantMarking(briefing.draft(), audience);
  resource.tier = marking.tier();
  resource.sensitive = marking.sensitive();
  return resource;
}

absl::string_view AreaFor(const rec::Briefing& briefing,
                          const policy::Principal& principal) {
  for (const std::string& area : briefing.draft().area_codes()) {
    if (std::find(principal.areas().begin(), principal.areas().end(), area) !=
        principal.areas().end()) {
      return area;
    }
  }
  return briefing.draft().area_codes().empty()
             ? absl::string_view()
             : absl::string_view(briefing.draft().area_codes(0));
}

std::vector<Recipient> RecipientsOf(const policy::Policy& policy,
                                    const rec::Briefing& briefing,
                                    absl::Time now) {
  std::vector<pb::Audience> audiences;
  for (const rec::BriefingDraft::Variant& variant :
       briefing.draft().variants()) {
    audiences.push_back(variant.audience());
  }
  std::sort(audiences.begin(), audiences.end());

  std::vector<Recipient> recipients;
  for (const policy::Principal& principal : policy.file().principals()) {
    const policy::Partner* partner = policy.FindPartner(principal.partner_id());
    if (partner == nullptr) continue;
    policy::Request request;
    request.principal = &principal;
    request.partner = partner;
    request.action = pb::READ;
    request.purpose = pb::CTLP_BRIEFING;
    request.context.now = now;
    const absl::string_view area = AreaFor(briefing, principal);
    for (pb::Audience audience : audiences) {
      request.resource = BriefingResource(briefing, audience, area);
      if (policy::Decide(policy, request).allowed) {
        recipients.push_back({&principal, partner, audience});
        break;
      }
    }
  }
  return recipients;
}

}  // namespace hub::briefings
