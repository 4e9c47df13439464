// How an AuditEvent becomes the row the AuditStore keeps: its deterministic
// bytes, a fresh salt and the commitment over both, plus the columns the
// audit queries select on, copied out of the event. The verifier recomputes
// those columns from the payload, so editing them to falsify a query's
// answer is caught like editing the payload.
#ifndef HUB_AUDIT_EVENT_ROW_H_
#define HUB_AUDIT_EVENT_ROW_H_

#include "absl/status/status.h"
#include "hub/store/audit_store.h"
#include "proto/audit.pb.h"

namespace hub::audit {

// The row for `event` (index unset).
store::AuditRow RowForEvent(const prevent::audit::v1::AuditEvent& event);

// OK if `row`'s query columns are what its payload gives (or, once erased,
// cleared); DATA_LOSS naming the row otherwise.
absl::Status CheckQueryColumns(const store::AuditRow& row);

}  // namespace hub::audit

#endif  // HUB_AUDIT_EVENT_ROW_H_
