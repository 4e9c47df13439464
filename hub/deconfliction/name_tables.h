// NameTables: which name tokens are the same name written differently, from
// the variant table (spellings, transliterations) and the nickname table.
// Immutable once built; thread-safe.
#ifndef HUB_DECONFLICTION_NAME_TABLES_H_
#define HUB_DECONFLICTION_NAME_TABLES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

// A group is one line of the variant table (mohammed, muhammad, mohamed, ...)
// or one line of the nickname table (a formal name, its nicknames and the
// formal name's own variants: william, bill, liam, ...). A token may be in
// several groups ("alex" is in alexander's and alexandra's); two tokens are
// equivalent if they share one.
class NameTables {
 public:
  // Parses the tables. Each line of `variants` is a group of two or more
  // names; each line of `nicknames` is a formal name followed by one or more
  // of its nicknames. Names are lower-case ASCII letters separated by
  // spaces; '#' starts a comment line; blank lines are ignored. On a
  // malformed line, INVALID_ARGUMENT naming the table and line, e.g.
  // "nicknames.txt:12: 'Bill' is not lower-case letters".
  static absl::StatusOr<std::unique_ptr<NameTables>> Parse(
      absl::string_view variants, absl::string_view nicknames);

  // The tables built into the binary (data/name_variants.txt and
  // data/nicknames.txt).
  static absl::StatusOr<std::unique_ptr<NameTables>> BuiltIn();

  NameTables(const NameTables&) = delete;
  NameTables& operator=(const NameTables&) = delete;

  // True if `a` and `b` are in a common group.
  bool Equivalent(absl::string_view a, absl::string_view b) const;

  // The names of the groups `token` is in, sorted: each group is named by
  // its first name (so a variant group and a nickname group that begin with
  // the same name share a name, which only merges two blocking keys). Empty
  // for a token in no group.
  std::vector<absl::string_view> GroupNames(absl::string_view token) const;

  // How many groups there are.
  size_t group_count() const { return group_names_.size(); }

 private:
  NameTables() = default;

  // Each token's groups, as sorted indexes into group_names_.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> groups_of_;
  std::vector<std::string> group_names_;
};

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_NAME_TABLES_H_
