// newsim fuzzing — shared helpers of the fuzz targets and the seed generator: vectorizer options
// derived from the first bytes of an input, documents from the rest, and CSR checks.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/sparse.hpp"
#include "newsim/text.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim::fuzz {

/// Bytes at the start of an analyzer input that select the options.
inline constexpr std::size_t kOptionBytes = 4;
/// Separates documents in an analyzer input (ASCII "record separator").
inline constexpr char kDocSeparator = '\x1e';

/// How the documents of an input are handed to the core (as Python's str kinds arrive).
enum class InputEncoding { utf8, latin1, ucs2, ucs4 };

struct FuzzCase {
  VectorizerOptions options;
  InputEncoding encoding = InputEncoding::utf8;
  std::vector<std::string> documents;
};

/// Whether `s` is valid UTF-8 (as the core reads it).
inline bool valid_utf8(std::string_view s) {
  std::string buffer;
  try {
    (void)to_utf8(TextRef::utf8(s), buffer, 0);
    return true;
  } catch (const DocumentError&) {
    return false;
  }
}

/// Reads the options from `bytes[0..kOptionBytes)` (missing bytes count as zero) and splits the
/// rest into documents at kDocSeparator.
///
///   byte 0: bits 0-1 mode (0 scikit-learn regex words, 1 ICU words, 2 char, 3 char_wb);
///           bit 2 regex preprocessing for char modes; bits 3-4 input encoding; bit 5 a fixed
///           vocabulary of the first document's space-separated pieces; bit 6 normalize_vocabulary
///   byte 1: bit 0 lowercase; bits 1-2 strip_accents; bits 3-4 compounds; bit 5 stemming;
///           bit 6 German/English; bit 7 stop words
///   byte 2: bits 0-1 ngram_min - 1; bits 2-3 ngram_max - ngram_min; bits 4-5 min_token_len;
///           bit 6 min_word_run 1; bit 7 binary
///   byte 3: bits 0-1 norm; bit 2 sublinear tf; bit 3 BM25; bit 4 no idf; bit 5 no smoothing;
///           bit 6 float64; bit 7 max_features = 8
inline FuzzCase decode_case(std::string_view bytes) {
  auto byte = [&](std::size_t i) -> unsigned {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0u;
  };
  const unsigned b0 = byte(0), b1 = byte(1), b2 = byte(2), b3 = byte(3);
  FuzzCase c;
  AnalyzerOptions& a = c.options.analyzer;
  switch (b0 & 3u) {
    case 0: a.tokenization = Tokenization::regex_word; break;
    case 1: a.tokenization = Tokenization::unicode; break;
    case 2: a.analyzer = AnalyzerKind::chars; break;
    default: a.analyzer = AnalyzerKind::chars_wb; break;
  }
  if ((b0 & 3u) >= 2)
    a.tokenization = (b0 & 4u) != 0 ? Tokenization::regex_word : Tokenization::unicode;
  c.encoding = static_cast<InputEncoding>((b0 >> 3) & 3u);
  a.lowercase = (b1 & 1u) != 0;
  a.strip_accents = static_cast<AccentStrip>(((b1 >> 1) & 3u) % 3);
  a.compounds = static_cast<Compounds>(((b1 >> 3) & 3u) % 3);
  if ((b1 & 0x20u) != 0) a.stemmer = (b1 & 0x40u) != 0 ? "english" : "german";
  if ((b1 & 0x80u) != 0) a.stop_words = {"der", "die", "und", "the", "and", "Stra\xC3\x9F" "e", "-"};
  a.ngram_min = 1 + (b2 & 3u);
  a.ngram_max = a.ngram_min + ((b2 >> 2) & 3u);
  a.min_token_len = (b2 >> 4) & 3u;
  a.min_word_run = (b2 & 0x40u) != 0 ? 1 : 2;
  WeightingOptions& w = c.options.weighting;
  w.binary = (b2 & 0x80u) != 0;
  w.norm = static_cast<Norm>((b3 & 3u) % 3);
  w.sublinear_tf = (b3 & 4u) != 0;
  w.scheme = (b3 & 8u) != 0 ? Scheme::bm25 : Scheme::tfidf;
  w.use_idf = (b3 & 0x10u) == 0;
  w.smooth_idf = (b3 & 0x20u) == 0;
  c.options.float64 = (b3 & 0x40u) != 0;
  if ((b3 & 0x80u) != 0) c.options.prune.max_features = 8;

  const std::string_view text = bytes.size() > kOptionBytes ? bytes.substr(kOptionBytes) : "";
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(kDocSeparator, start);
    c.documents.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if ((b0 & 0x20u) != 0) {
    // A fixed vocabulary: the first document's distinct space-separated pieces (at most 8),
    // as words (normalize_vocabulary) or as terms.
    std::vector<std::string> entries;
    std::string_view first = c.documents.front();
    for (std::size_t b = 0; b <= first.size() && entries.size() < 8;) {
      const std::size_t e = std::min(first.find(' ', b), first.size());
      const std::string piece(first.substr(b, e - b));
      if (!piece.empty() && valid_utf8(piece) && std::find(entries.begin(), entries.end(), piece) == entries.end())
        entries.push_back(piece);
      b = e + 1;
    }
    if (!entries.empty()) c.options.vocabulary = std::move(entries);
    c.options.normalize_vocabulary = (b0 & 0x40u) != 0;
  }
  return c;
}

/// The documents as TextRefs of the case's encoding. Fixed-width encodings read the bytes as
/// code units (little-endian; a trailing partial unit is dropped); `storage` owns the units.
struct EncodedDocuments {
  std::vector<std::u16string> ucs2;
  std::vector<std::u32string> ucs4;
  std::vector<TextRef> refs;
};

inline EncodedDocuments encode(const FuzzCase& c) {
  EncodedDocuments out;
  out.ucs2.reserve(c.documents.size());
  out.ucs4.reserve(c.documents.size());
  for (const std::string& d : c.documents) {
    switch (c.encoding) {
      case InputEncoding::utf8: out.refs.push_back(TextRef::utf8(d)); break;
      case InputEncoding::latin1: out.refs.push_back({d.data(), d.size(), Encoding::latin1}); break;
      case InputEncoding::ucs2: {
        std::u16string& u = out.ucs2.emplace_back();
        for (std::size_t i = 0; i + 1 < d.size(); i += 2)
          u.push_back(static_cast<char16_t>(static_cast<unsigned char>(d[i]) |
                                            (static_cast<unsigned char>(d[i + 1]) << 8)));
        out.refs.push_back({u.data(), u.size(), Encoding::ucs2});
        break;
      }
      case InputEncoding::ucs4: {
        std::u32string& u = out.ucs4.emplace_back();
        for (std::size_t i = 0; i + 3 < d.size(); i += 4) {
          std::uint32_t v = 0;
          for (std::size_t k = 0; k < 4; ++k)
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(d[i + k])) << (8 * k);
          // Mostly valid code points, sometimes not: the top byte decides.
          if ((v >> 24) != 0xFF) v %= 0x110000;
          u.push_back(static_cast<char32_t>(v));
        }
        out.refs.push_back({u.data(), u.size(), Encoding::ucs4});
        break;
      }
    }
  }
  return out;
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "newsim fuzz invariant violated: %s\n", what);
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

/// Structural checks of a CSR result: shape, sorted in-range columns, finite values.
template <class T, class I>
void check_csr(const Csr<T, I>& m, std::size_t rows, std::size_t cols) {
  check(m.rows == rows, "CSR row count");
  check(m.cols == cols, "CSR column count");
  check(m.indptr.size() == rows + 1 && m.indptr[0] == 0, "CSR indptr size");
  check(static_cast<std::size_t>(m.indptr[rows]) == m.indices.size() &&
            m.indices.size() == m.data.size(),
        "CSR nnz");
  for (std::size_t r = 0; r < rows; ++r) {
    check(m.indptr[r] <= m.indptr[r + 1], "CSR indptr monotone");
    for (auto k = m.indptr[r]; k < m.indptr[r + 1]; ++k) {
      const auto kk = static_cast<std::size_t>(k);
      check(m.indices[kk] >= 0 && static_cast<std::size_t>(m.indices[kk]) < cols, "CSR column range");
      check(k == m.indptr[r] || m.indices[kk - 1] < m.indices[kk], "CSR columns sorted, unique");
      check(std::isfinite(m.data[kk]), "CSR finite values");
    }
  }
}

inline void check_csr_any(const CsrAny& m, std::size_t rows, std::size_t cols) {
  std::visit([&](const auto& x) { check_csr(x, rows, cols); }, m);
}

/// Columns of row r of a CSR result.
inline std::vector<std::int64_t> row_columns(const CsrAny& m, std::size_t r) {
  return std::visit(
      [&](const auto& x) {
        std::vector<std::int64_t> out;
        for (auto k = x.indptr[r]; k < x.indptr[r + 1]; ++k)
          out.push_back(static_cast<std::int64_t>(x.indices[static_cast<std::size_t>(k)]));
        return out;
      },
      m);
}

/// Value arrays as doubles, for comparisons between results.
inline std::vector<double> values(const CsrAny& m) {
  return std::visit([](const auto& x) { return std::vector<double>(x.data.begin(), x.data.end()); }, m);
}

inline bool same_structure(const CsrAny& a, const CsrAny& b) {
  return a.index() == b.index() &&
         std::visit(
             [&](const auto& x) {
               const auto& y = std::get<std::decay_t<decltype(x)>>(b);
               return x.rows == y.rows && x.cols == y.cols && x.indptr == y.indptr &&
                      x.indices == y.indices;
             },
             a);
}

}  // namespace newsim::fuzz
