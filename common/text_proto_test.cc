#include "common/text_proto.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/config.pb.h"

namespace hub::common {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(TextProtoTest, ParsesValidText) {
  prevent::config::v1::HubConfig config;
  ASSERT_THAT(
      ParseTextProto("listen_address: \"127.0.0.1:0\"\ndrain_seconds: 5",
                     "hub.textproto", &config),
      IsOk());
  EXPECT_EQ(config.listen_address(), "127.0.0.1:0");
  EXPECT_EQ(config.drain_seconds(), 5u);
}

TEST(TextProtoTest, ErrorsSayFileAndLineCountingFromOne) {
  prevent::config::v1::HubConfig config;
  EXPECT_THAT(ParseTextProto("listen_address: \"x\"\n  lisen_address: \"y\"\n",
                             "hub.textproto", &config),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("hub.textproto:2:"),
                             HasSubstr("lisen_address"))));
}

TEST(TextProtoTest, MissingFileIsNotFound) {
  prevent::config::v1::HubConfig config;
  EXPECT_THAT(ParseTextProtoFile("/nonexistent/hub.textproto", &config),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("/nonexistent/hub.textproto")));
}

}  // namespace
}  // namespace hub::common
