#include "policy/spiffe_id.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hub::policy {
namespace {

constexpr absl::string_view kScheme = "spiffe://";

}  // namespace

bool SpiffeId::IsValidTrustDomain(absl::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (char c : s) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
          c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

namespace {

bool ValidSegment(absl::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<SpiffeId> SpiffeId::Parse(absl::string_view uri) {
  const std::string expected =
      "expected spiffe://<trust-domain>/partner/<partner>/user/<user>";
  if (!absl::StartsWith(uri, kScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", uri, "' is not a SPIFFE ID: ", expected));
  }
  std::vector<absl::string_view> parts =
      absl::StrSplit(uri.substr(kScheme.size()), '/');
  if (parts.size() != 5 || parts[1] != "partner" || parts[3] != "user") {
    return absl::InvalidArgumentError(
        absl::StrCat("'", uri, "' has the wrong path: ", expected));
  }
  if (!IsValidTrustDomain(parts[0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", uri, "' has an invalid trust domain '", parts[0],
                     "' (lower-case letters, digits, '.', '-', '_')"));
  }
  if (!ValidSegment(parts[2]) || !ValidSegment(parts[4])) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", uri,
                     "' has an invalid partner or user segment (letters, "
                     "digits, '.', '-', '_')"));
  }
  return SpiffeId{std::string(parts[0]), std::string(parts[2]),
                  std::string(parts[4])};
}

std::string SpiffeId::ToString() const {
  return absl::StrCat(kScheme, trust_domain, "/partner/", partner, "/user/",
                      user);
}

}  // namespace hub::policy
