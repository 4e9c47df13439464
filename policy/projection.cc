#include "policy/projection.h"

#include <google/protobuf/reflection.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hub::policy {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

namespace {

// Deeper than any chain of distinct message types, so a withheld field is
// always found before the limit; it only stops recursive types.
constexpr int kMaxDepth = 16;

std::string NothingWithheld(const FieldDescriptor*) { return ""; }

// True if `type` or any message beneath it has a withheld field.
bool ContainsWithheld(const Descriptor* type, Projection::WithholdFn withhold,
                      int depth) {
  if (depth > kMaxDepth) return false;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (!withhold(field).empty()) return true;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        ContainsWithheld(field->message_type(), withhold, depth + 1)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Projection::Projection() : type_(nullptr), root_(std::make_shared<Node>()) {}

absl::StatusOr<Projection> Projection::Compile(
    const Descriptor* type, const std::vector<std::string>& paths) {
  return Compile(type, paths, NothingWithheld, nullptr);
}

void Projection::Restrict(Node* node, const Descriptor* type,
                          const std::string& prefix, WithholdFn withhold,
                          std::vector<std::string>* withheld) {
  if (prefix.size() > 512 || !ContainsWithheld(type, withhold, 0)) return;
  if (node->all) {
    node->all = false;
    node->fields.clear();
    for (int i = 0; i < type->field_count(); ++i) {
      node->fields[type->field(i)->number()] = nullptr;
    }
  }
  std::vector<int> drop;
  for (auto& [number, child] : node->fields) {
    const FieldDescriptor* field = type->FindFieldByNumber(number);
    const std::string path = absl::StrCat(prefix, field->name());
    if (!withhold(field).empty()) {
      if (withheld != nullptr) withheld->push_back(path);
      drop.push_back(number);
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (child == nullptr) {
      if (!ContainsWithheld(field->message_type(), withhold, 0)) continue;
      if (field->is_map()) {  // cannot select inside a map: withhold it all
        if (withheld != nullptr) withheld->push_back(path);
        drop.push_back(number);
        continue;
      }
      child = std::make_unique<Node>();
      child->all = true;
    }
    Restrict(child.get(), field->message_type(), path + ".", withhold,
             withheld);
  }
  for (int number : drop) node->fields.erase(number);
}

absl::StatusOr<Projection> Projection::Compile(
    const Descriptor* type, const std::vector<std::string>& paths,
    WithholdFn withhold, std::vector<std::string>* withheld) {
  auto root = std::make_shared<Node>();
  for (const std::string& path : paths) {
    std::vector<std::string> parts = absl::StrSplit(path, '.');
    Node* node = root.get();
    const Descriptor* message = type;
    for (size_t i = 0; i < parts.size(); ++i) {
      const std::string& part = parts[i];
      if (node->all) break;  // already allowed whole
      if (part == "*") {
        if (i + 1 != parts.size()) {
          return absl::InvalidArgumentError(
              absl::StrCat("field path '", path, "': '*' may only end a path"));
        }
        node->all = true;
        node->fields.clear();
        break;
      }
      const FieldDescriptor* field = message->FindFieldByName(part);
      if (field == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("field path '", path, "': ", message->full_name(),
                         " has no field '", part, "'"));
      }
      if (std::string why = withhold(field); !why.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("field path '", path, "': ", field->name(), " ", why));
      }
      // "a" and "a.*" allow a whole; a '*' anywhere else is refused below.
      const bool last = i + 1 == parts.size() ||
                        (parts[i + 1] == "*" && i + 2 == parts.size());
      if (last) {
        // The field whole: no node beneath it.
        node->fields[field->number()] = nullptr;
        break;
      }
      if (field->is_map() ||
          field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InvalidArgumentError(
            absl::StrCat("field path '", path, "': cannot select inside ",
                         field->is_map() ? "map" : "scalar", " field '",
                         field->full_name(), "'; allow it whole"));
      }
      auto it = node->fields.find(field->number());
      if (it != node->fields.end() && it->second == nullptr)
        break;  // already whole
      if (it == node->fields.end()) {
        it = node->fields.emplace(field->number(), std::make_unique<Node>())
                 .first;
      }
      node = it->second.get();
      message = field->message_type();
    }
  }
  const size_t first_withheld = withheld == nullptr ? 0 : withheld->size();
  Restrict(root.get(), type, "", withhold, withheld);
  if (withheld != nullptr) {
    std::sort(withheld->begin() + first_withheld, withheld->end());
  }
  return Projection(type, std::move(root));
}

void Projection::ApplyNode(const Node& node, Message* message) {
  if (node.all) return;
  const Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> set;
  reflection->ListFields(*message, &set);
  for (const FieldDescriptor* field : set) {
    auto it = node.fields.find(field->number());
    if (it == node.fields.end()) {
      reflection->ClearField(message, field);
      continue;
    }
    if (it->second == nullptr) continue;  // allowed whole
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        ApplyNode(*it->second,
                  reflection->MutableRepeatedMessage(message, field, i));
      }
    } else {
      ApplyNode(*it->second, reflection->MutableMessage(message, field));
    }
  }
}

void Projection::Apply(Message* message) const {
  ApplyNode(*root_, message);
  // Unknown fields could carry anything; no path can allow them. Dropped
  // after the projection, so only what it kept is walked.
  message->DiscardUnknownFields();
}

bool Projection::Allows(const std::string& path) const {
  const Node* node = root_.get();
  const Descriptor* message = type_;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (node->all) return true;
    const FieldDescriptor* field = message->FindFieldByName(std::string(part));
    if (field == nullptr) return false;
    auto it = node->fields.find(field->number());
    if (it == node->fields.end()) return false;
    if (it->second == nullptr) return true;
    node = it->second.get();
    message = field->message_type();
  }
  return node->all;
}

}  // namespace hub::policy
