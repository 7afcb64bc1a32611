// newsim (private) — the assembly stage: the CSR matrix built from the counting stage's rows
// (counting.hpp), the columns their ids map to and the weights.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "counting.hpp"
#include "newsim/sparse.hpp"
#include "newsim/vectorizer.hpp"

namespace newsim::detail {

/// Maps every worker's local term ids to final columns (-1: not a column).
using Remap = std::vector<std::vector<std::int64_t>>;

/// Per worker: the columns that each id of its candidates stream adds to a row where it occurs,
/// cols[ptr[id] .. ptr[id + 1]), each with the id's count. The columns of a row may then repeat
/// (the counts of a column add up). The compound expansion fills it with compounds' parts.
struct ColumnList {
  std::vector<std::size_t> ptr{0};
  std::vector<std::int64_t> cols;
};
/// By worker; empty: the candidates stream adds no columns.
using ColumnLists = std::vector<ColumnList>;

/// Columns of each worker's local terms in a fixed vocabulary.
Remap remap_to(const Analysis& a, const Vocabulary& vocab);

/// Columns of each worker's local terms from their statistics entries (`entry_of`, by worker;
/// StringMap::npos: none) and the entries' columns.
Remap remap_entries(const std::vector<std::vector<std::uint32_t>>& entry_of, std::span<const std::int64_t> column);

/// The weighted matrix of `a`'s rows: each term count at its column in `remap` (none where -1),
/// plus each candidate count at its columns in `extra`.
CsrAny assemble(const Analysis& a, const Remap& remap, const ColumnLists& extra, std::size_t n_cols,
                const VectorizerOptions& o, std::span<const double> idf, double avg_len, const RunContext& ctx);

/// Calls `make.template operator()<T, I>()` with the result's value type (float64 or float32)
/// and index type (int32 while nnz and the column count fit, else int64).
template <class F>
CsrAny with_csr_types(bool float64, std::size_t nnz_bound, std::size_t n_cols, F&& make) {
  constexpr auto kMax32 = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  const bool small = nnz_bound <= kMax32 && n_cols <= kMax32;
  if (float64) {
    if (small) return make.template operator()<double, std::int32_t>();
    return make.template operator()<double, std::int64_t>();
  }
  if (small) return make.template operator()<float, std::int32_t>();
  return make.template operator()<float, std::int64_t>();
}

}  // namespace newsim::detail
