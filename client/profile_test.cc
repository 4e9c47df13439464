#include "client/profile.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::client {
namespace {

using ::testing::HasSubstr;

class ProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/profile_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    unlink((dir_ + "/profile.textproto").c_str());
    rmdir(dir_.c_str());
  }
  void Write(const std::string& text) {
    std::ofstream(dir_ + "/profile.textproto") << text;
  }
  std::string dir_;
};

TEST_F(ProfileTest, ResolvesFilesAgainstTheProfileDirectory) {
  Write(R"pb(hub_address: "127.0.0.1:7443"
             cert_file: "me.pem"
             key_file: "me.key"
             ca_file: "/etc/hub/ca.pem"
             cache_path: "cache.db")pb");
  auto profile = LoadProfile(dir_);
  ASSERT_THAT(profile, IsOk());
  EXPECT_EQ(profile->hub_address(), "127.0.0.1:7443");
  EXPECT_EQ(profile->cert_file(), dir_ + "/me.pem");
  EXPECT_EQ(profile->ca_file(), "/etc/hub/ca.pem");
  EXPECT_EQ(profile->cache_path(), dir_ + "/cache.db");
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
}

}  // namespace
}  // namespace hub::client
