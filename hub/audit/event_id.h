// Audit event ids: UUID version 7 (RFC 9562), time-ordered, so ids sort in
// the order events happened.
#ifndef HUB_AUDIT_EVENT_ID_H_
#define HUB_AUDIT_EVENT_ID_H_

#include <string>

#include "absl/time/time.h"

namespace hub::audit {

// A new UUIDv7 for `time` in canonical form ("xxxxxxxx-xxxx-7xxx-...").
std::string NewEventId(absl::Time time);

}  // namespace hub::audit

#endif  // HUB_AUDIT_EVENT_ID_H_
