#include "newsim/text.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "newsim/errors.hpp"

namespace newsim {
namespace {

[[noreturn]] void fail(std::size_t doc, const std::string& what, std::size_t position) {
  throw DocumentError(doc, "document " + std::to_string(doc) + " " + what + " at character " +
                               std::to_string(position));
}

std::string hex(char32_t c) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string s = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) s.push_back(digits[(c >> shift) & 0xF]);
  return s;
}

/// Copies the run of ASCII code units that starts at p[i] to `o`, a block at a time; returns
/// how many units it copied (stopping at the first non-ASCII unit or where fewer than a block
/// remain). May write up to one block's worth of bytes past the run: the caller's buffer holds
/// at least one byte per remaining unit, which covers it.
template <class Unit>
std::size_t copy_ascii_run(const Unit* p, std::size_t i, std::size_t n, char* o) noexcept {
  const std::size_t start = i;
#if defined(__SSE2__)
  if constexpr (sizeof(Unit) == 1) {  // 16 units per block: the sign bits mark non-ASCII
    while (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + (i - start)), v);
      const auto high = static_cast<unsigned>(_mm_movemask_epi8(v));
      if (high != 0) return i + static_cast<std::size_t>(std::countr_zero(high)) - start;
      i += 16;
    }
    return i - start;
  } else if constexpr (sizeof(Unit) == 2) {  // 8 units per block, narrowed to bytes
    const __m128i non_ascii = _mm_set1_epi16(static_cast<short>(0xFF80));
    const __m128i zero = _mm_setzero_si128();
    while (i + 8 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(o + (i - start)), _mm_packus_epi16(v, v));
      const __m128i ascii = _mm_cmpeq_epi16(_mm_and_si128(v, non_ascii), zero);
      const auto high = static_cast<unsigned>(~_mm_movemask_epi8(ascii)) & 0xFFFFu;
      if (high != 0) return i + static_cast<std::size_t>(std::countr_zero(high)) / 2 - start;
      i += 8;
    }
    return i - start;
  }
#endif
  // Eight code units at a time.
  while (i + 8 <= n) {
    std::uint64_t any_high = 0;
    for (std::size_t k = 0; k < 8; ++k) any_high |= static_cast<std::uint64_t>(p[i + k]);
    if (any_high >= 0x80) break;
    for (std::size_t k = 0; k < 8; ++k) o[i - start + k] = static_cast<char>(p[i + k]);
    i += 8;
  }
  return i - start;
}

/// Writes the UTF-8 form into `out` (grown to the worst case, never shrunk, so a reused buffer
/// is not cleared again for every document); returns the number of bytes written.
template <class Unit>
std::size_t fixed_to_utf8(const Unit* p, std::size_t n, std::string& out, std::size_t doc) {
  const std::size_t worst = n * (sizeof(Unit) == 1 ? 2 : sizeof(Unit) == 2 ? 3 : 4);
  if (out.size() < worst) out.resize(std::max(worst, out.size() * 2));
  char* o = out.data();
  std::size_t i = 0;
  while (i < n) {
    // Runs of ASCII in blocks; a run's block-sized stores stay inside `out`, whose worst-case
    // size leaves at least one byte for every unit not yet written.
    const std::size_t run = copy_ascii_run(p, i, n, o);
    o += run;
    i += run;
    if (i >= n) break;
    const char32_t c = p[i++];
    if (c < 0x80) {
      *o++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *o++ = static_cast<char>(0xC0 | (c >> 6));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      if (c >= 0xD800 && c <= 0xDFFF) fail(doc, "contains a lone surrogate " + hex(c), i - 1);
      *o++ = static_cast<char>(0xE0 | (c >> 12));
      *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      if (c > 0x10FFFF) fail(doc, "contains an invalid code point", i - 1);
      *o++ = static_cast<char>(0xF0 | (c >> 18));
      *o++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return static_cast<std::size_t>(o - out.data());
}


}  // namespace

std::size_t validate_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    // Fast skip of ASCII, eight bytes at a time.
    while (i + 8 <= n) {
      std::uint64_t v = 0;
      for (int k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(p[i + k]) << (8 * k);
      if (v & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char b = p[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    char32_t c = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
      c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      c = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      c = b & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      c = (c << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string_view to_utf8(const TextRef& text, std::string& buffer, std::size_t doc_index) {
  switch (text.encoding) {
    case Encoding::utf8: {
      const std::string_view s(static_cast<const char*>(text.data), text.length);
      const std::size_t bad = validate_utf8(s);
      if (bad != std::string_view::npos)
        throw DocumentError(doc_index, "document " + std::to_string(doc_index) +
                                           " is not valid UTF-8 at byte " + std::to_string(bad));
      return s;
    }
    case Encoding::latin1: {
      const std::size_t n = fixed_to_utf8(static_cast<const std::uint8_t*>(text.data), text.length, buffer, doc_index);
      return {buffer.data(), n};  // data() only after the buffer may have grown
    }
    case Encoding::ucs2: {
      const std::size_t n = fixed_to_utf8(static_cast<const std::uint16_t*>(text.data), text.length, buffer, doc_index);
      return {buffer.data(), n};
    }
    case Encoding::ucs4: {
      const std::size_t n = fixed_to_utf8(static_cast<const std::uint32_t*>(text.data), text.length, buffer, doc_index);
      return {buffer.data(), n};
    }
  }
  return {};
}

std::size_t count_code_points(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (const char ch : utf8) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace newsim
