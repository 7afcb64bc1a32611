// newsim — the k-best rule of every top-k result: higher score first, equal scores to the lower
// id, padding with id -1 and score 0. One row writer serves the kernels, top_entries and the
// merge of partial results.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "newsim/similarity.hpp"

namespace newsim::detail {

/// Better first: higher score, then lower id.
template <class Id>
[[nodiscard]] inline bool better(const std::pair<double, Id>& a, const std::pair<double, Id>& b) noexcept {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

/// Writes the best `keep_at_most` of `candidates` (score, id) into row r of `out` (out.k
/// entries: best first, then padding); reorders `candidates`.
template <class Id>
void write_best_row(std::vector<std::pair<double, Id>>& candidates, std::size_t keep_at_most, std::size_t r,
                    TopK& out) {
  const std::size_t k = out.k;
  const std::size_t keep = std::min({keep_at_most, k, candidates.size()});
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(keep), candidates.end(),
                    better<Id>);
  for (std::size_t c = 0; c < k; ++c) {
    out.ids[r * k + c] = c < keep ? static_cast<std::int64_t>(candidates[c].second) : -1;
    out.scores[r * k + c] = c < keep ? static_cast<float>(candidates[c].first) : 0.0f;
  }
}

/// A rows x k result of padding only.
[[nodiscard]] inline TopK padded_top_k(std::size_t rows, std::size_t k) {
  TopK out;
  out.rows = rows;
  out.k = k;
  out.ids.assign(rows * k, -1);
  out.scores.assign(rows * k, 0.0f);
  return out;
}

}  // namespace newsim::detail
