// The vocabulary the engine shares with the record messages: which message
// each record class's field paths are written in, and which roles are
// counter-terrorism police roles (the only ones police-only fields reach).
#ifndef HUB_POLICY_RECORD_TYPES_H_
#define HUB_POLICY_RECORD_TYPES_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/projection.h"
#include "proto/policy.pb.h"

namespace hub::policy {

// The message of proto/records.proto that `record` names; null for
// RECORD_CLASS_UNSPECIFIED or an unknown value.
const google::protobuf::Descriptor* RecordDescriptor(
    prevent::policy::v1::RecordClass record);

// True for the CT police roles of SPEC §1.1 (gateway, case officer, CTLP
// owner and coordinator, police auditor).
bool IsCtPoliceRole(prevent::policy::v1::Role role);

// Why `field` may not be released by a rule that allows the special
// categories in `allowed` (a bit per SpecialCategory) to recipients who are
// all CT police (`police_recipients`), or "" if it may be.
std::string WithholdReason(const google::protobuf::FieldDescriptor* field,
                           uint32_t allowed, bool police_recipients);

// Compiles a rule's allowed field paths against `record`'s message, never
// releasing what WithholdReason() withholds; covered-but-withheld paths are
// appended to `withheld`. INVALID_ARGUMENT names the first bad path.
absl::StatusOr<Projection> CompileRuleFields(
    prevent::policy::v1::RecordClass record,
    const std::vector<std::string>& paths, uint32_t special_allowed,
    bool police_recipients, std::vector<std::string>* withheld);

}  // namespace hub::policy

#endif  // HUB_POLICY_RECORD_TYPES_H_
