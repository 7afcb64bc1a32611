// newsim — the per-row similarity kernels: each query row scored against the postings of its
// terms (every posting, into a dense array of scores, or pruned below the k-th best so far or a
// threshold). They serve query, pairs, and top_k where the all-pairs kernel does not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "inverted_index.hpp"
#include "newsim/parallel.hpp"
#include "newsim/similarity.hpp"

namespace newsim::detail {

/// Which rows each row of an index may be compared with (a window of dates, other sources),
/// for top-k and pairs over the index's own rows. Arrays are per row of the index.
struct RowLimits {
  /// Rows [lo[r], hi[r]) (pairs: only those after r); both empty: every row.
  std::span<const std::int32_t> lo, hi;
  /// Each row's source (-1: unknown); rows of the same source (>= 0) are not compared. Empty:
  /// sources are not compared.
  std::span<const std::int32_t> sources;
  /// With queries: lo and hi are per query, and each query's source (empty: the row's own).
  std::span<const std::int32_t> query_sources;
  /// The caller's row of each row of the index (the index may be a reordered copy); results
  /// speak the caller's rows. Empty: the same rows.
  std::span<const std::int32_t> order;
};

/// Each row's k best rows among those `limits` allows (itself excluded), as the caller's rows
/// (equal scores to the lower caller's row), at the caller's row of the result.
TopK limited_top_k(const InvertedIndex& index, std::size_t k, const RowLimits& limits, SimilarityMethod method,
                   const RunContext& ctx);
/// Each query's k best rows among those `limits` allows (per query), as the caller's rows, never
/// a row flagged in `removed` (by row of `index`).
TopK limited_query_top_k(const InvertedIndex& index, const RowMatrix& queries, std::size_t k, const RowLimits& limits,
                         SimilarityMethod method, const RunContext& ctx, const std::uint8_t* removed);
/// All pairs of rows `limits` allows with score >= threshold (> 0), as the caller's rows i < j,
/// ordered by i then j. Only the postings of the allowed rows are read.
Pairs limited_pairs_above(const InvertedIndex& index, double threshold, const RowLimits& limits,
                          SimilarityMethod method, const RunContext& ctx);
/// All pairs (query i, row j) `limits` allows (per query) with score >= threshold, j the
/// caller's row, ordered by i then j, never a row flagged in `removed` (by row of `index`).
Pairs limited_query_pairs_above(const InvertedIndex& index, const RowMatrix& queries, double threshold,
                                const RowLimits& limits, SimilarityMethod method, const RunContext& ctx,
                                const std::uint8_t* removed);

/// Whether the per-row kernels prune for this method: for thresholds (pairs), or top-k with
/// 'pruned', and only where the index's weights are non-negative (the bounds need it).
bool use_pruning(const InvertedIndex& index, SimilarityMethod method, bool threshold_search) noexcept;

/// Each row of `queries`' k best rows of the index (with `self`, the queries are the index's own
/// rows, each excluded from its own list), never a row flagged in `removed` (null: none).
TopK per_row_top_k(const InvertedIndex& index, const RowMatrix& queries, std::size_t k, bool self,
                   SimilarityMethod method, const RunContext& ctx, const std::uint8_t* removed = nullptr);

/// All pairs i < j of the index's rows with score >= threshold (> 0), ordered by i then j.
Pairs pairs_above(const InvertedIndex& index, double threshold, SimilarityMethod method, const RunContext& ctx);
/// All pairs (query i, row j) with score >= threshold (> 0), ordered by i then j, never a row
/// flagged in `removed` (null: none).
Pairs query_pairs_above(const InvertedIndex& index, const RowMatrix& queries, double threshold, SimilarityMethod method,
                        const RunContext& ctx, const std::uint8_t* removed = nullptr);

/// What per_row_top_k allocates for n_queries queries of at most `longest` terms on an index of
/// index_rows rows: a Workspace per thread.
std::size_t per_row_scratch_bytes(std::size_t index_rows, std::size_t n_queries, std::size_t longest, std::size_t k,
                                  std::size_t n_jobs) noexcept;

}  // namespace newsim::detail
