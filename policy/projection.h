// A Projection is a set of allowed field paths compiled against one protobuf
// message type; applied to a message of that type it clears every field the
// paths do not allow, so each response is minimised the same way (SPEC P03).
// Immutable once compiled; thread-safe.
//
// Paths name fields by their proto names, separated by dots:
//   "display_name"      the field, whole (a message field with everything in
//   it) "partners.name"     only `name` inside each element of `partners`
//   "partners.*"        the same as "partners"
//   "*"                 every field
// Selecting inside a repeated message field applies to every element. Map
// fields can only be allowed whole. Unknown fields are always dropped.
#ifndef HUB_POLICY_PROJECTION_H_
#define HUB_POLICY_PROJECTION_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"

namespace hub::policy {

class Projection {
 public:
  // Says why a field must never be released by these paths (e.g. "holds
  // HEALTH special-category data; ..."), or "" if it may be.
  using WithholdFn =
      absl::FunctionRef<std::string(const google::protobuf::FieldDescriptor*)>;

  // Allows nothing.
  Projection();

  // Compiles `paths` against `type`. On failure returns INVALID_ARGUMENT
  // naming the first path that does not exist in `type` (or selects inside a
  // scalar or map field) and the message it was looked up in.
  static absl::StatusOr<Projection> Compile(
      const google::protobuf::Descriptor* type,
      const std::vector<std::string>& paths);

  // As above, but fields for which `withhold` gives a reason are never
  // allowed: a path naming one (or passing through one) is an error quoting
  // the reason, and a path that covers one ("a.*", a whole message) allows
  // everything under it except those fields. Their paths are appended to
  // `withheld` if it is not null.
  static absl::StatusOr<Projection> Compile(
      const google::protobuf::Descriptor* type,
      const std::vector<std::string>& paths, WithholdFn withhold,
      std::vector<std::string>* withheld);

  // Clears from `message` everything the paths do not allow.
  // REQUIRES: message->GetDescriptor() is the type this was compiled for.
  void Apply(google::protobuf::Message* message) const;

  // True if the field at `path` (proto names, dot-separated, as above) is
  // allowed as a whole.
  bool Allows(const std::string& path) const;

  const google::protobuf::Descriptor* type() const { return type_; }

 private:
  // What is allowed of one message: everything, or the listed fields.
  struct Node {
    bool all = false;
    // Field number -> what is allowed inside that field (null: all of it).
    absl::flat_hash_map<int, std::unique_ptr<Node>> fields;
  };

  Projection(const google::protobuf::Descriptor* type,
             std::shared_ptr<const Node> root)
      : type_(type), root_(std::move(root)) {}

  static void ApplyNode(const Node& node, google::protobuf::Message* message);
  // Replaces "everything" at `node` (or at its whole fields) by an explicit
  // list that leaves out withheld fields.
  static void Restrict(Node* node, const google::protobuf::Descriptor* type,
                       const std::string& prefix, WithholdFn withhold,
                       std::vector<std::string>* withheld);

  const google::protobuf::Descriptor* type_;
  std::shared_ptr<const Node> root_;
};

}  // namespace hub::policy

#endif  // HUB_POLICY_PROJECTION_H_
