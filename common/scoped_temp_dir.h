// A directory for one test, created under $TMPDIR (or /tmp) and removed with
// everything in it when the object goes. Test-only.
#ifndef HUB_COMMON_SCOPED_TEMP_DIR_H_
#define HUB_COMMON_SCOPED_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace hub::common {

class ScopedTempDir {
 public:
  ScopedTempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr ? tmp : "/tmp") + "/hub_test.XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      ADD_FAILURE() << "cannot create a directory from " << tmpl;
    }
    path_ = tmpl;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace hub::common

#endif  // HUB_COMMON_SCOPED_TEMP_DIR_H_
