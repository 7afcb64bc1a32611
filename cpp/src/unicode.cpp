#include "unicode.hpp"

#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <atomic>
#include <bitset>
#include <memory>
#include <stdexcept>

#include "newsim/text.hpp"

namespace newsim::detail {
namespace {

const icu::Normalizer2& normalizer(int which) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  switch (which) {
    case 0: n = icu::Normalizer2::getNFKCCasefoldInstance(status); break;
    case 1: n = icu::Normalizer2::getNFKCInstance(status); break;
    case 2: n = icu::Normalizer2::getNFKDInstance(status); break;
    case 3: n = icu::Normalizer2::getNFDInstance(status); break;
    default: n = icu::Normalizer2::getNFCInstance(status); break;
  }
  if (U_FAILURE(status) || n == nullptr)
    throw std::runtime_error(std::string("ICU normalizer unavailable: ") + u_errorName(status));
  return *n;
}

void normalize(int which, std::string_view in, std::string& out) {
  out.clear();
  const icu::Normalizer2& n = normalizer(which);
  UErrorCode status = U_ZERO_ERROR;
  // Quick check: most tokens are already normalized.
  const icu::StringPiece piece(in.data(), static_cast<int32_t>(in.size()));
  if (n.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) {
    out.assign(in);
    return;
  }
  status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(in.size()));
  n.normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status))
    throw std::runtime_error(std::string("ICU normalization failed: ") + u_errorName(status));
}

bool is_ascii(std::string_view s) noexcept {
  for (const char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  return true;
}

std::atomic<unsigned> python_unicode_version{~0u};  // major << 8 | minor

struct WordTable {
  std::bitset<0x110000> bits;
  WordTable() {
    const unsigned limit = python_unicode_version.load();
    for (UChar32 c = 0; c < 0x110000; ++c) {
      UVersionInfo age;
      u_charAge(c, age);
      if ((static_cast<unsigned>(age[0]) << 8 | age[1]) > limit) continue;  // newer than Python
      const auto gc = static_cast<UCharCategory>(u_charType(c));
      const bool alpha = gc == U_UPPERCASE_LETTER || gc == U_LOWERCASE_LETTER ||
                         gc == U_TITLECASE_LETTER || gc == U_MODIFIER_LETTER || gc == U_OTHER_LETTER;
      const bool numeric = u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
      bits[static_cast<std::size_t>(c)] = alpha || numeric || c == '_';
    }
  }
};

const WordTable& word_table() {
  static const WordTable table;
  return table;
}

}  // namespace

void set_python_unicode_version(unsigned major, unsigned minor) noexcept {
  python_unicode_version.store(std::min(major, 255u) << 8 | std::min(minor, 255u));
}

void nfkc_casefold(std::string_view in, std::string& out) { normalize(0, in, out); }
void nfkc(std::string_view in, std::string& out) { normalize(1, in, out); }

void python_lower(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    const char32_t c = decode_utf8(in, i);
    if (c == 0x130 || c == 0x3A3) {
      // İ lowers to two code points and Σ depends on its context: ICU's full mapping (root
      // locale) implements both as Python does.
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(
          icu::StringPiece(in.data(), static_cast<int32_t>(in.size())));
      u.toLower(icu::Locale::getRoot());
      out.clear();
      u.toUTF8String(out);
      return;
    }
    append_utf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
  }
}

void strip_accents_unicode(std::string_view in, std::string& out) {
  if (is_ascii(in)) {
    out.assign(in);
    return;
  }
  std::string nfkd;
  normalize(2, in, nfkd);
  out.clear();
  out.reserve(nfkd.size());
  std::size_t i = 0;
  while (i < nfkd.size()) {
    const std::size_t start = i;
    const char32_t c = decode_utf8(nfkd, i);
    if (u_getCombiningClass(static_cast<UChar32>(c)) == 0) out.append(nfkd, start, i - start);
  }
}

void strip_accents_ascii(std::string_view in, std::string& out) {
  std::string nfkd;
  normalize(2, in, nfkd);
  out.clear();
  for (const char ch : nfkd)
    if (static_cast<unsigned char>(ch) < 0x80) out.push_back(ch);
}

void strip_accents_token(std::string_view in, std::string& out) {
  if (is_ascii(in)) {
    out.assign(in);
    return;
  }
  std::string nfd;
  normalize(3, in, nfd);
  std::string kept;
  kept.reserve(nfd.size());
  std::size_t i = 0;
  while (i < nfd.size()) {
    const std::size_t start = i;
    const char32_t c = decode_utf8(nfd, i);
    if (u_getCombiningClass(static_cast<UChar32>(c)) == 0) kept.append(nfd, start, i - start);
  }
  normalize(4, kept, out);
}

bool python_is_word(char32_t c) noexcept {
  if (c < 0x80)
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return c < 0x110000 && word_table().bits[c];
}

bool python_is_space(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace newsim::detail
