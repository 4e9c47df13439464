#include "client/commands/context_options.h"

#include "client/commands/default_purpose.h"
#include "client/commands/enum_flag.h"
#include "client/commands/request_id.h"
#include "common/status_macros.h"
#include "proto/policy.pb.h"

namespace hub::client {

namespace pb = ::prevent::policy::v1;

void ContextOptions::Register(CLI::App* command, bool with_request_id) {
  with_request_id_ = with_request_id;
  command->add_option("--purpose", purpose_,
                      "why you ask (SPEC §3.4), e.g. PREVENT_SCREENING; "
                      "default: your role's usual purpose");
  command->add_option("--justification", justification_,
                      "why you need it, in your words (recorded in the audit "
                      "log; some rules require it)");
  if (with_request_id) {
    request_id_option_ =
        command->add_option("--request-id", request_id_,
                            "to retry a change safely, the id printed when it "
                            "failed; default: a fresh random id");
  }
}

absl::Status ContextOptions::Validate() const {
  if (!purpose_.empty()) {
    RETURN_IF_ERROR(
        ParseEnumFlag(pb::Purpose_descriptor(), "--purpose", purpose_)
            .status());
  }
  if (request_id_option_ != nullptr && request_id_option_->count() > 0) {
    RETURN_IF_ERROR(CheckRequestId(request_id_));
  }
  return absl::OkStatus();
}

absl::StatusOr<prevent::hub::v1::RequestContext> ContextOptions::Resolve(
    HubClient& client) const {
  RETURN_IF_ERROR(Validate());
  prevent::hub::v1::RequestContext context;
  if (!purpose_.empty()) {
    ASSIGN_OR_RETURN(int purpose, ParseEnumFlag(pb::Purpose_descriptor(),
                                                "--purpose", purpose_));
    context.set_purpose(static_cast<pb::Purpose>(purpose));
  } else if (default_purpose_ != pb::PURPOSE_UNSPECIFIED) {
    context.set_purpose(default_purpose_);
  } else {
    ASSIGN_OR_RETURN(prevent::hub::v1::WhoAmIResponse me,
                     client.WhoAmI(prevent::hub::v1::RequestContext()));
    context.set_purpose(DefaultReferralPurpose(me.identity()));
  }
  context.set_justification(justification_);
  if (with_request_id_) {
    if (request_id_option_->count() == 0) {
      ASSIGN_OR_RETURN(std::string id, NewRequestId());
      context.set_request_id(id);
    } else {
      context.set_request_id(request_id_);
    }
  }
  return context;
}

}  // namespace hub::client
