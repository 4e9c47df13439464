#include "hub/audit/checkpoint.h"

#include <limits>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"

namespace hub::audit {
namespace {

// The body's lines, in order, as error messages name them.
constexpr int kLineCount = 4;
constexpr const char* kLineNames[kLineCount] = {"origin", "tree size",
                                                "root hash", "time"};
constexpr absl::string_view kTimePrefix = "time ";

// `text` quoted and C-escaped for an error message, cut short if long (a
// body is untrusted input and may be anything).
std::string Quoted(absl::string_view text) {
  constexpr size_t kMax = 80;
  std::string out = absl::StrCat("\"", absl::CEscape(text.substr(0, kMax)));
  if (text.size() > kMax) absl::StrAppend(&out, "...");
  absl::StrAppend(&out, "\"");
  return out;
}

// An INVALID_ARGUMENT for line `n` (1-based) of a checkpoint body.
absl::Status LineError(int n, absl::string_view what) {
  absl::string_view name = n <= kLineCount ? kLineNames[n - 1] : "extra";
  return absl::InvalidArgumentError(
      absl::StrCat("checkpoint line ", n, " (", name, ") ", what));
}

// Parses a canonical unsigned decimal: one or more ASCII digits, no sign,
// spaces or leading zeros (except "0" itself), at most `max`. On failure
// returns INVALID_ARGUMENT with a reason to append to the line.
absl::StatusOr<uint64_t> ParseCanonicalDecimal(absl::string_view text,
                                               uint64_t max) {
  const std::string reason = absl::StrCat(
      Quoted(text),
      " is not a decimal number (digits only; no sign, spaces or leading "
      "zeros)");
  if (text.empty() || (text.size() > 1 && text[0] == '0')) {
    return absl::InvalidArgumentError(reason);
  }
  uint64_t value = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return absl::InvalidArgumentError(reason);
    const uint64_t digit = static_cast<uint64_t>(ch - '0');
    if (value > (max - digit) / 10) {
      return absl::InvalidArgumentError(
          absl::StrCat(Quoted(text), " is larger than ", max));
    }
    value = value * 10 + digit;
  }
  return value;
}

// Parses a canonical signed decimal: ParseCanonicalDecimal, optionally after
// a '-' (but not "-0"), within int64_t.
absl::StatusOr<int64_t> ParseCanonicalInt64(absl::string_view text) {
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (absl::ConsumePrefix(&text, "-")) {
    absl::StatusOr<uint64_t> magnitude =
        ParseCanonicalDecimal(text, kMaxPositive + 1);
    if (!magnitude.ok()) return magnitude.status();
    if (*magnitude == 0) {
      return absl::InvalidArgumentError("\"-0\" is not a canonical number");
    }
    // -(magnitude - 1) - 1 stays within int64_t even for the minimum.
    return -static_cast<int64_t>(*magnitude - 1) - 1;
  }
  absl::StatusOr<uint64_t> value = ParseCanonicalDecimal(text, kMaxPositive);
  if (!value.ok()) return value.status();
  return static_cast<int64_t>(*value);
}

}  // namespace

bool operator==(const Checkpoint& a, const Checkpoint& b) {
  return a.origin == b.origin && a.tree_size == b.tree_size &&
         a.root == b.root && a.time == b.time;
}

absl::Status ValidateCheckpointOrigin(absl::string_view origin) {
  if (origin.empty()) {
    return absl::InvalidArgumentError(
        "the checkpoint origin is empty; it must name the log, e.g. "
        "\"prevent-hub/<store instance id>\"");
  }
  if (absl::StrContains(origin, '\n')) {
    return absl::InvalidArgumentError(
        absl::StrCat("the checkpoint origin ", Quoted(origin),
                     " contains a newline; it must be one line"));
  }
  return absl::OkStatus();
}

std::string CheckpointBody(const Checkpoint& c) {
  HUB_CHECK(ValidateCheckpointOrigin(c.origin).ok());
  return absl::StrCat(c.origin, "\n", c.tree_size, "\n",
                      absl::Base64Escape(HashBytes(c.root)), "\n", kTimePrefix,
                      absl::ToUnixMillis(c.time), "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpointBody(absl::string_view body) {
  // Every line ends with '\n', so splitting a well-formed body leaves one
  // last, empty piece after the time line.
  std::vector<absl::string_view> lines = absl::StrSplit(body, '\n');
  const bool terminated = lines.back().empty();
  if (terminated) lines.pop_back();
  const int count = static_cast<int>(lines.size());
  if (count > kLineCount) {
    return LineError(
        kLineCount + 1,
        absl::StrCat(Quoted(lines[kLineCount]),
                     " follows the time line; a checkpoint body has exactly ",
                     kLineCount, " lines"));
  }
  if (!terminated) {
    return LineError(count, "does not end with a newline");
  }
  if (count < kLineCount) {
    return LineError(count + 1, "is missing");
  }

  Checkpoint c;

  c.origin = std::string(lines[0]);
  if (c.origin.empty()) return LineError(1, "is empty");

  absl::StatusOr<uint64_t> size =
      ParseCanonicalDecimal(lines[1], std::numeric_limits<uint64_t>::max());
  if (!size.ok()) return LineError(2, size.status().message());
  c.tree_size = *size;

  if (lines[2].empty()) return LineError(3, "is empty");
  std::string raw_root;
  if (!absl::Base64Unescape(lines[2], &raw_root) ||
      absl::Base64Escape(raw_root) != lines[2]) {
    return LineError(3, absl::StrCat(Quoted(lines[2]),
                                     " is not standard base64 with padding"));
  }
  absl::StatusOr<Hash> root = HashFromBytes(raw_root);
  if (!root.ok()) {
    return LineError(3, absl::StrCat("decodes to ", raw_root.size(),
                                     " bytes; a SHA-256 root hash is 32"));
  }
  c.root = *root;

  absl::string_view time_line = lines[3];
  if (!absl::ConsumePrefix(&time_line, kTimePrefix)) {
    return LineError(4, absl::StrCat(Quoted(lines[3]),
                                     " is not \"time <unix milliseconds>\""));
  }
  absl::StatusOr<int64_t> millis = ParseCanonicalInt64(time_line);
  if (!millis.ok()) return LineError(4, millis.status().message());
  c.time = absl::FromUnixMillis(*millis);

  return c;
}

SignedCheckpoint SignCheckpoint(const Checkpoint& c,
                                const common::Ed25519PrivateKey& key) {
  SignedCheckpoint signed_checkpoint;
  signed_checkpoint.body = CheckpointBody(c);
  signed_checkpoint.signature = key.Sign(signed_checkpoint.body);
  return signed_checkpoint;
}

absl::StatusOr<Checkpoint> VerifyCheckpoint(
    const SignedCheckpoint& signed_checkpoint,
    const common::Ed25519PublicKey& key) {
  // The signature first: an unsigned body is untrusted whatever it holds,
  // and "altered or signed by another key" is the useful diagnosis then.
  if (!key.Verify(signed_checkpoint.body, signed_checkpoint.signature)) {
    return absl::DataLossError(absl::StrCat(
        "the checkpoint's signature does not verify with the hub's audit key ",
        key.KeyId(),
        " (the checkpoint was altered, or signed by another key)"));
  }
  return ParseCheckpointBody(signed_checkpoint.body);
}

}  // namespace hub::audit
