#include "hub/deconfliction/name_tables.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "hub/deconfliction/name_data.h"

namespace hub::deconfliction::internal {
namespace {

using Line = std::vector<std::string>;

bool IsLowerWord(absl::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return c >= 'a' && c <= 'z';
  });
}

// The non-comment lines of `table` as lists of names, each with at least two.
absl::StatusOr<std::vector<Line>> ParseLines(absl::string_view table,
                                             absl::string_view file) {
  std::vector<Line> lines;
  int number = 0;
  for (absl::string_view text : absl::StrSplit(table, '\n')) {
    ++number;
    text = absl::StripAsciiWhitespace(text);
    if (text.empty() || text.front() == '#') continue;
    Line line;
    for (absl::string_view word :
         absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
      if (!IsLowerWord(word)) {
        return absl::InvalidArgumentError(absl::StrCat(
            file, ":", number, ": '", word, "' is not lower-case letters"));
      }
      if (std::find(line.begin(), line.end(), word) == line.end()) {
        line.emplace_back(word);
      }
    }
    if (line.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", number, ": a line needs two or more names"));
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NameTables>> NameTables::Parse(
    absl::string_view variants, absl::string_view nicknames) {
  absl::StatusOr<std::vector<Line>> variant_lines =
      ParseLines(variants, "name_variants.txt");
  if (!variant_lines.ok()) return variant_lines.status();
  absl::StatusOr<std::vector<Line>> nickname_lines =
      ParseLines(nicknames, "nicknames.txt");
  if (!nickname_lines.ok()) return nickname_lines.status();

  std::unique_ptr<NameTables> tables(new NameTables());
  auto add_group = [&tables](const Line& names) {
    const uint32_t id = static_cast<uint32_t>(tables->group_names_.size());
    tables->group_names_.push_back(names.front());
    for (const std::string& name : names) {
      std::vector<uint32_t>& ids = tables->groups_of_[name];
      if (ids.empty() || ids.back() != id) ids.push_back(id);
    }
  };
  for (const Line& group : *variant_lines) add_group(group);
  // A nickname is a nickname of every spelling of its formal name: "sasha"
  // is Aleksandr's as much as Alexander's. So each nickname group also takes
  // in the variant groups of its formal name (ids below variant_groups).
  const uint32_t variant_groups =
      static_cast<uint32_t>(tables->group_names_.size());
  std::vector<std::vector<std::string>> variant_members(variant_groups);
  for (const auto& [name, ids] : tables->groups_of_) {
    for (uint32_t id : ids) variant_members[id].push_back(name);
  }
  for (Line group : *nickname_lines) {
    auto it = tables->groups_of_.find(group.front());
    if (it != tables->groups_of_.end()) {
      for (uint32_t id : it->second) {
        if (id >= variant_groups) break;
        for (const std::string& name : variant_members[id]) {
          if (std::find(group.begin(), group.end(), name) == group.end()) {
            group.push_back(name);
          }
        }
      }
    }
    add_group(group);
  }
  return tables;
}

absl::StatusOr<std::unique_ptr<NameTables>> NameTables::BuiltIn() {
  return Parse(NameVariantsText(), NicknamesText());
}

bool NameTables::Equivalent(absl::string_view a, absl::string_view b) const {
  auto ia = groups_of_.find(a);
  if (ia == groups_of_.end()) return false;
  auto ib = groups_of_.find(b);
  if (ib == groups_of_.end()) return false;
  const std::vector<uint32_t>& ga = ia->second;
  const std::vector<uint32_t>& gb = ib->second;
  // Both short and sorted.
  size_t i = 0;
  size_t j = 0;
  while (i < ga.size() && j < gb.size()) {
    if (ga[i] == gb[j]) return true;
    if (ga[i] < gb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

std::vector<absl::string_view> NameTables::GroupNames(
    absl::string_view token) const {
  std::vector<absl::string_view> names;
  auto it = groups_of_.find(token);
  if (it == groups_of_.end()) return names;
  for (uint32_t id : it->second) names.push_back(group_names_[id]);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace hub::deconfliction::internal
