#include "client/profile.h"

#include <fstream>

#include "common/scoped_temp_dir.h"
#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::HasSubstr;

class ProfileTest : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    std::ofstream(dir_ + "/profile.textproto") << text;
  }
  common::ScopedTempDir temp_;
  const std::string dir_ = temp_.path();
};

TEST_F(ProfileTest, ResolvesFilesAgainstTheProfileDirectory) {
  Write(R"pb(hub_address: "127.0.0.1:7443"
             cert_file: "me.pem"
             key_file: "me.key"
             ca_file: "/etc/hub/ca.pem"
             cache_path: "cache.db"
             audit_public_key_file: "hub-audit.pub")pb");
  auto profile = LoadProfile(dir_);
  ASSERT_THAT(profile, IsOk());
  EXPECT_EQ(profile->hub_address(), "127.0.0.1:7443");
  EXPECT_EQ(profile->cert_file(), dir_ + "/me.pem");
  EXPECT_EQ(profile->ca_file(), "/etc/hub/ca.pem");
  EXPECT_EQ(profile->cache_path(), dir_ + "/cache.db");
  EXPECT_EQ(profile->audit_public_key_file(), dir_ + "/hub-audit.pub");
}

TEST_F(ProfileTest, MissingProfileIsALocalProblem) {
  EXPECT_THAT(LoadProfile(dir_ + "/nope"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("profile.textproto")));
  EXPECT_THAT(LoadProfile(""), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("--profile")));
}

TEST_F(ProfileTest, MissingFieldIsNamed) {
  Write(
      R"pb(hub_address: "127.0.0.1:7443" cert_file: "me.pem" ca_file: "ca.pem")pb");
  EXPECT_THAT(LoadProfile(dir_), StatusIs(absl::StatusCode::kFailedPrecondition,
                                          HasSubstr("key_file is required")));
  Write(R"pb(hub_address: "127.0.0.1:7443"
             cert_file: "me.pem"
             key_file: "me.key"
             ca_file: "ca.pem")pb");
  EXPECT_THAT(LoadProfile(dir_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("audit_public_key_file is required")));
}

}  // namespace
}  // namespace hub::client
