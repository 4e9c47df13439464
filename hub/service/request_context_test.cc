#include "hub/service/request_context.h"

#include "common/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hub::service {
namespace {

using ::absl::StatusCode;
using ::prevent::hub::v1::RequestContext;
using ::testing::HasSubstr;

TEST(RequestContextTest, EmptyAndWellFormedContextsPass) {
  EXPECT_THAT(ValidateRequestContext(RequestContext()), IsOk());
  RequestContext c;
  c.set_purpose(prevent::policy::v1::PREVENT_SCREENING);
  c.set_justification(std::string(500, 'x'));
  c.set_request_id("0192f3a4-5b6c-7d8e-9f00-112233445566");
  EXPECT_THAT(ValidateRequestContext(c), IsOk());
}

TEST(RequestContextTest, UnknownPurposeIsNamed) {
  RequestContext c;
  c.set_purpose(static_cast<prevent::policy::v1::Purpose>(999));
  EXPECT_THAT(
      ValidateRequestContext(c),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("context.purpose")));
}

TEST(RequestContextTest, JustificationIsCountedInCharactersNotBytes) {
  RequestContext c;
  std::string pound = "\xc2\xa3";  // £, two bytes
  std::string text;
  for (int i = 0; i < 500; ++i) text += pound;
  c.set_justification(text);
  EXPECT_THAT(ValidateRequestContext(c), IsOk());
  c.set_justification(text + "x");
  EXPECT_THAT(ValidateRequestContext(c),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("context.justification: 501 characters")));
}

TEST(RequestContextTest, InvalidUtf8IsRefused) {
  RequestContext c;
  c.set_justification("ok \xff");
  EXPECT_THAT(
      ValidateRequestContext(c),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("not valid UTF-8")));
}

TEST(RequestContextTest, RequestIdIsBoundedAndPrintable) {
  RequestContext c;
  c.set_request_id(std::string(65, 'a'));
  EXPECT_THAT(ValidateRequestContext(c),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("context.request_id: 65")));
  c.set_request_id("has space");
  EXPECT_THAT(
      ValidateRequestContext(c),
      StatusIs(StatusCode::kInvalidArgument, HasSubstr("printable ASCII")));
}

}  // namespace
}  // namespace hub::service
