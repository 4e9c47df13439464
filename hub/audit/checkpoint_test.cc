#include "hub/audit/checkpoint.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/ed25519.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

// A root whose bytes are 0x00, 0x01, ..., 0x1f.
Hash CountingRoot() {
  Hash h;
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i);
  return h;
}
constexpr absl::string_view kCountingRootBase64 =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

Checkpoint Known() {
  Checkpoint c;
  c.origin = "prevent-hub/store-1";
  c.tree_size = 42;
  c.root = CountingRoot();
  c.time = absl::FromUnixMillis(1700000000123);
  return c;
}

constexpr absl::string_view kKnownBody =
    "prevent-hub/store-1\n"
    "42\n"
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    "time 1700000000123\n";

// A body with the given lines, each followed by '\n'.
std::string Body(absl::string_view origin, absl::string_view size,
                 absl::string_view root, absl::string_view time) {
  return absl::StrCat(origin, "\n", size, "\n", root, "\n", time, "\n");
}

// A deterministic signing key from a seed of 32 copies of `fill`.
common::Ed25519PrivateKey Key(char fill) {
  absl::StatusOr<common::Ed25519PrivateKey> key =
      common::Ed25519PrivateKey::FromRawSeed(std::string(32, fill));
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}

// Expects ParseCheckpointBody(body) to fail with INVALID_ARGUMENT whose
// message contains `message`.
void ExpectParseError(absl::string_view body, absl::string_view message) {
  EXPECT_THAT(ParseCheckpointBody(body),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)))
      << "body: " << body;
}

// ---------------------------------------------------------------------------
// The body format

TEST(CheckpointBodyTest, KnownCheckpointIsByteExact) {
  EXPECT_EQ(CheckpointBody(Known()), kKnownBody);
}

TEST(CheckpointBodyTest, EmptyTreeWithEmptyRoot) {
  Checkpoint c = Known();
  c.tree_size = 0;
  c.root = EmptyRoot();
  c.time = absl::UnixEpoch();
  EXPECT_EQ(CheckpointBody(c),
            "prevent-hub/store-1\n0\n"
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ntime 0\n");
}

TEST(CheckpointBodyTest, TimeIsRoundedDownToMilliseconds) {
  Checkpoint c = Known();
  c.time = absl::FromUnixMillis(1700000000123) + absl::Microseconds(999);
  EXPECT_EQ(CheckpointBody(c), kKnownBody);
}

TEST(CheckpointBodyTest, ExtremeValues) {
  Checkpoint c = Known();
  c.tree_size = std::numeric_limits<uint64_t>::max();
  c.time = absl::FromUnixMillis(-1);
  const std::string body = CheckpointBody(c);
  EXPECT_THAT(body, HasSubstr("\n18446744073709551615\n"));
  EXPECT_THAT(body, HasSubstr("\ntime -1\n"));
  absl::StatusOr<Checkpoint> parsed = ParseCheckpointBody(body);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(*parsed, c);
}

TEST(CheckpointBodyTest, ValidatesOrigin) {
  EXPECT_THAT(ValidateCheckpointOrigin("prevent-hub/store-1"), IsOk());
  EXPECT_THAT(ValidateCheckpointOrigin(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("origin is empty")));
  EXPECT_THAT(ValidateCheckpointOrigin("a\nb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("contains a newline")));
}

TEST(CheckpointBodyDeathTest, RefusesAnOriginWithANewline) {
  Checkpoint c = Known();
  c.origin = "prevent-hub\n7";
  EXPECT_DEATH(CheckpointBody(c), "check failed");
}

// ---------------------------------------------------------------------------
// Parsing

TEST(ParseCheckpointBodyTest, ParsesTheKnownBody) {
  absl::StatusOr<Checkpoint> c = ParseCheckpointBody(kKnownBody);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->origin, "prevent-hub/store-1");
  EXPECT_EQ(c->tree_size, 42u);
  EXPECT_EQ(c->root, CountingRoot());
  EXPECT_EQ(c->time, absl::FromUnixMillis(1700000000123));
  EXPECT_EQ(*c, Known());
}

TEST(ParseCheckpointBodyTest, RoundTrips) {
  for (uint64_t size : {uint64_t{0}, uint64_t{1}, uint64_t{1000000007}}) {
    Checkpoint c = Known();
    c.tree_size = size;
    c.root = LeafHash(absl::StrCat("leaf ", size));
    c.time = absl::FromUnixMillis(1600000000000 + static_cast<int64_t>(size));
    const std::string body = CheckpointBody(c);
    absl::StatusOr<Checkpoint> parsed = ParseCheckpointBody(body);
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, c);
    EXPECT_EQ(CheckpointBody(*parsed), body);
  }
}

TEST(ParseCheckpointBodyTest, MissingLines) {
  ExpectParseError("", "line 1 (origin) is missing");
  ExpectParseError("prevent-hub/store-1\n", "line 2 (tree size) is missing");
  ExpectParseError("prevent-hub/store-1\n42\n",
                   "line 3 (root hash) is missing");
  ExpectParseError(
      absl::StrCat("prevent-hub/store-1\n42\n", kCountingRootBase64, "\n"),
      "line 4 (time) is missing");
}

TEST(ParseCheckpointBodyTest, LastLineMustEndWithNewline) {
  std::string body(kKnownBody);
  body.pop_back();
  ExpectParseError(body, "line 4 (time) does not end with a newline");
  ExpectParseError("prevent-hub/store-1",
                   "line 1 (origin) does not end with a newline");
}

TEST(ParseCheckpointBodyTest, EmptyOrigin) {
  ExpectParseError(Body("", "42", kCountingRootBase64, "time 5"),
                   "line 1 (origin) is empty");
}

TEST(ParseCheckpointBodyTest, SizeMustBeCanonicalDecimal) {
  for (absl::string_view size :
       {"", "abc", "4x2", "0x2a", "+42", " 42", "42 ", "4 2", "042", "00", "-1",
        "42\r", "4.2", "1e3"}) {
    ExpectParseError(Body("o", size, kCountingRootBase64, "time 5"),
                     "line 2 (tree size)");
    ExpectParseError(Body("o", size, kCountingRootBase64, "time 5"),
                     "is not a decimal number");
  }
}

TEST(ParseCheckpointBodyTest, SizeMustFitIn64Bits) {
  ExpectParseError(
      Body("o", "18446744073709551616", kCountingRootBase64, "time 5"),
      "line 2 (tree size) \"18446744073709551616\" is larger than "
      "18446744073709551615");
  ExpectParseError(
      Body("o", "99999999999999999999999", kCountingRootBase64, "time 5"),
      "is larger than");
  EXPECT_THAT(ParseCheckpointBody(Body("o", "18446744073709551615",
                                       kCountingRootBase64, "time 5")),
              IsOk());
}

TEST(ParseCheckpointBodyTest, RootMustBeCanonicalStandardBase64) {
  const std::string standard = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  EXPECT_THAT(ParseCheckpointBody(Body("o", "0", standard, "time 0")), IsOk());
  const std::string url_safe =
      absl::StrReplaceAll(standard, {{"+", "-"}, {"/", "_"}});
  for (const std::string& root :
       {std::string("!!!"), std::string("not base64"), url_safe,
        standard.substr(0, standard.size() - 1),  // padding stripped
        standard + "=",                           // too much padding
        " " + standard, standard + " "}) {
    ExpectParseError(Body("o", "0", root, "time 0"), "line 3 (root hash)");
    ExpectParseError(Body("o", "0", root, "time 0"),
                     "is not standard base64 with padding");
  }
}

TEST(ParseCheckpointBodyTest, RootMustBe32Bytes) {
  ExpectParseError(Body("o", "1", "", "time 0"), "line 3 (root hash) is empty");
  ExpectParseError(
      Body("o", "1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", "time 0"),
      "line 3 (root hash) decodes to 31 bytes");
  ExpectParseError(
      Body("o", "1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g", "time 0"),
      "line 3 (root hash) decodes to 33 bytes");
}

TEST(ParseCheckpointBodyTest, TimeLineMustBeWellFormed) {
  for (absl::string_view time : {"", "tim 5", "Time 5", "time", "5", "time5",
                                 "timestamp 5", " time 5"}) {
    ExpectParseError(Body("o", "1", kCountingRootBase64, time),
                     "line 4 (time)");
    ExpectParseError(Body("o", "1", kCountingRootBase64, time),
                     "is not \"time <unix milliseconds>\"");
  }
  for (absl::string_view time :
       {"time ", "time  5", "time 5 ", "time +5", "time 05", "time -0",
        "time --5", "time 1.5", "time 5ms", "time 1700000000123\r"}) {
    ExpectParseError(Body("o", "1", kCountingRootBase64, time),
                     "line 4 (time)");
    ExpectParseError(Body("o", "1", kCountingRootBase64, time),
                     "not a");  // "not a decimal" / "not a canonical"
  }
  ExpectParseError(
      Body("o", "1", kCountingRootBase64, "time 9223372036854775808"),
      "line 4 (time) \"9223372036854775808\" is larger than");
  EXPECT_THAT(ParseCheckpointBody(Body("o", "1", kCountingRootBase64,
                                       "time -9223372036854775808")),
              IsOk());
}

TEST(ParseCheckpointBodyTest, TrailingJunk) {
  const std::string known(kKnownBody);
  ExpectParseError(known + "junk\n",
                   "line 5 (extra) \"junk\" follows the time line");
  ExpectParseError(known + "junk", "line 5 (extra) \"junk\" follows");
  ExpectParseError(known + "\n", "line 5 (extra) \"\" follows");
  ExpectParseError(known + "time 6\n", "follows the time line");
  ExpectParseError(known + "\nsignature line\n", "follows the time line");
}

TEST(ParseCheckpointBodyTest, QuotesUntrustedTextSafely) {
  absl::StatusOr<Checkpoint> c = ParseCheckpointBody(
      Body("o", std::string("4\x01\xff") + std::string(200, '9'),
           kCountingRootBase64, "time 0"));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.status().message(), HasSubstr("\"4\\001\\377999"));
  EXPECT_THAT(c.status().message(), HasSubstr("...\""));
  EXPECT_LT(c.status().message().size(), 250u);
}

// ---------------------------------------------------------------------------
// Signing and verifying

TEST(SignedCheckpointTest, SignsAndVerifies) {
  common::Ed25519PrivateKey key = Key('\x01');
  SignedCheckpoint signed_checkpoint = SignCheckpoint(Known(), key);
  EXPECT_EQ(signed_checkpoint.body, kKnownBody);
  EXPECT_THAT(signed_checkpoint.signature,
              SizeIs(common::kEd25519SignatureSize));
  absl::StatusOr<Checkpoint> verified =
      VerifyCheckpoint(signed_checkpoint, key.PublicKey());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(*verified, Known());
}

TEST(SignedCheckpointTest, ChangedBodyFailsVerification) {
  common::Ed25519PrivateKey key = Key('\x01');
  common::Ed25519PublicKey pub = key.PublicKey();
  const std::string signature = SignCheckpoint(Known(), key).signature;
  const std::string want = absl::StrCat(
      "the checkpoint's signature does not verify with the hub's audit key ",
      pub.KeyId());

  Checkpoint size = Known();
  size.tree_size = 43;
  Checkpoint root = Known();
  root.root[31] ^= 0x01;
  Checkpoint time = Known();
  time.time += absl::Milliseconds(1);
  Checkpoint origin = Known();
  origin.origin = "prevent-hub/store-2";
  for (const Checkpoint& changed : {size, root, time, origin}) {
    EXPECT_THAT(VerifyCheckpoint({CheckpointBody(changed), signature}, pub),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr(want)))
        << CheckpointBody(changed);
  }
}

TEST(SignedCheckpointTest, WrongKeyFailsVerification) {
  SignedCheckpoint signed_checkpoint = SignCheckpoint(Known(), Key('\x01'));
  common::Ed25519PublicKey other = Key('\x02').PublicKey();
  EXPECT_THAT(VerifyCheckpoint(signed_checkpoint, other),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr(absl::StrCat("with the hub's audit key ",
                                              other.KeyId()))));
}

TEST(SignedCheckpointTest, DamagedSignatureFailsVerification) {
  common::Ed25519PrivateKey key = Key('\x01');
  SignedCheckpoint truncated = SignCheckpoint(Known(), key);
  truncated.signature.pop_back();
  EXPECT_THAT(
      VerifyCheckpoint(truncated, key.PublicKey()),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not verify")));
  SignedCheckpoint empty = SignCheckpoint(Known(), key);
  empty.signature.clear();
  EXPECT_THAT(
      VerifyCheckpoint(empty, key.PublicKey()),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not verify")));
}

TEST(SignedCheckpointTest, SignedMalformedBodyIsInvalidArgument) {
  common::Ed25519PrivateKey key = Key('\x01');
  const std::string body = Body("o", "+1", kCountingRootBase64, "time 0");
  EXPECT_THAT(VerifyCheckpoint({body, key.Sign(body)}, key.PublicKey()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2 (tree size)")));
}

}  // namespace
}  // namespace hub::audit
