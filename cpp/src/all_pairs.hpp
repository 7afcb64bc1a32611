// newsim — the all-pairs top-k kernel (k <= 255): each pair scored once, for both rows, from
// the symmetry s(i, j) = s(j, i); with positive weights the common terms are left out of the
// scan and bounded by Cauchy-Schwarz (see SimilarityIndex in newsim/similarity.hpp).
#pragma once

#include <cstddef>

#include "inverted_index.hpp"
#include "newsim/parallel.hpp"
#include "newsim/similarity.hpp"

namespace newsim::detail {

/// The all-pairs kernel serves top_k up to this k (a row's list size is kept in 8 bits).
constexpr std::size_t kAllPairsMaxK = 255;

/// Every row's k best other rows (k <= kAllPairsMaxK).
TopK all_pairs_top_k(const InvertedIndex& index, std::size_t k, const RunContext& ctx);

/// At most what all_pairs_top_k allocates besides the result, on this index or (an upper bound
/// over every index of that shape) on any index of rows x cols with nnz stored values.
std::size_t all_pairs_scratch_bytes(const InvertedIndex& index, std::size_t k, std::size_t n_jobs) noexcept;
std::size_t all_pairs_scratch_bytes(std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k,
                                    std::size_t n_jobs) noexcept;

}  // namespace newsim::detail
