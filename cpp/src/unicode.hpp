// newsim (private) — Unicode operations on UTF-8 built on ICU: normalization, case mapping with
// Python's semantics, accent stripping with scikit-learn's semantics, character classes.
#pragma once

#include <string>
#include <string_view>

namespace newsim::detail {

/// NFKC followed by full case folding (ICU's NFKC_Casefold), written to `out`.
void nfkc_casefold(std::string_view in, std::string& out);
/// NFKC, written to `out`.
void nfkc(std::string_view in, std::string& out);

/// Python's str.lower(): full lowercase mapping with Final_Sigma, no locale.
void python_lower(std::string_view in, std::string& out);

/// scikit-learn's strip_accents_unicode: unchanged if ASCII, else NFKD minus code points with a
/// non-zero canonical combining class.
void strip_accents_unicode(std::string_view in, std::string& out);
/// scikit-learn's strip_accents_ascii: NFKD, then every non-ASCII code point dropped.
void strip_accents_ascii(std::string_view in, std::string& out);
/// Accent stripping for already normalized tokens: NFD, drop combining marks, NFC.
void strip_accents_token(std::string_view in, std::string& out);

/// Python's `\w` for str patterns: str.isalnum() (letters and every code point with a numeric
/// type) or '_'.
bool python_is_word(char32_t c) noexcept;
/// See newsim::set_python_unicode_version.
void set_python_unicode_version(unsigned major, unsigned minor) noexcept;
/// Python's str.isspace().
bool python_is_space(char32_t c) noexcept;

}  // namespace newsim::detail
