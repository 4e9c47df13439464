#include "policy/record_types.h"

#include "absl/strings/str_cat.h"
#include "proto/audit.pb.h"
#include "proto/records.pb.h"

namespace hub::policy {

namespace pb = ::prevent::policy::v1;

const google::protobuf::Descriptor* RecordDescriptor(pb::RecordClass record) {
  switch (record) {
    case pb::IDENTITY:
      return prevent::records::v1::Identity::descriptor();
    case pb::CASE:
    case pb::INFORMATION:
      return prevent::records::v1::CaseFile::descriptor();
    case pb::BRIEFING:
      return prevent::records::v1::BriefingRendition::descriptor();
    case pb::ACCESS:
      return prevent::records::v1::Access::descriptor();
    case pb::SERVICE:
      return prevent::records::v1::ServiceInfo::descriptor();
    case pb::AUDIT_LOG:
      return prevent::audit::v1::AuditEvent::descriptor();
    case pb::AUDIT_PROOF:
      return prevent::records::v1::AuditProof::descriptor();
    default:
      return nullptr;
  }
}

bool IsCtPoliceRole(pb::Role role) {
  switch (role) {
    case pb::CT_GATEWAY_OFFICER:
    case pb::CT_CASE_OFFICER:
    case pb::CTLP_OWNER:
    case pb::CTLP_COORDINATOR:
    case pb::POLICE_AUDITOR:
      return true;
    default:
      return false;
  }
}

std::string WithholdReason(const google::protobuf::FieldDescriptor* field,
                           uint32_t allowed, bool police_recipients) {
  const google::protobuf::FieldOptions& options = field->options();
  const pb::SpecialCategory category =
      options.GetExtension(pb::special_category);
  if (category != pb::SPECIAL_CATEGORY_UNSPECIFIED &&
      (allowed & (1u << category)) == 0) {
    const std::string& name = pb::SpecialCategory_Name(category);
    return absl::StrCat("holds ", name, " special-category data; list ", name,
                        " in special_category_allowed to release it");
  }
  if (options.GetExtension(pb::police_only) && !police_recipients) {
    return "is police-only data; only a rule whose every recipient role is a "
           "CT police role may release it";
  }
  return "";
}

absl::StatusOr<Projection> CompileRuleFields(
    pb::RecordClass record, const std::vector<std::string>& paths,
    uint32_t special_allowed, bool police_recipients,
    std::vector<std::string>* withheld) {
  const google::protobuf::Descriptor* type = RecordDescriptor(record);
  if (type == nullptr) {
    return absl::InvalidArgumentError("the rule names no record class");
  }
  return Projection::Compile(
      type, paths,
      [&](const google::protobuf::FieldDescriptor* field) {
        return WithholdReason(field, special_allowed, police_recipients);
      },
      withheld);
}

}  // namespace hub::policy
