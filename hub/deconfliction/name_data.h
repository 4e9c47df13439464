// The variant and nickname tables' text (data/name_variants.txt and
// data/nicknames.txt), built into the binary by CMake so the Matcher reads
// no file at run time. Internal to hub/deconfliction.
#ifndef HUB_DECONFLICTION_NAME_DATA_H_
#define HUB_DECONFLICTION_NAME_DATA_H_

#include "absl/strings/string_view.h"

namespace hub::deconfliction::internal {

// data/name_variants.txt as it was when the library was built.
absl::string_view NameVariantsText();

// data/nicknames.txt as it was when the library was built.
absl::string_view NicknamesText();

}  // namespace hub::deconfliction::internal

#endif  // HUB_DECONFLICTION_NAME_DATA_H_
