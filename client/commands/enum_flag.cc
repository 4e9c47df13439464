#include "client/commands/enum_flag.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hub::client {

absl::StatusOr<int> ParseEnumFlag(const google::protobuf::EnumDescriptor* type,
                                  absl::string_view flag,
                                  absl::string_view value) {
  const std::string wanted = absl::AsciiStrToUpper(value);
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    const google::protobuf::EnumValueDescriptor* v = type->value(i);
    if (v->number() == 0) continue;
    if (v->name() == wanted) return v->number();
    names.push_back(v->name());
  }
  return absl::InvalidArgumentError(absl::StrCat(flag, ": unknown value '",
                                                 value, "'; use one of ",
                                                 absl::StrJoin(names, ", ")));
}

}  // namespace hub::client
