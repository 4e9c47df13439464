// Keys are generated here through OpenSSL's EVP API (none are committed);
// the known-answer tests use the RFC 8032 §7.1 vectors.
#include "common/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <string>

#include "absl/strings/escaping.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::common {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using ::testing::StartsWith;

// Which PEM form of a generated key to write.
enum class PemForm { kPrivate, kEncryptedPrivate, kPublic };

// Generates a key with EVP_PKEY_Q_keygen ("ED25519", or "EC" on P-256) and
// returns it as PEM.
std::string GeneratePem(const char* type, PemForm form) {
  EvpPkeyPtr pkey(absl::string_view(type) == "EC"
                      ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                      : EVP_PKEY_Q_keygen(nullptr, nullptr, type));
  EXPECT_NE(pkey, nullptr);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  int ok = 0;
  switch (form) {
    case PemForm::kPrivate:
      ok = PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0,
                                    nullptr, nullptr);
      break;
    case PemForm::kEncryptedPrivate: {
      static char kPassphrase[] = "correct horse";
      ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(),
                                         EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                         kPassphrase);
      break;
    }
    case PemForm::kPublic:
      ok = PEM_write_bio_PUBKEY(bio.get(), pkey.get());
      break;
  }
  EXPECT_EQ(ok, 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);  // NOLINT(runtime/int)
  return std::string(data, static_cast<size_t>(len));
}

Ed25519PrivateKey NewKey() {
  absl::StatusOr<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromPem(GeneratePem("ED25519", PemForm::kPrivate));
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}

// One RFC 8032 §7.1 test vector, in hex.
struct Rfc8032Vector {
  const char* secret_key;
  const char* public_key;
  const char* message;
  const char* signature;
  const char* key_id;  // SHA-256(public_key)[0:4], computed independently
};

constexpr Rfc8032Vector kTest1 = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    "21fe31df",
};

constexpr Rfc8032Vector kTest2 = {
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    "39f713d0",
};

void CheckVector(const Rfc8032Vector& v) {
  absl::StatusOr<Ed25519PrivateKey> key =
      Ed25519PrivateKey::FromRawSeed(absl::HexStringToBytes(v.secret_key));
  ASSERT_THAT(key, IsOk());
  const std::string message = absl::HexStringToBytes(v.message);
  EXPECT_EQ(absl::BytesToHexString(key->RawPublicKey()), v.public_key);
  EXPECT_EQ(absl::BytesToHexString(key->Sign(message)), v.signature);

  absl::StatusOr<Ed25519PublicKey> pub =
      Ed25519PublicKey::FromRaw(absl::HexStringToBytes(v.public_key));
  ASSERT_THAT(pub, IsOk());
  EXPECT_TRUE(pub->Verify(message, absl::HexStringToBytes(v.signature)));
  EXPECT_EQ(pub->KeyId(), v.key_id);
}

TEST(Ed25519Test, Rfc8032Test1) { CheckVector(kTest1); }

TEST(Ed25519Test, Rfc8032Test2) { CheckVector(kTest2); }

TEST(Ed25519Test, SignVerifyRoundTrip) {
  Ed25519PrivateKey key = NewKey();
  const std::string message = "tree size 42";
  std::string signature = key.Sign(message);
  EXPECT_THAT(signature, SizeIs(kEd25519SignatureSize));
  EXPECT_EQ(key.Sign(message), signature);  // Ed25519 is deterministic.
  EXPECT_TRUE(key.PublicKey().Verify(message, signature));

  // The same key, reached through each of the public forms.
  absl::StatusOr<Ed25519PublicKey> from_pem =
      Ed25519PublicKey::FromPem(key.PublicKeyPem());
  ASSERT_THAT(from_pem, IsOk());
  EXPECT_TRUE(from_pem->Verify(message, signature));
  absl::StatusOr<Ed25519PublicKey> from_raw =
      Ed25519PublicKey::FromRaw(key.RawPublicKey());
  ASSERT_THAT(from_raw, IsOk());
  EXPECT_TRUE(from_raw->Verify(message, signature));
  EXPECT_EQ(from_raw->RawPublicKey(), key.RawPublicKey());
  EXPECT_EQ(from_raw->Pem(), key.PublicKeyPem());
  EXPECT_EQ(from_pem->KeyId(), from_raw->KeyId());
}

TEST(Ed25519Test, SignsEmptyAndBinaryMessages) {
  Ed25519PrivateKey key = NewKey();
  Ed25519PublicKey pub = key.PublicKey();
  EXPECT_TRUE(pub.Verify(absl::string_view(), key.Sign(absl::string_view())));
  const std::string binary("\0\xff\n\0", 4);
  EXPECT_TRUE(pub.Verify(binary, key.Sign(binary)));
}

TEST(Ed25519Test, PublicKeyFormats) {
  Ed25519PrivateKey key = NewKey();
  EXPECT_THAT(key.RawPublicKey(), SizeIs(kEd25519PublicKeySize));
  EXPECT_THAT(key.PublicKeyPem(), StartsWith("-----BEGIN PUBLIC KEY-----\n"));
  EXPECT_THAT(key.PublicKey().KeyId(), MatchesRegex("[0-9a-f]{8}"));
}

TEST(Ed25519Test, KeysSurviveMoves) {
  Ed25519PrivateKey key = NewKey();
  Ed25519PrivateKey moved = std::move(key);
  Ed25519PublicKey pub = moved.PublicKey();
  Ed25519PublicKey moved_pub = std::move(pub);
  EXPECT_TRUE(moved_pub.Verify("m", moved.Sign("m")));
}

TEST(Ed25519Test, VerifyFailsForFlippedMessageByte) {
  Ed25519PrivateKey key = NewKey();
  std::string message = "checkpoint body";
  std::string signature = key.Sign(message);
  message[3] ^= 0x01;
  EXPECT_FALSE(key.PublicKey().Verify(message, signature));
}

TEST(Ed25519Test, VerifyFailsForFlippedSignatureByte) {
  Ed25519PrivateKey key = NewKey();
  const std::string message = "checkpoint body";
  const std::string signature = key.Sign(message);
  for (size_t i : {size_t{0}, size_t{31}, size_t{32}, size_t{63}}) {
    std::string bad = signature;
    bad[i] ^= 0x01;
    EXPECT_FALSE(key.PublicKey().Verify(message, bad)) << "byte " << i;
  }
}

TEST(Ed25519Test, VerifyFailsForWrongKey) {
  Ed25519PrivateKey key = NewKey();
  Ed25519PrivateKey other = NewKey();
  const std::string message = "checkpoint body";
  EXPECT_FALSE(other.PublicKey().Verify(message, key.Sign(message)));
  EXPECT_NE(other.PublicKey().KeyId(), key.PublicKey().KeyId());
}

TEST(Ed25519Test, VerifyFailsForWrongLengthSignature) {
  Ed25519PrivateKey key = NewKey();
  const std::string message = "checkpoint body";
  const std::string signature = key.Sign(message);
  Ed25519PublicKey pub = key.PublicKey();
  EXPECT_FALSE(pub.Verify(message, ""));
  EXPECT_FALSE(pub.Verify(message, signature.substr(0, 63)));
  EXPECT_FALSE(pub.Verify(message, signature + "x"));
  EXPECT_FALSE(pub.Verify(message, signature + signature));
}

TEST(Ed25519Test, PrivateFromPemRejectsGarbage) {
  for (absl::string_view garbage :
       {absl::string_view(), absl::string_view("not a key"),
        absl::string_view("-----BEGIN PRIVATE KEY-----\nAAAA\n"
                          "-----END PRIVATE KEY-----\n")}) {
    EXPECT_THAT(
        Ed25519PrivateKey::FromPem(garbage),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 AllOf(HasSubstr("not a PEM private key"),
                       HasSubstr("openssl genpkey -algorithm ed25519"))))
        << garbage;
  }
}

TEST(Ed25519Test, PrivateFromPemRejectsP256Key) {
  EXPECT_THAT(Ed25519PrivateKey::FromPem(GeneratePem("EC", PemForm::kPrivate)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("of type EC, not Ed25519"),
                             HasSubstr("openssl genpkey -algorithm ed25519"))));
}

TEST(Ed25519Test, PrivateFromPemRejectsPublicKey) {
  EXPECT_THAT(
      Ed25519PrivateKey::FromPem(GeneratePem("ED25519", PemForm::kPublic)),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("got a PEM public key")));
}

TEST(Ed25519Test, PrivateFromPemRejectsEncryptedKeyWithoutPrompting) {
  EXPECT_THAT(
      Ed25519PrivateKey::FromPem(
          GeneratePem("ED25519", PemForm::kEncryptedPrivate)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is encrypted")));
}

TEST(Ed25519Test, PublicFromPemRejectsGarbage) {
  EXPECT_THAT(Ed25519PublicKey::FromPem("not a key"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("not a PEM public key"),
                             HasSubstr("openssl pkey -in KEY -pubout"))));
}

TEST(Ed25519Test, PublicFromPemRejectsP256Key) {
  EXPECT_THAT(Ed25519PublicKey::FromPem(GeneratePem("EC", PemForm::kPublic)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("of type EC, not Ed25519")));
}

TEST(Ed25519Test, PublicFromPemRejectsPrivateKey) {
  EXPECT_THAT(
      Ed25519PublicKey::FromPem(GeneratePem("ED25519", PemForm::kPrivate)),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("got a PEM private key"),
                     HasSubstr("openssl pkey -in KEY -pubout"))));
}

TEST(Ed25519Test, RawFormsRejectWrongLengths) {
  EXPECT_THAT(Ed25519PublicKey::FromRaw(std::string(31, 'k')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("32 bytes, got 31")));
  EXPECT_THAT(Ed25519PublicKey::FromRaw(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("32 bytes, got 0")));
  EXPECT_THAT(Ed25519PrivateKey::FromRawSeed(std::string(33, 's')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("32 bytes, got 33")));
}

}  // namespace
}  // namespace hub::common
