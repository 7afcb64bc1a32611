// newsim — document text as it arrives: UTF-8, or fixed-width code units (Latin-1, UCS-2, UCS-4),
// so that callers holding text in another representation need not convert it up front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace newsim {

enum class Encoding : std::uint8_t { utf8, latin1, ucs2, ucs4 };

/// A non-owning view of one document. `length` counts code units of `encoding`.
struct TextRef {
  const void* data = nullptr;
  std::size_t length = 0;
  Encoding encoding = Encoding::utf8;

  static TextRef utf8(std::string_view s) noexcept { return {s.data(), s.size(), Encoding::utf8}; }
};

/// Returns the document as UTF-8: a view of the input when it is UTF-8 already, else a view of
/// `buffer`, which receives the conversion. Validates as it goes and throws DocumentError
/// (naming `doc_index` and the character position) on invalid UTF-8 or a lone surrogate.
std::string_view to_utf8(const TextRef& text, std::string& buffer, std::size_t doc_index);

/// Validates UTF-8 (no overlongs, no surrogates, <= U+10FFFF); returns the offending byte offset
/// or npos.
std::size_t validate_utf8(std::string_view s) noexcept;

/// Number of code points in valid UTF-8.
std::size_t count_code_points(std::string_view utf8) noexcept;

/// Decodes the code point at `s[i]` of valid UTF-8 and advances `i`.
inline char32_t decode_utf8(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if (b0 < 0xE0) {
    const char32_t c = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    i += 2;
    return c;
  }
  if (b0 < 0xF0) {
    const char32_t c = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                       (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    i += 3;
    return c;
  }
  const char32_t c = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                     ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                     (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  i += 4;
  return c;
}

/// Appends code point `c` to `out` as UTF-8.
inline void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace newsim
