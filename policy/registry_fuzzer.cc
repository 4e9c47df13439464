// libFuzzer target: the policy file is untrusted input to hubd (and to
// `hubd policy check`), so parsing and validating any bytes must end in a
// registry or an error, never a crash, leak or undefined behaviour.
#include <cstddef>
#include <cstdint>

#include "policy/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto registry = hub::policy::Registry::Parse(text, "fuzz.textproto");
  if (registry.ok()) {
    // Exercise the lookups on whatever was accepted.
    for (const auto& principal : (*registry)->file().principals()) {
      (*registry)->FindPrincipalBySpiffeId(principal.spiffe_id());
      (*registry)->FindPartner(principal.partner_id());
    }
  }
  return 0;
}
