// newsim — stories: which articles cover the same event, by average-link clustering of the
// k-nearest-neighbour graph (batch). Memory is O(n·k): the graph keeps each article's k best
// neighbours (and the articles that have it among theirs), never an n x n matrix.
//
// The linkage. Clusters A and B are linked by W(A, B), the sum of the scores of the graph's
// edges between them (an edge: one of the two articles is among the other's k nearest). Plain
// average linkage divides W by |A|·|B|, the pairs between them; on a k-nearest-neighbour graph
// that punishes every story of more than k articles, whose members cannot all be each other's
// neighbours. The stories linkage divides instead by the pairs the graph can hold:
//
//     link(A, B) = W(A, B) / min(|A|·|B|, k·min(|A|, |B|))
//
// the mean score of the smaller cluster's members to the other over all of their pairs while
// the clusters are small (|A|·|B| <= k·min: average linkage exactly, on the graph's scores), and
// over their k neighbour slots once both are large. One strong edge between two large clusters
// counts 1/(k·min(|A|, |B|)) of its score: the linkage does not chain stories together as single
// linkage does. Clusters merge best link first while the best link is >= threshold.
//
// Determinism: the graph is the index's exact top-k (the same for any thread count); merging
// runs on one thread in a fixed order (largest link first, equal links by lower article, then
// by lower second article) with sums taken in a fixed order. Same input, same labels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "newsim/parallel.hpp"
#include "newsim/similarity.hpp"

namespace newsim {

/// The options of stories(); validate() throws InvalidOptionError naming the option.
struct StoryOptions {
  /// Neighbours per article in the graph (1 to kMaxStoryNeighbours). 20 by default: on the UCI
  /// headlines (benchmarks/RESULTS.md, "stories") k = 10, 20 and 40 give ARI 0.87 within 0.01.
  std::size_t k = 20;
  /// The smallest link at which two clusters merge: in (0, 1] for cosines. 0.03 by default:
  /// on the UCI headlines 0.02 to 0.05 give ARI >= 0.84 (0.01: 0.72 at k = 20; at k = 40 most stories merge).
  double threshold = 0.03;
  /// Throws InvalidOptionError("k") or ("threshold"); `normalized` (the index's scores are
  /// cosines) bounds the threshold by 1.
  void validate(bool normalized) const;
};

/// The largest k of StoryOptions (the graph holds up to 2·n·k edges).
inline constexpr std::size_t kMaxStoryNeighbours = 1000;

/// One story label per article and the stories' sizes. Stories are numbered by decreasing size,
/// equal sizes by their first article (lowest row); an article with no link above the threshold
/// is a story of its own (size 1).
struct StoryLabels {
  std::vector<std::int64_t> labels;  // one per row, in [0, sizes.size())
  std::vector<std::int64_t> sizes;   // one per story
};

/// Clusters the graph of `neighbours` (each row's k best other rows of the same n rows, ids < 0
/// padding, as SimilarityIndex::top_k gives them; edges with score <= 0 are left out) with the
/// stories linkage above. `ctx.monitor` is polled on the calling thread. Throws
/// InvalidOptionError("neighbours") for an id out of [-1, rows) or a NaN score,
/// ("threshold") for a threshold that is not a positive number.
StoryLabels cluster_neighbours(const TopKView& neighbours, double threshold, const RunContext& ctx = {});

/// The stories of an index's articles: its top_k(options.k) graph (among the articles `filter`
/// lets be compared: a window of dates, other sources), clustered. The top-k runs on
/// ctx.n_jobs threads; the result does not depend on them.
StoryLabels stories(const SimilarityIndex& index, const StoryOptions& options, const RunContext& ctx,
                    const ArticleFilter& filter = {});

}  // namespace newsim
