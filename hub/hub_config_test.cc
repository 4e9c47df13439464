#include "hub/hub_config.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub {
namespace {

using ::testing::HasSubstr;

class HubConfigTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = dir_ + "/hub.textproto";
    std::ofstream(path) << text;
    return path;
  }
  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path();
};

constexpr char kComplete[] = R"pb(
  listen_address: "127.0.0.1:0"
  cert_file: "pki/hub.pem"
  key_file: "pki/hub.key"
  ca_file: "/etc/hub/ca.pem"
  crl_file: "pki/crl.pem"
  policy_file: "policy.textproto"
  database_path: "hub.db"
  audit_signing_key_file: "pki/audit/signing.key"
  audit_pseudonym_key_file: "pki/audit/pseudonym.key"
)pb";

TEST_F(HubConfigTest, ResolvesRelativePathsAgainstTheConfigDirectory) {
  auto config = LoadHubConfig(Write(kComplete));
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->cert_file(), dir_ + "/pki/hub.pem");
  EXPECT_EQ(config->ca_file(), "/etc/hub/ca.pem");
  EXPECT_EQ(config->database_path(), dir_ + "/hub.db");
  EXPECT_EQ(config->audit_signing_key_file(), dir_ + "/pki/audit/signing.key");
  EXPECT_EQ(config->listen_address(), "127.0.0.1:0");
  EXPECT_EQ(config->drain_seconds(), 10u);
}

TEST_F(HubConfigTest, AMissingFieldIsNamed) {
  std::string text = kComplete;
  text.replace(text.find("crl_file"), 8, "# rl_file");
  EXPECT_THAT(LoadHubConfig(Write(text)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("crl_file is required")));
}

TEST_F(HubConfigTest, TheAuditKeysAreRequired) {
  for (const char* field :
       {"audit_signing_key_file", "audit_pseudonym_key_file"}) {
    std::string text = kComplete;
    text.replace(text.find(field), 1, "#");
    EXPECT_THAT(LoadHubConfig(Write(text)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(absl::StrCat(field, " is required"))));
  }
}

TEST_F(HubConfigTest, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(LoadHubConfig(Write("listen_address: \"x\"\nport: 1\n")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hub.textproto:2:")));
}

}  // namespace
}  // namespace hub
