// Stories: the linkage on hand-built neighbour graphs (no chaining across a weak link, the merge
// order of a chain), the numbering of the stories, bad input, and stories of an index: the same
// labels on one thread and on two.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/similarity.hpp"
#include "newsim/stories.hpp"

using namespace newsim;

namespace {

/// A neighbour graph written as each row's (neighbour, score) list, padded to k with -1 and 0.
struct Graph {
  std::size_t rows = 0, k = 0;
  std::vector<std::int64_t> ids;
  std::vector<float> scores;

  Graph(std::size_t width, const std::vector<std::vector<std::pair<std::int64_t, float>>>& lists) : k(width) {
    for (const auto& list : lists) {
      for (std::size_t c = 0; c < k; ++c) {
        ids.push_back(c < list.size() ? list[c].first : -1);
        scores.push_back(c < list.size() ? list[c].second : 0.0F);
      }
      ++rows;
    }
  }
  [[nodiscard]] TopKView view() const { return {rows, k, ids.data(), scores.data()}; }
};

using Labels = std::vector<std::int64_t>;

}  // namespace

// Two stories of three articles (every pair 0.9) joined by one link of 0.5 (rows 2 and 3), and
// an article with no neighbour. Single linkage at 0.3 would make one story of the six; here the
// link between the two clusters is 0.5 / min(3·3, k·3) = 0.5 / 9 < 0.3.
TEST(Stories, NoChainingAcrossAWeakLink) {
  const Graph g(3, {{{1, 0.9F}, {2, 0.9F}},
                    {{0, 0.9F}, {2, 0.9F}},
                    {{0, 0.9F}, {1, 0.9F}, {3, 0.5F}},
                    {{4, 0.9F}, {5, 0.9F}, {2, 0.5F}},
                    {{3, 0.9F}, {5, 0.9F}},
                    {{3, 0.9F}, {4, 0.9F}},
                    {}});
  const StoryLabels s = cluster_neighbours(g.view(), 0.3);
  EXPECT_EQ(s.labels, (Labels{0, 0, 0, 1, 1, 1, 2}));  // equal sizes: numbered by first row
  EXPECT_EQ(s.sizes, (Labels{3, 3, 1}));
  // At a threshold below the bridge's share (0.5 / 9 = 0.0556) the two stories merge.
  EXPECT_EQ(cluster_neighbours(g.view(), 0.05).sizes, (Labels{6, 1}));
}

// A chain 0 - 1 - 2 - 3 - 4, every link 0.5, k = 2. Equal links merge the lower pair first:
// {0, 1} (0.5), then {2, 3} (0.5; {0, 1} to 2 is 0.5 / min(2, 2·1) = 0.25), then nothing at a
// threshold of 0.3 ({2, 3} to 4: 0.25; {0, 1} to {2, 3}: 0.5 / min(4, 2·2) = 0.125). At 0.25
// 4 joins {2, 3}; {0, 1} to {2, 3, 4} is 0.5 / min(6, 2·2) = 0.125: it takes 0.125 to join all.
TEST(Stories, ChainMergesInLinkOrder) {
  const Graph g(2, {{{1, 0.5F}}, {{0, 0.5F}, {2, 0.5F}}, {{1, 0.5F}, {3, 0.5F}}, {{2, 0.5F}, {4, 0.5F}}, {{3, 0.5F}}});
  EXPECT_EQ(cluster_neighbours(g.view(), 0.3).labels, (Labels{0, 0, 1, 1, 2}));
  EXPECT_EQ(cluster_neighbours(g.view(), 0.25).labels, (Labels{1, 1, 0, 0, 0}));
  EXPECT_EQ(cluster_neighbours(g.view(), 0.13).sizes, (Labels{3, 2}));
  EXPECT_EQ(cluster_neighbours(g.view(), 0.125).sizes, (Labels{5}));
  EXPECT_EQ(cluster_neighbours(g.view(), 0.6).labels, (Labels{0, 1, 2, 3, 4}));
}

// An edge listed by one end only counts as one edge; its score counts once, not twice.
TEST(Stories, OneSidedEdgesCountOnce) {
  const Graph both(1, {{{1, 0.4F}}, {{0, 0.4F}}});
  const Graph one(1, {{{1, 0.4F}}, {}});
  EXPECT_EQ(cluster_neighbours(both.view(), 0.4).sizes, (Labels{2}));
  EXPECT_EQ(cluster_neighbours(one.view(), 0.4).sizes, (Labels{2}));
  EXPECT_EQ(cluster_neighbours(one.view(), 0.41).sizes, (Labels{1, 1}));
}

// Larger stories are numbered first, whatever their rows.
TEST(Stories, NumberedBySize) {
  const Graph g(2, {{}, {{2, 0.9F}, {3, 0.9F}}, {{1, 0.9F}, {3, 0.9F}}, {{1, 0.9F}, {2, 0.9F}}, {}});
  const StoryLabels s = cluster_neighbours(g.view(), 0.5);
  EXPECT_EQ(s.labels, (Labels{1, 0, 0, 0, 2}));
  EXPECT_EQ(s.sizes, (Labels{3, 1, 1}));
  EXPECT_TRUE(cluster_neighbours(Graph(3, {}).view(), 0.5).labels.empty());
}

TEST(Stories, BadInput) {
  const Graph out_of_range(1, {{{2, 0.5F}}, {}});
  EXPECT_THROW((void)cluster_neighbours(out_of_range.view(), 0.3), InvalidOptionError);
  const Graph nan(1, {{{1, std::numeric_limits<float>::quiet_NaN()}}, {}});
  EXPECT_THROW((void)cluster_neighbours(nan.view(), 0.3), InvalidOptionError);
  const Graph fine(1, {{{1, 0.5F}}, {}});
  for (const double t : {0.0, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    try {
      (void)cluster_neighbours(fine.view(), t);
      ADD_FAILURE() << "threshold " << t << " accepted";
    } catch (const InvalidOptionError& e) {
      EXPECT_EQ(e.option(), "threshold");
    }
  }
  EXPECT_THROW((StoryOptions{0, 0.03}.validate(true)), InvalidOptionError);
  EXPECT_THROW((StoryOptions{kMaxStoryNeighbours + 1, 0.03}.validate(true)), InvalidOptionError);
  EXPECT_THROW((StoryOptions{20, 1.5}.validate(true)), InvalidOptionError);
  EXPECT_NO_THROW((StoryOptions{20, 1.5}.validate(false)));
}

// An index of 60 groups of 25 rows: each row has its group's two terms (weights varying by
// row) and one term of its own, plus a shared term every 7th row links unrelated groups. The
// stories are the groups; one thread and two give the same labels.
TEST(Stories, IndexStoriesAreTheGroupsOnAnyThreadCount) {
  const std::size_t groups = 60, per = 25, n = groups * per;
  std::vector<std::int32_t> indptr{0}, indices;
  std::vector<float> data;
  for (std::size_t r = 0; r < n; ++r) {
    const auto g = static_cast<std::int32_t>(r / per);
    const float w = 0.5F + 0.01F * static_cast<float>(r % 13);
    indices.insert(indices.end(), {2 * g, 2 * g + 1, static_cast<std::int32_t>(2 * groups + r)});
    data.insert(data.end(), {w, 1.0F - w / 2, 0.8F});
    if (r % 7 == 0) {
      indices.push_back(static_cast<std::int32_t>(3 * groups + n));
      data.push_back(0.3F);
    }
    indptr.push_back(static_cast<std::int32_t>(indices.size()));
  }
  // Normalize the rows: scores are cosines.
  for (std::size_t r = 0; r < n; ++r) {
    double sq = 0;
    for (auto p = indptr[r]; p < indptr[r + 1]; ++p) sq += double(data[p]) * data[p];
    for (auto p = indptr[r]; p < indptr[r + 1]; ++p) data[p] = static_cast<float>(data[p] / std::sqrt(sq));
  }
  const CsrInput in{n, 3 * groups + n + 1, indptr.data(), false, indices.data(), false, data.data(), false};
  const SimilarityIndex index(in);
  const StoryLabels one = stories(index, StoryOptions{}, RunContext{1});
  const StoryLabels two = stories(index, StoryOptions{}, RunContext{2});
  EXPECT_EQ(one.labels, two.labels);
  EXPECT_EQ(one.sizes, Labels(groups, static_cast<std::int64_t>(per)));
  for (std::size_t r = 0; r < n; ++r) EXPECT_EQ(one.labels[r], static_cast<std::int64_t>(r / per)) << "row " << r;
}
