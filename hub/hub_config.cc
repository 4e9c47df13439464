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
  };
  const Field fields[] = {
      {"listen_address", config.mutable_listen_address()},
      {"cert_file", config.mutable_cert_file()},
      {"key_file", config.mutable_key_file()},
      {"ca_file", config.mutable_ca_file()},
      {"crl_file", config.mutable_crl_file()},
      {"policy_file", config.mutable_policy_file()},
      {"database_path", config.mutable_database_path()},
  };
  for (const Field& f : fields) {
    if (f.value->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", f.name, " is required; see docs/operations.md"));
    }
    if (absl::string_view(f.name) != "listen_address") {
      *f.value = common::ResolvePath(dir, *f.value);
    }
  }
  if (config.drain_seconds() == 0) config.set_drain_seconds(10);
  return config;
}

}  // namespace hub
