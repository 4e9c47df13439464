// The PKI that certs/make_certs.sh makes for tests (the CTest fixture
// `test_certs`), found through $HUB_TEST_CERTS. Test-only.
#ifndef HUB_COMMON_TEST_CERTS_H_
#define HUB_COMMON_TEST_CERTS_H_

#include <cstdlib>
#include <string>

#include "common/file_util.h"
#include "gtest/gtest.h"

namespace hub::common {

// The fixture's directory; a path that cannot exist if the variable is unset,
// so every read then fails loudly.
inline std::string TestCertsDir() {
  const char* dir = std::getenv("HUB_TEST_CERTS");
  return dir != nullptr ? dir : "/HUB_TEST_CERTS-is-not-set";
}

// The contents of `name` (e.g. "clients/u-hokoro.pem") in the fixture's
// directory; records a test failure and returns "" if it cannot be read.
inline std::string ReadTestCert(const std::string& name) {
  absl::StatusOr<std::string> pem = ReadFile(TestCertsDir() + "/" + name);
  if (!pem.ok()) ADD_FAILURE() << pem.status();
  return pem.value_or("");
}

}  // namespace hub::common

#endif  // HUB_COMMON_TEST_CERTS_H_
