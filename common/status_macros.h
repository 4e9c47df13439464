// Small stand-ins for Abseil's status macros, which Debian's Abseil 20220623
// lacks. Shaped like absl's so they can be swapped for the real ones later.
#ifndef HUB_COMMON_STATUS_MACROS_H_
#define HUB_COMMON_STATUS_MACROS_H_

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HUB_STATUS_CONCAT_INNER_(a, b) a##b
#define HUB_STATUS_CONCAT_(a, b) HUB_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status hub_status_ = (expr);       \
    if (!hub_status_.ok()) return hub_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, else moves the value into `lhs`.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                           \
  HUB_ASSIGN_OR_RETURN_IMPL_(HUB_STATUS_CONCAT_(hub_statusor_, __LINE__), lhs, \
                             rexpr)

#define HUB_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  if (!statusor.ok()) return statusor.status();          \
  lhs = std::move(statusor).value()

// Aborts with a message when a programmer invariant does not hold. Never use
// it for conditions the environment or the input can cause.
#define HUB_CHECK(cond)                                                     \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                  \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

#endif  // HUB_COMMON_STATUS_MACROS_H_
