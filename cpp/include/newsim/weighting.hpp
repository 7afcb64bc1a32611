// newsim — term weighting: tf (raw, binary, sublinear), idf (smooth or not), BM25, BM25+, row norms.
// The formulas are scikit-learn's: idf = ln((1 + n) / (1 + df)) + 1 with smoothing, else
// ln(n / df) + 1; sublinear tf = 1 + ln(tf); zero rows stay zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "newsim/options.hpp"

namespace newsim {

enum class Norm { none, l1, l2 };
/// bm25plus: BM25+ (Lv and Zhai, "Lower-bounding term frequency normalization", CIKM 2011), as
/// bm25s's method "bm25+": idf = ln((n + 1) / df), each occurring term's saturated tf + delta.
enum class Scheme { tfidf, bm25, bm25plus };

struct WeightingOptions {
  Scheme scheme = Scheme::tfidf;
  bool binary = false;
  bool use_idf = true;
  bool smooth_idf = true;
  bool sublinear_tf = false;
  Norm norm = Norm::l2;
  double k1 = 1.2;  // BM25 term-frequency saturation
  double b = 0.75;  // BM25 length normalization
  double delta = 1.0;  // BM25+ lower bound of an occurring term's tf (Lv and Zhai's value)

  /// Each option once: name, field, rule (see options.hpp).
  void declare(OptionVisitor& v);
  void validate() const;
};

/// The idf of each term. For BM25: ln(1 + (n - df + 0.5) / (df + 0.5)); BM25+: ln((n + 1) / df).
std::vector<double> compute_idf(const WeightingOptions& options, std::span<const std::int64_t> df,
                                std::int64_t n_docs);

/// Weights one row in place: `counts` are raw term counts (doubles), `idf` is indexed by the
/// row's columns, `doc_len` and `avg_doc_len` are used by BM25 only. Then applies the norm.
void weight_row(const WeightingOptions& options, std::span<const std::int64_t> columns,
                std::span<double> values, std::span<const double> idf, double doc_len,
                double avg_doc_len);

}  // namespace newsim
