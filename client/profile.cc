#include "client/profile.h"

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/text_proto.h"

namespace hub::client {

absl::StatusOr<prevent::config::v1::ClientProfile> LoadProfile(
    const std::string& dir) {
  if (dir.empty()) {
    return absl::FailedPreconditionError(
        "no profile: pass --profile DIR (the directory holding "
        "profile.textproto)");
  }
  const std::string path = absl::StrCat(dir, "/profile.textproto");
  prevent::config::v1::ClientProfile profile;
  absl::Status parsed = common::ParseTextProtoFile(path, &profile);
  if (!parsed.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("profile: ", parsed.message()));
  }
  struct Field {
    const char* name;
    std::string* value;
  };
  const Field required[] = {
      {"hub_address", profile.mutable_hub_address()},
      {"cert_file", profile.mutable_cert_file()},
      {"key_file", profile.mutable_key_file()},
      {"ca_file", profile.mutable_ca_file()},
      {"audit_public_key_file", profile.mutable_audit_public_key_file()},
  };
  for (const Field& f : required) {
    if (f.value->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": ", f.name, " is required"));
    }
  }
  for (std::string* p :
       {profile.mutable_cert_file(), profile.mutable_key_file(),
        profile.mutable_ca_file(), profile.mutable_cache_path(),
        profile.mutable_audit_public_key_file()}) {
    *p = common::ResolvePath(dir, *p);
  }
  return profile;
}

}  // namespace hub::client
