// newsim — constants shared by the similarity kernels.
#pragma once

#include <cstddef>
#include <limits>

namespace newsim::detail {

/// No score yet: below every score.
constexpr double kNoScore = -std::numeric_limits<double>::infinity();
/// The pruned top-k kernel treats terms in more than this share of the rows as common. Measured
/// (n_jobs=1, 10kGNAD x 10 and the 100k generated corpus): 0.2-0.3 scan the least for the fewest
/// completions; 0.1 completes too many pairs, 0.5 saves too little scanning. Within that range
/// (same process, alternating, medians of 6): the defaults' matrix 1.07 / 1.10 / 1.14 s for
/// 0.2 / 0.25 / 0.3, the unigram matrix 0.66 / 0.62 / 0.68 s, the 100k corpus at n_jobs=2
/// 13.0-15.4 / 15.1-16.5 / 16.6-17.1 s.
constexpr double kCommonShare = 0.2;
/// A score or bound may differ in its last bits from the float score it is compared with in the
/// k-best lists: bounds are widened by this factor, keeping every pair that could tie a k-th entry.
constexpr double kSlack = 1.0 + 1e-6;

/// Rows (or queries) a thread takes at a time in the per-row and symmetric kernels.
constexpr std::size_t kRowChunk = 16;
/// Rows a thread takes at a time when the symmetric kernel merges the threads' lists.
constexpr std::size_t kMergeChunk = 256;
/// Bytes allowed in the memory bounds for a worker thread's state and a parallel call's
/// closures (heap blocks of a few dozen bytes each; test_similarity_memory checks the bounds).
constexpr std::size_t kThreadBytes = 1024;

}  // namespace newsim::detail
