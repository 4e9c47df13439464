// libFuzzer target: the policy file is untrusted input to hubd (and to
// `hubd policy check`), so parsing, validating and compiling any bytes must
// end in a policy or an error, never a crash, leak or undefined behaviour;
// and any policy accepted must answer Decide() for each of its principals.
#include <cstddef>
#include <cstdint>

#include "policy/decide.h"
#include "policy/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1790000000);  // 2026-09
  auto policy = hub::policy::Policy::Parse(text, "fuzz.textproto", now);
  if (!policy.ok()) return 0;
  for (const auto& principal : (*policy)->file().principals()) {
    (*policy)->FindPrincipalBySpiffeId(principal.spiffe_id());
    hub::policy::Request request;
    request.principal = &principal;
    request.partner = (*policy)->FindPartner(principal.partner_id());
    request.context.now = now;
    for (int record = 0; record < 6; ++record) {
      for (int action = 0; action < 6; ++action) {
        request.action = static_cast<hub::policy::Action>(action);
        request.resource.record = static_cast<hub::policy::RecordClass>(record);
        request.resource.source_partner_id = principal.partner_id();
        request.resource.owner_principal_id = principal.id();
        hub::policy::Decision decision = hub::policy::Decide(**policy, request);
        hub::policy::Explain(decision);
      }
    }
  }
  return 0;
}
