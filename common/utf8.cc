#include "common/utf8.h"

namespace hub::common {

int32_t NextCodePoint(absl::string_view text, size_t* pos) {
  const auto byte = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<unsigned char>(text[i]));
  };
  const uint32_t lead = byte(*pos);
  size_t len;
  uint32_t cp;
  uint32_t min;
  if (lead < 0x80) {
    ++*pos;
    return static_cast<int32_t>(lead);
  } else if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (text.size() - *pos < len) return -1;
  for (size_t i = 1; i < len; ++i) {
    const uint32_t b = byte(*pos + i);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *pos += len;
  return static_cast<int32_t>(cp);
}

int64_t Utf8Length(absl::string_view text) {
  int64_t count = 0;
  for (size_t pos = 0; pos < text.size(); ++count) {
    if (NextCodePoint(text, &pos) < 0) return -1;
  }
  return count;
}

}  // namespace hub::common
