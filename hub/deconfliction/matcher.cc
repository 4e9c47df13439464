#include "hub/deconfliction/matcher.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "hub/deconfliction/ascii_transliterator.h"
#include "hub/deconfliction/field_normaliser.h"
#include "hub/deconfliction/name_comparison.h"
#include "hub/deconfliction/name_normaliser.h"
#include "hub/deconfliction/name_tables.h"

namespace hub::deconfliction {
namespace {

using internal::NameParts;

// Appends `value` to *values unless it is empty or already there.
void AddUnique(std::string value,
               google::protobuf::RepeatedPtrField<std::string>* values) {
  if (value.empty()) return;
  if (std::find(values->begin(), values->end(), value) != values->end()) {
    return;
  }
  values->Add(std::move(value));
}

bool FullDob(const MatchProfile& p) {
  return p.dob_year() > 0 && p.dob_month() > 0 && p.dob_day() > 0;
}

std::string DateText(int year, int month, int day) {
  return absl::StrCat(absl::Dec(year, absl::kZeroPad4), "-",
                      absl::Dec(month, absl::kZeroPad2), "-",
                      absl::Dec(day, absl::kZeroPad2));
}

// True if the query's date of birth, with day and month swapped, is a
// different date and a date at all.
bool HasTransposedDob(const MatchProfile& p) {
  return FullDob(p) && p.dob_day() <= 12 && p.dob_day() != p.dob_month();
}

bool DobExact(const MatchProfile& a, const MatchProfile& b) {
  return FullDob(a) && FullDob(b) && a.dob_year() == b.dob_year() &&
         a.dob_month() == b.dob_month() && a.dob_day() == b.dob_day();
}

bool DobTransposed(const MatchProfile& a, const MatchProfile& b) {
  return HasTransposedDob(a) && FullDob(b) && a.dob_year() == b.dob_year() &&
         a.dob_day() == b.dob_month() && a.dob_month() == b.dob_day();
}

bool AnyEqual(const google::protobuf::RepeatedPtrField<std::string>& a,
              const google::protobuf::RepeatedPtrField<std::string>& b) {
  for (const std::string& x : a) {
    if (std::find(b.begin(), b.end(), x) != b.end()) return true;
  }
  return false;
}

void AddKeys(absl::string_view prefix,
             const google::protobuf::RepeatedPtrField<std::string>& values,
             std::vector<std::string>* keys) {
  for (const std::string& value : values) {
    keys->push_back(absl::StrCat(prefix, value));
  }
}

void SortUnique(std::vector<std::string>* keys) {
  std::sort(keys->begin(), keys->end());
  keys->erase(std::unique(keys->begin(), keys->end()), keys->end());
}

}  // namespace

absl::StatusOr<std::unique_ptr<Matcher>> Matcher::Create() {
  absl::StatusOr<std::unique_ptr<internal::NameTables>> tables =
      internal::NameTables::BuiltIn();
  if (!tables.ok()) return tables.status();
  absl::StatusOr<std::unique_ptr<internal::AsciiTransliterator>>
      transliterator = internal::AsciiTransliterator::Create();
  if (!transliterator.ok()) return transliterator.status();
  return std::unique_ptr<Matcher>(
      new Matcher(std::move(*tables), std::move(*transliterator)));
}

Matcher::Matcher(std::unique_ptr<internal::NameTables> tables,
                 std::unique_ptr<internal::AsciiTransliterator> transliterator)
    : tables_(std::move(tables)), transliterator_(std::move(transliterator)) {}

Matcher::~Matcher() = default;

MatchProfile Matcher::Normalise(const Person& person) const {
  MatchProfile profile;
  for (std::string& token :
       internal::NameTokens(person.forenames, *transliterator_)) {
    profile.add_forenames(std::move(token));
  }
  std::vector<std::string> surnames =
      internal::NameTokens(person.surname, *transliterator_);
  internal::DropSurnameParticles(&surnames);
  for (std::string& token : surnames) profile.add_surnames(std::move(token));
  for (const std::string& alias : person.aliases) {
    std::vector<std::string> tokens =
        internal::NameTokens(alias, *transliterator_);
    // An alias's first token is a forename ("Abu Yusuf" keeps its "abu").
    internal::DropSurnameParticles(&tokens, 1);
    AddUnique(absl::StrJoin(tokens, " "), profile.mutable_aliases());
  }

  const internal::Dob dob =
      internal::ParseDob(person.dob, person.dob_year_only);
  profile.set_dob_year(dob.year);
  profile.set_dob_month(dob.month);
  profile.set_dob_day(dob.day);

  profile.set_postcode(internal::NormalisePostcode(person.postcode));
  profile.set_nhs_number(internal::NormaliseNhsNumber(person.nhs_number));
  for (const std::string& phone : person.phones) {
    AddUnique(internal::NormalisePhone(phone), profile.mutable_phones());
  }
  for (const std::string& email : person.emails) {
    AddUnique(internal::NormaliseEmail(email), profile.mutable_emails());
  }
  for (const std::string& handle : person.handles) {
    AddUnique(internal::NormaliseHandle(handle), profile.mutable_handles());
  }
  return profile;
}

// Why these keys suffice: every grade above NO_MATCH needs an NHS number,
// postcode, phone, email or handle in common (each a key of its own) or a
// full date of birth (exact or transposed) and a pair of matching name
// tokens (NamesExact, NamesVariant or SurnamesMatch). Two tokens match when
// they are equal or share a table group (so they share a "d:" key), when one
// is a typing error of the other (same first letter, so they share an "i:"
// key), or when one is the other's initial, which counts only beside an
// exact surname (whose tokens share "d:" keys).
void Matcher::AddNameKeys(const MatchProfile& person, absl::string_view date,
                          std::vector<std::string>* keys) const {
  auto add = [&](absl::string_view token) {
    const std::vector<absl::string_view> groups = tables_->GroupNames(token);
    if (groups.empty()) {
      keys->push_back(absl::StrCat("d:", token, ":", date));
    } else {
      for (absl::string_view group : groups) {
        keys->push_back(absl::StrCat("d:", group, ":", date));
      }
    }
    if (token.size() >= internal::kTypoMinLength) {
      keys->push_back(absl::StrCat("i:", token.substr(0, 1), ":", date));
    }
  };
  for (const NameParts& name : internal::NamesOf(person)) {
    for (absl::string_view token : name.forenames) add(token);
    for (absl::string_view token : name.surnames) add(token);
    if (!name.joined_forenames.empty()) add(name.joined_forenames);
    if (!name.joined_surnames.empty()) add(name.joined_surnames);
  }
}

std::vector<std::string> Matcher::IndexKeys(const MatchProfile& person) const {
  std::vector<std::string> keys;
  if (FullDob(person)) {
    AddNameKeys(
        person,
        DateText(person.dob_year(), person.dob_month(), person.dob_day()),
        &keys);
  }
  if (!person.postcode().empty()) {
    keys.push_back(absl::StrCat("pc:", person.postcode()));
  }
  if (!person.nhs_number().empty()) {
    keys.push_back(absl::StrCat("n:", person.nhs_number()));
  }
  AddKeys("ph:", person.phones(), &keys);
  AddKeys("em:", person.emails(), &keys);
  AddKeys("h:", person.handles(), &keys);
  SortUnique(&keys);
  return keys;
}

std::vector<std::string> Matcher::QueryKeys(const MatchProfile& query) const {
  std::vector<std::string> keys = IndexKeys(query);
  if (HasTransposedDob(query)) {
    AddNameKeys(query,
                DateText(query.dob_year(), query.dob_day(), query.dob_month()),
                &keys);
    SortUnique(&keys);
  }
  return keys;
}

Comparison Matcher::Compare(const MatchProfile& query,
                            const MatchProfile& candidate) const {
  uint32_t reasons = 0;
  const bool nhs = !query.nhs_number().empty() &&
                   query.nhs_number() == candidate.nhs_number();
  if (nhs) reasons |= kNhsNumber;

  const bool dob_exact = DobExact(query, candidate);
  const bool dob_transposed = !dob_exact && DobTransposed(query, candidate);
  if (dob_exact) reasons |= kDobExact;
  if (dob_transposed) reasons |= kDobTransposed;

  const bool postcode =
      !query.postcode().empty() && query.postcode() == candidate.postcode();
  if (postcode) reasons |= kPostcode;
  const bool phone = AnyEqual(query.phones(), candidate.phones());
  const bool email = AnyEqual(query.emails(), candidate.emails());
  const bool handle = AnyEqual(query.handles(), candidate.handles());
  if (phone) reasons |= kPhone;
  if (email) reasons |= kEmail;
  if (handle) reasons |= kHandle;

  const bool name_exact = internal::NamesExact(query, candidate);
  bool name_variant = false;
  bool surname = name_exact;
  if (!name_exact) {
    const std::vector<NameParts> q = internal::NamesOf(query);
    const std::vector<NameParts> c = internal::NamesOf(candidate);
    name_variant = internal::NamesVariant(q, c, *tables_);
    // Only needed for "surname and date of birth", which a variant name
    // with the same date of birth outranks.
    if (!name_variant && (dob_exact || dob_transposed)) {
      surname = internal::SurnamesMatch(q, c, *tables_);
    }
  }
  if (name_exact) reasons |= kNameExact;
  if (name_variant) reasons |= kNameVariant;

  const bool dob = dob_exact || dob_transposed;
  Comparison result;
  if (nhs || (name_exact && dob_exact)) {
    result.grade = Grade::kMatch;
  } else if ((name_variant && dob_exact) || (name_exact && dob_transposed)) {
    result.grade = Grade::kProbable;
  } else if ((surname && dob) || ((name_exact || name_variant) && postcode) ||
             (name_variant && dob_transposed) || phone || email || handle) {
    result.grade = Grade::kPossible;
  }
  if (result.grade != Grade::kNoMatch) result.reasons = reasons;
  return result;
}

}  // namespace hub::deconfliction
