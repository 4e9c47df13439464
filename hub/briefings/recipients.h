// Who receives a published CTLP briefing (SPEC §2.5): the policy decides,
// not the publisher. Every active principal whom a BRIEFING rule lets read
// one of the briefing's variants in one of its areas receives a copy of the
// fullest such variant (the first in the order of the Audience enum).
// Pure; thread-safe.
#ifndef HUB_BRIEFINGS_RECIPIENTS_H_
#define HUB_BRIEFINGS_RECIPIENTS_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "policy/decide.h"
#include "policy/policy.h"
#include "proto/records.pb.h"

namespace hub::briefings {

// What the policy engine needs to know of `audience`'s rendition of
// `briefing` in `area`. Views into `briefing` and `area`, which must outlive
// the result.
policy::Resource BriefingResource(
    const prevent::records::v1::Briefing& briefing,
    prevent::policy::v1::Audience audience, absl::string_view area);

// The first of `briefing`'s areas that `principal` covers; its first area
// if none.
absl::string_view AreaFor(const prevent::records::v1::Briefing& briefing,
                          const policy::Principal& principal);

struct Recipient {
  const policy::Principal* principal = nullptr;
  const policy::Partner* partner = nullptr;
  prevent::policy::v1::Audience audience =
      prevent::policy::v1::AUDIENCE_UNSPECIFIED;
};

// Everyone `policy` sends `briefing` to at `now`, in the policy file's order.
std::vector<Recipient> RecipientsOf(
    const policy::Policy& policy,
    const prevent::records::v1::Briefing& briefing, absl::Time now);

}  // namespace hub::briefings

#endif  // HUB_BRIEFINGS_RECIPIENTS_H_
