// newsim — the similarity index's data: the rows (CSR) and an inverted index (term -> postings,
// CSC) with what the kernels' bounds need (each term's largest weight, the largest row norm,
// the weights' signs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "csr.hpp"

namespace newsim::detail {

struct InvertedIndex {
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
};

/// The index over canonical rows: the postings by a cache-friendly counting sort, the bounds
/// from the same passes.
InvertedIndex build_inverted_index(RowMatrix rows);

}  // namespace newsim::detail
