#include "hub/audit/event_row.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "absl/strings/str_cat.h"
#include "hub/audit/commitment.h"

namespace hub::audit {
namespace {

namespace pb = ::prevent::audit::v1;

// Copies the selected-on fields of `event` into `row`.
void FillQueryColumns(const pb::AuditEvent& event, store::AuditRow* row) {
  row->time_ms = event.time_unix_ms();
  row->operation = event.operation();
  row->allowed = event.decision().allowed();
  row->police_domain =
      event.regime() == prevent::policy::v1::LegalBasis::DPA_PART3;
  row->actor_partner_id = event.actor().partner_id();
  row->partner_ids.clear();
  auto add_partner = [row](const std::string& id) {
    if (id.empty()) return;
    for (const std::string& seen : row->partner_ids) {
      if (seen == id) return;
    }
    row->partner_ids.push_back(id);
  };
  add_partner(event.actor().partner_id());
  add_partner(event.object().source_partner_id());
  for (const pb::Recipient& r : event.recipients()) add_partner(r.partner_id());
  row->subject_pseudonym = event.object().subject_pseudonym();
  row->referral_id = event.object().referral_id();
}

}  // namespace

store::AuditRow RowForEvent(const pb::AuditEvent& event) {
  store::AuditRow row;
  {
    google::protobuf::io::StringOutputStream out(&row.event);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    event.SerializeToCodedStream(&coded);
  }
  row.salt = NewSalt();
  row.commitment = HashBytes(EventCommitment(row.salt, row.event));
  FillQueryColumns(event, &row);
  return row;
}

absl::Status CheckQueryColumns(const store::AuditRow& row) {
  auto altered = [&row] {
    return absl::DataLossError(absl::StrCat(
        "audit event ", row.index,
        "'s query columns do not match its content: they were altered"));
  };
  if (row.erased()) {
    if (!row.actor_partner_id.empty() || !row.partner_ids.empty() ||
        !row.subject_pseudonym.empty() || !row.referral_id.empty()) {
      return altered();
    }
    return absl::OkStatus();
  }
  pb::AuditEvent event;
  if (!event.ParseFromString(row.event)) {
    return absl::DataLossError(
        absl::StrCat("audit event ", row.index, " cannot be parsed"));
  }
  store::AuditRow want;
  FillQueryColumns(event, &want);
  if (want.time_ms != row.time_ms || want.operation != row.operation ||
      want.allowed != row.allowed || want.police_domain != row.police_domain ||
      want.actor_partner_id != row.actor_partner_id ||
      want.partner_ids != row.partner_ids ||
      want.subject_pseudonym != row.subject_pseudonym ||
      want.referral_id != row.referral_id) {
    return altered();
  }
  return absl::OkStatus();
}

}  // namespace hub::audit
