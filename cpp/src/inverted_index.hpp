// newsim — the similarity index's data: the rows (CSR) and an inverted index (term -> postings,
// CSC) with what the kernels' bounds need (each term's largest weight, the largest row norm,
// the weights' signs).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "csr.hpp"

namespace newsim::detail {

struct InvertedIndex {
  InvertedIndex() = default;
  InvertedIndex(InvertedIndex&&) noexcept = default;
  InvertedIndex& operator=(InvertedIndex&&) noexcept = default;
  InvertedIndex(const InvertedIndex&) = delete;
  InvertedIndex& operator=(const InvertedIndex&) = delete;

  RowMatrix rows;
  ColMatrix postings;             // each column's rows in increasing order
  std::vector<float> max_weight;  // per column, of |weight|
  double max_row_norm = 0.0;
  bool normalized = true;    // every non-empty row has unit L2 norm
  bool non_negative = true;  // no weight < 0
  bool positive = true;      // every stored weight > 0

  [[nodiscard]] std::size_t n_rows() const noexcept { return static_cast<std::size_t>(rows.rows()); }
  [[nodiscard]] RowView row(std::size_t r) const noexcept { return row_view(rows, r); }
  /// The number of rows holding column t.
  [[nodiscard]] std::size_t df(std::size_t t) const noexcept {
    return static_cast<std::size_t>(postings.outerIndexPtr()[t + 1] - postings.outerIndexPtr()[t]);
  }
  /// The sum over columns of their document frequency squared: the postings a per-row kernel
  /// visits when every row is a query.
  [[nodiscard]] double squared_frequencies() const noexcept;
  /// The most stored values of a row.
  [[nodiscard]] std::size_t longest_row() const noexcept;

  // The bounds, accumulated in one pass over the rows (max_weight sized to the columns first):
  // each stored weight, then each row's sum of squared weights.
  void note_weight(std::size_t col, float v) noexcept {
    note_sign(v);
    max_weight[col] = std::max(max_weight[col], std::fabs(v));
  }
  void note_sign(float v) noexcept {
    non_negative = non_negative && v >= 0.0f;
    positive = positive && v > 0.0f;
  }
  /// A row's sum of squared weights (note_row's argument), in double: four partial sums over
  /// interleaved weights, joined in a fixed order, so that the build and the loader (which
  /// must agree to the bit) get the same value, without a chain of dependent additions.
  [[nodiscard]] static double sum_of_squares(const float* v, std::size_t n) noexcept {
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
      a0 += static_cast<double>(v[k]) * v[k];
      a1 += static_cast<double>(v[k + 1]) * v[k + 1];
      a2 += static_cast<double>(v[k + 2]) * v[k + 2];
      a3 += static_cast<double>(v[k + 3]) * v[k + 3];
    }
    for (; k < n; ++k) a0 += static_cast<double>(v[k]) * v[k];
    return (a0 + a1) + (a2 + a3);
  }
  void note_row(double squares) noexcept {
    if (squares > 0.0 && std::fabs(squares - 1.0) > 1e-4) normalized = false;
    max_row_norm = std::max(max_row_norm, std::sqrt(squares));
  }
};

/// The index over canonical rows: the postings by a cache-friendly counting sort, the bounds
/// from the same passes.
InvertedIndex build_inverted_index(RowMatrix rows);

}  // namespace newsim::detail
