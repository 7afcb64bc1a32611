#include "newsim/weighting.hpp"

#include <array>
#include <cmath>
#include <string>

#include "newsim/errors.hpp"

namespace newsim {

void WeightingOptions::declare(OptionVisitor& v) {
  static constexpr std::array<std::string_view, 3> kSchemes{"tfidf", "bm25", "bm25+"};
  static constexpr std::array<std::string_view, 3> kNorms{"none", "l1", "l2"};
  v.choice("weighting", scheme, kSchemes);
  v.flag("binary", binary);
  v.flag("use_idf", use_idf);
  v.flag("smooth_idf", smooth_idf);
  v.flag("sublinear_tf", sublinear_tf);
  v.choice("norm", norm, kNorms);
  // Checked whatever the scheme, so that a bad value never waits for a later switch to BM25.
  v.real("k1", k1, {0});
  v.real("b", b, {0, 1});
  v.real("delta", delta, {0});
}

void WeightingOptions::validate() const { check_declared(*this); }

std::vector<double> compute_idf(const WeightingOptions& options, std::span<const std::int64_t> df,
                                std::int64_t n_docs) {
  std::vector<double> idf(df.size(), 1.0);
  const auto n = static_cast<double>(n_docs);
  for (std::size_t i = 0; i < df.size(); ++i) {
    const auto d = static_cast<double>(df[i]);
    if (options.scheme == Scheme::bm25) {
      idf[i] = std::log(1.0 + (n - d + 0.5) / (d + 0.5));
    } else if (options.scheme == Scheme::bm25plus) {
      idf[i] = std::log((n + 1.0) / std::max(d, 1.0));  // a fixed vocabulary's unseen term: df 1
    } else if (options.smooth_idf) {
      idf[i] = std::log((n + 1.0) / (d + 1.0)) + 1.0;
    } else {
      // A term of a fixed vocabulary that never occurs would get ln(n / 0) = inf; count it as
      // occurring once so that weights stay finite.
      idf[i] = std::log(n / std::max(d, 1.0)) + 1.0;
    }
  }
  return idf;
}

namespace {
/// 1 + ln(tf), from a table for the small counts that make up almost every entry.
double sublinear(double tf) {
  static const auto table = [] {
    std::array<double, 256> t{};
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = std::log(static_cast<double>(i)) + 1.0;
    return t;
  }();
  if (tf >= 1.0 && tf < 256.0 && tf == std::floor(tf)) return table[static_cast<std::size_t>(tf)];
  return std::log(tf) + 1.0;
}
}  // namespace

void weight_row(const WeightingOptions& o, std::span<const std::int64_t> columns,
                std::span<double> values, std::span<const double> idf, double doc_len,
                double avg_doc_len) {
  const std::size_t n = values.size();
  if (o.scheme == Scheme::bm25 || o.scheme == Scheme::bm25plus) {
    const double norm_len = avg_doc_len > 0 ? doc_len / avg_doc_len : 1.0;
    const double denom_add = o.k1 * (1.0 - o.b + o.b * norm_len);
    const double plus = o.scheme == Scheme::bm25plus ? o.delta : 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      const double tf = o.binary ? 1.0 : values[k];
      double w = tf * (o.k1 + 1.0) / (tf + denom_add) + plus;
      if (o.use_idf) w *= idf[static_cast<std::size_t>(columns[k])];
      values[k] = w;
    }
  } else {
    for (std::size_t k = 0; k < n; ++k) {
      double tf = o.binary ? 1.0 : values[k];
      if (o.sublinear_tf) tf = sublinear(tf);
      values[k] = o.use_idf ? tf * idf[static_cast<std::size_t>(columns[k])] : tf;
    }
  }
  if (o.norm == Norm::none) return;
  double sum = 0.0;
  if (o.norm == Norm::l2) {
    for (std::size_t k = 0; k < n; ++k) sum += values[k] * values[k];
    sum = std::sqrt(sum);
  } else {
    for (std::size_t k = 0; k < n; ++k) sum += std::fabs(values[k]);
  }
  if (sum == 0.0) return;  // zero rows stay zero
  for (std::size_t k = 0; k < n; ++k) values[k] /= sum;
}

}  // namespace newsim
