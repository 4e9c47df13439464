#include "hub/hub_config.h"

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/text_proto.h"

namespace hub {

absl::StatusOr<prevent::config::v1::HubConfig> LoadHubConfig(
    const std::string& path) {
  prevent::config::v1::HubConfig config;
  RETURN_IF_ERROR(common::ParseTextProtoFile(path, &config));
  const std::string dir = common::DirName(path);
  struct Field {
    const char* name;
    std::string* value;
    bool is_path;  // resolved against the config's directory
  };
  const Field fields[] = {
      {"listen_address", config.mutable_listen_address(), false},
      {"cert_file", config.mutable_cert_file(), true},
      {"key_file", config.mutable_key_file(), true},
      {"ca_file", config.mutable_ca_file(), true},
      {"crl_file", config.mutable_crl_file(), true},
      {"policy_file", config.mutable_policy_file(), true},
      {"database_path", config.mutable_database_path(), true},
      {"audit_signing_key_file", config.mutable_audit_signing_key_file(), true},
      {"audit_pseudonym_key_file", config.mutable_audit_pseudonym_key_file(),
       true},
  };
  for (const Field& f : fields) {
    if (f.value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", f.name, " is required; see docs/operations.md"));
    }
    if (f.is_path) *f.value = common::ResolvePath(dir, *f.value);
  }
  if (config.drain_seconds() == 0) config.set_drain_seconds(10);
  return config;
}

}  // namespace hub
