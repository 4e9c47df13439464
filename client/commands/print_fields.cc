#include "client/commands/print_fields.h"

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace hub::client {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

// Values start in this column, or two spaces after a longer label.
constexpr size_t kValueColumn = 36;

void PrintLine(std::ostream& out, int depth, const std::string& label,
               const std::string& value) {
  std::string line = absl::StrCat(std::string(2 * depth, ' '), label);
  line.append(line.size() < kValueColumn ? kValueColumn - line.size() : 2, ' ');
  const std::string continuation = "\n" + std::string(line.size(), ' ');
  out << line << absl::StrReplaceAll(value, {{"\n", continuation}}) << "\n";
}

bool IsTimestamp(const Descriptor* type) {
  return type->full_name() == "google.protobuf.Timestamp";
}

// Read by reflection rather than by cast, so a dynamic message works too.
std::string FormatTimestamp(const Message& timestamp) {
  const Descriptor* type = timestamp.GetDescriptor();
  const Reflection* r = timestamp.GetReflection();
  const int64_t seconds =
      r->GetInt64(timestamp, type->FindFieldByName("seconds"));
  return common::FormatUtc(absl::FromUnixSeconds(seconds));
}

// The value of a scalar field; `index` is the item of a repeated field, or
// -1 for a singular one.
std::string ScalarValue(const Message& m, const FieldDescriptor* f, int index) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, index)
                              : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, index)
                              : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, index)
                              : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, index)
                              : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index)
                              : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index)
                              : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "yes"
                                                                        : "no";
    case FieldDescriptor::CPPTYPE_ENUM:
      // An unknown number (a newer hub) comes back with a made-up name
      // that still carries the number.
      return (rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f))->name();
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string value =
          rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        return absl::StrCat("(", value.size(), " bytes)");
      }
      return value;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

void PrintMessage(const Message& m, std::ostream& out, int depth);

void PrintField(const Message& m, const FieldDescriptor* f, int index,
                std::ostream& out, int depth) {
  const std::string label =
      index >= 0 ? absl::StrCat(f->name(), "[", index, "]") : f->name();
  if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    PrintLine(out, depth, label, ScalarValue(m, f, index));
    return;
  }
  const Reflection* r = m.GetReflection();
  const Message& sub =
      index >= 0 ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
  if (IsTimestamp(f->message_type())) {
    PrintLine(out, depth, label, FormatTimestamp(sub));
    return;
  }
  out << std::string(2 * depth, ' ') << label << "\n";
  PrintMessage(sub, out, depth + 1);
}

void PrintMessage(const Message& m, std::ostream& out, int depth) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);  // present ones, by number
  for (const FieldDescriptor* f : fields) {
    if (!f->is_repeated()) {
      PrintField(m, f, -1, out, depth);
      continue;
    }
    const int n = m.GetReflection()->FieldSize(m, f);
    for (int i = 0; i < n; ++i) PrintField(m, f, i, out, depth);
  }
}

}  // namespace

bool PrintFields(const google::protobuf::Message& message, std::ostream& out) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  if (fields.empty()) return false;
  PrintMessage(message, out, 0);
  return true;
}

}  // namespace hub::client
