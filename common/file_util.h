// Reading configuration and key files with errors that name the file.
#ifndef HUB_COMMON_FILE_UTIL_H_
#define HUB_COMMON_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::common {

// Returns the whole contents of `path`. On failure returns NOT_FOUND (no such
// file) or FAILED_PRECONDITION (unreadable), naming the path and the reason.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Reads the file that configuration field `field` names. On failure returns
// FAILED_PRECONDITION "FIELD: cannot read PATH: reason": a file missing from
// the configuration is a set-up problem, never a "not found" answer.
absl::StatusOr<std::string> ReadConfiguredFile(absl::string_view field,
                                               const std::string& path);

// Replaces `path` with `contents` so a reader sees the old file or the new,
// never a mix: writes PATH.tmp, syncs it, renames it over `path`. Returns
// FAILED_PRECONDITION naming the path and the reason on failure.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents);

// Returns `path` unchanged if absolute or empty, else `base_dir`/`path`.
std::string ResolvePath(absl::string_view base_dir, absl::string_view path);

// Returns the directory part of `path` ("." if it has none).
std::string DirName(absl::string_view path);

}  // namespace hub::common

#endif  // HUB_COMMON_FILE_UTIL_H_
