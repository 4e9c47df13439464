// A suite's budget from the environment: the extended tier raises the CI
// defaults through variables such as HUB_CRASH_ITERATIONS (docs/testing.md).
#ifndef HUB_TESTS_BUDGET_H_
#define HUB_TESTS_BUDGET_H_

#include <cstdlib>

#include "absl/strings/numbers.h"

namespace hub::testing {

// A positive number from the environment variable `name`, or `fallback`.
inline int EnvInt(const char* name, int fallback) {
  int n = 0;
  const char* env = std::getenv(name);
  return env != nullptr && absl::SimpleAtoi(env, &n) && n > 0 ? n : fallback;
}

}  // namespace hub::testing

#endif  // HUB_TESTS_BUDGET_H_
