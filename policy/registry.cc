#include "policy/registry.h"

#include <google/protobuf/text_format.h>

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/text_proto.h"
#include "policy/spiffe_id.h"

namespace hub::policy {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

// Collects semantic errors with the place in the file they refer to.
class Problems {
 public:
  Problems(absl::string_view filename, const TextFormat::ParseInfoTree* tree)
      : filename_(filename), tree_(tree) {}

  // Reports a problem with field `field` of the `index`-th element of the
  // repeated top-level field `list` (or with the element itself if `field`
  // is empty or was not written).
  void At(absl::string_view list, int index, absl::string_view field,
          absl::string_view what) {
    const FieldDescriptor* list_fd =
        PolicyFile::descriptor()->FindFieldByName(std::string(list));
    TextFormat::ParseLocation loc = tree_->GetLocation(list_fd, index);
    const TextFormat::ParseInfoTree* nested =
        tree_->GetTreeForNested(list_fd, index);
    if (nested != nullptr && !field.empty()) {
      const FieldDescriptor* fd =
          list_fd->message_type()->FindFieldByName(std::string(field));
      TextFormat::ParseLocation field_loc =
          nested->GetLocation(fd, fd->is_repeated() ? 0 : -1);
      if (field_loc.line >= 0) loc = field_loc;
    }
    Add(loc, what);
  }

  // Reports a problem with top-level field `field`.
  void AtTop(absl::string_view field, absl::string_view what) {
    const FieldDescriptor* fd =
        PolicyFile::descriptor()->FindFieldByName(std::string(field));
    Add(tree_->GetLocation(fd, -1), what);
  }

  absl::Status ToStatus() const {
    if (errors_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
  }

 private:
  void Add(TextFormat::ParseLocation loc, absl::string_view what) {
    int line = loc.line >= 0 ? loc.line + 1 : 1;
    int column = loc.column >= 0 ? loc.column + 1 : 1;
    errors_.push_back(
        absl::StrCat(filename_, ":", line, ":", column, ": ", what));
  }

  std::string filename_;
  const TextFormat::ParseInfoTree* tree_;
  std::vector<std::string> errors_;
};

void ValidatePartners(const PolicyFile& file, Problems& p) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < file.partners_size(); ++i) {
    const Partner& partner = file.partners(i);
    const std::string label = absl::StrCat("partner '", partner.id(), "'");
    if (partner.id().empty()) {
      p.At("partners", i, "id",
           "partner has no id; give it a unique id such as \"P-LBW\"");
    } else if (!seen.insert(partner.id()).second) {
      p.At(
          "partners", i, "id",
          absl::StrCat(label, " is defined twice; partner ids must be unique"));
    }
    if (partner.type() == Partner::TYPE_UNSPECIFIED) {
      p.At("partners", i, "type",
           absl::StrCat(
               label,
               " has no type; set type (e.g. LOCAL_AUTHORITY, NHS_TRUST)"));
    }
    if (partner.status() == Partner::STATUS_UNSPECIFIED) {
      p.At("partners", i, "status",
           absl::StrCat(label,
                        " has no status; set status: ACTIVE, ONBOARDING, "
                        "SUSPENDED or OFFBOARDED"));
    }
  }
}

void ValidatePrincipals(const PolicyFile& file, Problems& p) {
  absl::flat_hash_map<std::string, const Partner*> partners;
  for (const Partner& partner : file.partners())
    partners[partner.id()] = &partner;

  absl::flat_hash_set<std::string> ids;
  absl::flat_hash_set<std::string> spiffe_ids;
  for (int i = 0; i < file.principals_size(); ++i) {
    const Principal& principal = file.principals(i);
    const std::string label = absl::StrCat("principal '", principal.id(), "'");
    if (principal.id().empty()) {
      p.At("principals", i, "id",
           "principal has no id; give it a unique id such as \"U-HOKORO\"");
    } else if (!ids.insert(principal.id()).second) {
      p.At("principals", i, "id",
           absl::StrCat(label,
                        " is defined twice; principal ids must be unique"));
    }
    auto partner = partners.find(principal.partner_id());
    if (partner == partners.end()) {
      p.At(
          "principals", i, "partner_id",
          absl::StrCat(
              label, " names partner '", principal.partner_id(),
              "', which is not defined; add it to partners or fix partner_id"));
    }
    if (principal.roles().empty()) {
      p.At("principals", i, "roles",
           absl::StrCat(label, " has no roles; give it at least one role"));
    }
    for (int role : principal.roles()) {
      if (role == prevent::policy::v1::ROLE_UNSPECIFIED) {
        p.At("principals", i, "roles",
             absl::StrCat(label, " has ROLE_UNSPECIFIED; name a real role"));
      }
    }
    if (principal.status() == Principal::STATUS_UNSPECIFIED) {
      p.At("principals", i, "status",
           absl::StrCat(
               label,
               " has no status; set status: ACTIVE, SUSPENDED or OFFBOARDED"));
    }

    absl::StatusOr<SpiffeId> spiffe = SpiffeId::Parse(principal.spiffe_id());
    if (!spiffe.ok()) {
      p.At("principals", i, "spiffe_id",
           absl::StrCat(label, ": spiffe_id ", spiffe.status().message()));
      continue;
    }
    if (spiffe->trust_domain != file.trust_domain()) {
      p.At("principals", i, "spiffe_id",
           absl::StrCat(label, ": spiffe_id is in trust domain '",
                        spiffe->trust_domain,
                        "' but this partnership's trust_domain is '",
                        file.trust_domain(), "'"));
    }
    // The SPIFFE ID must name the principal and its own partner, so a
    // certificate issued for one partner can never map to another's user.
    const std::string want_partner =
        absl::AsciiStrToLower(principal.partner_id());
    const std::string want_user = absl::AsciiStrToLower(principal.id());
    if (spiffe->partner != want_partner || spiffe->user != want_user) {
      p.At("principals", i, "spiffe_id",
           absl::StrCat(label, ": spiffe_id must end /partner/", want_partner,
                        "/user/", want_user,
                        " (its partner_id and id in lower case)"));
    }
    if (!spiffe_ids.insert(principal.spiffe_id()).second) {
      p.At("principals", i, "spiffe_id",
           absl::StrCat(label,
                        ": spiffe_id is already used by another principal"));
    }
  }
}

}  // namespace

Registry::Registry(PolicyFile file) : file_(std::move(file)) {
  for (const Partner& partner : file_.partners()) {
    partners_[partner.id()] = &partner;
  }
  for (const Principal& principal : file_.principals()) {
    principals_[principal.id()] = &principal;
    by_spiffe_id_[principal.spiffe_id()] = &principal;
  }
}

absl::StatusOr<std::unique_ptr<const Registry>> Registry::Parse(
    absl::string_view text, absl::string_view filename) {
  PolicyFile file;
  TextFormat::ParseInfoTree tree;
  RETURN_IF_ERROR(common::ParseTextProto(text, filename, &file, &tree));

  Problems problems(filename, &tree);
  if (file.trust_domain().empty()) {
    problems.AtTop(
        "trust_domain",
        "trust_domain is missing; set it to the partnership CA's "
        "SPIFFE trust domain, e.g. \"wexcombe.prevent-hub.example\"");
  } else if (!SpiffeId::IsValidTrustDomain(file.trust_domain())) {
    problems.AtTop(
        "trust_domain",
        absl::StrCat("trust_domain '", file.trust_domain(),
                     "' is not a valid SPIFFE trust domain (lower-case "
                     "letters, digits, '.', '-', '_')"));
  }
  ValidatePartners(file, problems);
  ValidatePrincipals(file, problems);
  RETURN_IF_ERROR(problems.ToStatus());
  return std::unique_ptr<const Registry>(new Registry(std::move(file)));
}

absl::StatusOr<std::unique_ptr<const Registry>> Registry::Load(
    const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, common::ReadFile(path));
  return Parse(text, path);
}

const Principal* Registry::FindPrincipalBySpiffeId(
    absl::string_view spiffe_id) const {
  auto it = by_spiffe_id_.find(spiffe_id);
  return it == by_spiffe_id_.end() ? nullptr : it->second;
}

const Principal* Registry::FindPrincipal(absl::string_view id) const {
  auto it = principals_.find(id);
  return it == principals_.end() ? nullptr : it->second;
}

const Partner* Registry::FindPartner(absl::string_view id) const {
  auto it = partners_.find(id);
  return it == partners_.end() ? nullptr : it->second;
}

}  // namespace hub::policy
