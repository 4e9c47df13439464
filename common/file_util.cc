#include "common/file_util.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace hub::common {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string what =
        absl::StrCat("cannot read ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(what);
    return absl::FailedPreconditionError(what);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::FailedPreconditionError(absl::StrCat("error reading ", path));
  }
  return contents.str();
}

absl::StatusOr<std::string> ReadConfiguredFile(absl::string_view field,
                                               const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFile(path);
  if (!contents.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", contents.status().message()));
  }
  return contents;
}

std::string ResolvePath(absl::string_view base_dir, absl::string_view path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) {
    return std::string(path);
  }
  return absl::StrCat(base_dir, "/", path);
}

std::string DirName(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace hub::common
