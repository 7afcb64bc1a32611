// Stories: average-link clustering of the k-nearest-neighbour graph (see newsim/stories.hpp).
//
// Clusters are union-find roots. Each root keeps a list of (neighbour, summed score) edges; a
// neighbour in it may be stale (a cluster since merged into another), so a merge consolidates
// both lists through find() in one pass over a dense scratch array (O(deg A + deg B), no sort),
// and other clusters' lists are consolidated when they merge in turn. Every edge is in both of
// its ends' lists, so a cluster's own list always has its true links. Candidate merges sit in a
// max-heap; an entry is stale once either cluster has merged since (a version per cluster).
#include "newsim/stories.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <string>

#include "newsim/errors.hpp"

namespace newsim {

void StoryOptions::validate(bool normalized) const {
  if (k < 1 || k > kMaxStoryNeighbours)
    throw InvalidOptionError("k", "k must be in [1, " + std::to_string(kMaxStoryNeighbours) +
                                      "] (neighbours per article in the story graph), got " + std::to_string(k));
  if (!std::isfinite(threshold) || threshold <= 0.0 || (normalized && threshold > 1.0))
    throw InvalidOptionError("threshold", std::string("threshold must be in (0, ") + (normalized ? "1" : "inf") +
                                              "], got " + std::to_string(threshold));
}

namespace {

struct Edge {
  std::uint32_t to;
  float weight;
};

struct Candidate {
  double link;
  std::uint32_t a, b;  // a < b
  std::uint32_t version_a, version_b;
};

/// Heap order: the largest link on top; equal links to the lower a, then the lower b.
struct Later {
  bool operator()(const Candidate& x, const Candidate& y) const noexcept {
    if (x.link != y.link) return x.link < y.link;
    if (x.a != y.a) return x.a > y.a;
    return x.b > y.b;
  }
};

/// The undirected graph of the neighbour lists: each edge once per end, at most 2·n·k entries.
std::vector<std::vector<Edge>> graph_of(const TopKView& nb) {
  const std::size_t n = nb.rows;
  std::vector<std::uint32_t> degree(n, 0);
  auto usable = [&](std::size_t r, std::size_t c) {
    const std::int64_t j = nb.ids[r * nb.k + c];
    const float s = nb.scores[r * nb.k + c];
    if (j >= static_cast<std::int64_t>(n) || j < -1)
      throw InvalidOptionError("neighbours", "neighbours.ids[" + std::to_string(r) + ", " + std::to_string(c) +
                                                 "] is " + std::to_string(j) + ", not a row in [0, " +
                                                 std::to_string(n) + ") or -1");
    if (std::isnan(s))
      throw InvalidOptionError("neighbours", "neighbours.scores[" + std::to_string(r) + ", " + std::to_string(c) +
                                                 "] is NaN");
    return j >= 0 && static_cast<std::size_t>(j) != r && s > 0.0F;
  };
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < nb.k; ++c)
      if (usable(r, c)) {
        ++degree[r];
        ++degree[static_cast<std::size_t>(nb.ids[r * nb.k + c])];
      }
  std::vector<std::vector<Edge>> adj(n);
  for (std::size_t r = 0; r < n; ++r) adj[r].reserve(degree[r]);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < nb.k; ++c)
      if (usable(r, c)) {
        const auto j = static_cast<std::size_t>(nb.ids[r * nb.k + c]);
        const float s = nb.scores[r * nb.k + c];
        adj[r].push_back({static_cast<std::uint32_t>(j), s});
        adj[j].push_back({static_cast<std::uint32_t>(r), s});
      }
  // An edge found from both ends is listed twice: keep it once (the higher score, should the
  // two ends' scores differ in the last bit).
  for (auto& list : adj) {
    std::sort(list.begin(), list.end(), [](const Edge& x, const Edge& y) {
      return x.to != y.to ? x.to < y.to : x.weight > y.weight;
    });
    list.erase(std::unique(list.begin(), list.end(), [](const Edge& x, const Edge& y) { return x.to == y.to; }),
               list.end());
    list.shrink_to_fit();
  }
  return adj;
}

class Clustering {
 public:
  Clustering(std::vector<std::vector<Edge>> adj, std::size_t k)
      : adj_(std::move(adj)),
        k_(static_cast<double>(k)),
        parent_(adj_.size()),
        size_(adj_.size(), 1),
        version_(adj_.size(), 0),
        scratch_(adj_.size(), 0.0),
        seen_(adj_.size(), 0) {
    for (std::size_t r = 0; r < parent_.size(); ++r) parent_[r] = static_cast<std::uint32_t>(r);
  }

  /// Merges while the best link is >= threshold; polls `monitor` every few thousand merges.
  void run(double threshold, Monitor* monitor) {
    std::vector<Candidate> initial;
    for (std::uint32_t a = 0; a < adj_.size(); ++a)
      for (const Edge& e : adj_[a])
        if (a < e.to) initial.push_back({link(e.weight, 1, 1), a, e.to, 0, 0});
    std::priority_queue<Candidate, std::vector<Candidate>, Later> heap(Later{}, std::move(initial));
    std::size_t merges = 0;
    const std::size_t n = adj_.size();
    while (!heap.empty() && heap.top().link >= threshold) {
      const Candidate c = heap.top();
      heap.pop();
      if (version_[c.a] != c.version_a || version_[c.b] != c.version_b) continue;  // stale
      const std::uint32_t root = merge(c.a, c.b);
      for (const Edge& e : adj_[root]) {
        const auto [lo, hi] = std::minmax(root, e.to);
        heap.push({link(e.weight, size_[root], size_[e.to]), lo, hi, version_[lo], version_[hi]});
      }
      if (monitor != nullptr && ++merges % 4096 == 0 && !monitor->poll(std::min(merges, n), n)) throw Cancelled();
    }
  }

  /// Labels numbered by decreasing size, equal sizes by their lowest row.
  StoryLabels labels() {
    const std::size_t n = parent_.size();
    StoryLabels out;
    out.labels.assign(n, -1);
    std::vector<std::uint32_t> roots;  // in order of their lowest row
    std::vector<std::int64_t> first(n, -1);
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint32_t root = find(static_cast<std::uint32_t>(r));
      if (first[root] < 0) {
        first[root] = static_cast<std::int64_t>(roots.size());
        roots.push_back(root);
      }
    }
    std::vector<std::size_t> order(roots.size());
    for (std::size_t s = 0; s < order.size(); ++s) order[s] = s;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return size_[roots[x]] > size_[roots[y]]; });
    std::vector<std::int64_t> label_of(roots.size());
    out.sizes.resize(roots.size());
    for (std::size_t s = 0; s < order.size(); ++s) {
      label_of[order[s]] = static_cast<std::int64_t>(s);
      out.sizes[s] = static_cast<std::int64_t>(size_[roots[order[s]]]);
    }
    for (std::size_t r = 0; r < n; ++r)
      out.labels[r] = label_of[static_cast<std::size_t>(first[find(static_cast<std::uint32_t>(r))])];
    return out;
  }

 private:
  [[nodiscard]] double link(double weight, std::size_t a, std::size_t b) const noexcept {
    const double sa = static_cast<double>(a), sb = static_cast<double>(b);
    return weight / std::min(sa * sb, k_ * std::min(sa, sb));
  }

  std::uint32_t find(std::uint32_t x) noexcept {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }

  /// Merges clusters a and b (roots); returns the root kept, whose list is consolidated.
  std::uint32_t merge(std::uint32_t a, std::uint32_t b) {
    // Keep the root with the longer list (ties: the lower one) so that fewer entries move.
    const bool keep_a = adj_[a].size() != adj_[b].size() ? adj_[a].size() > adj_[b].size() : a < b;
    const std::uint32_t root = keep_a ? a : b, gone = keep_a ? b : a;
    parent_[gone] = root;
    size_[root] += size_[gone];
    ++version_[root];
    ++version_[gone];
    std::vector<std::uint32_t> touched;
    touched.reserve(adj_[root].size() + adj_[gone].size());
    for (const std::uint32_t from : {root, gone})
      for (const Edge& e : adj_[from]) {
        const std::uint32_t to = find(e.to);
        if (to == root) continue;  // now inside the cluster
        if (seen_[to] == 0) {
          seen_[to] = 1;
          touched.push_back(to);
        }
        scratch_[to] += e.weight;
      }
    std::vector<Edge> merged;
    merged.reserve(touched.size());
    for (const std::uint32_t to : touched) {
      merged.push_back({to, static_cast<float>(scratch_[to])});
      scratch_[to] = 0.0;
      seen_[to] = 0;
    }
    adj_[root] = std::move(merged);
    std::vector<Edge>().swap(adj_[gone]);
    return root;
  }

  std::vector<std::vector<Edge>> adj_;
  double k_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::size_t> size_;
  std::vector<std::uint32_t> version_;
  std::vector<double> scratch_;
  std::vector<std::uint8_t> seen_;
};

/// Checks the threshold and the size, then clusters the graph.
StoryLabels cluster_graph(std::vector<std::vector<Edge>> adj, std::size_t k, double threshold, const RunContext& ctx) {
  Clustering clustering(std::move(adj), std::max<std::size_t>(k, 1));
  clustering.run(threshold, ctx.monitor);
  return clustering.labels();
}

void check_input(const TopKView& neighbours, double threshold) {
  if (!std::isfinite(threshold) || threshold <= 0.0)
    throw InvalidOptionError("threshold", "threshold must be a positive number, got " + std::to_string(threshold));
  if (neighbours.rows >= std::numeric_limits<std::uint32_t>::max())
    throw InvalidOptionError("neighbours", "stories are limited to 2^32 - 2 articles");
}

}  // namespace

StoryLabels cluster_neighbours(const TopKView& neighbours, double threshold, const RunContext& ctx) {
  check_input(neighbours, threshold);
  return cluster_graph(graph_of(neighbours), neighbours.k, threshold, ctx);
}

StoryLabels stories(const SimilarityIndex& index, const StoryOptions& options, const RunContext& ctx) {
  options.validate(index.normalized());
  // The top-k is most of the work: 0-90 % of the progress bar, the clustering the rest.
  PhaseMonitor graph_phase(ctx.monitor, 0, 90, 100);
  std::vector<std::vector<Edge>> adj;
  {
    const TopK top = index.top_k(options.k, SimilarityMethod::automatic, with_monitor(ctx, graph_phase));
    const TopKView view{top.rows, top.k, top.ids.data(), top.scores.data()};
    check_input(view, options.threshold);
    adj = graph_of(view);
  }  // the top-k result is freed before the clustering: peak memory is the larger of the two
  PhaseMonitor cluster_phase(ctx.monitor, 90, 100, 100);
  return cluster_graph(std::move(adj), options.k, options.threshold, with_monitor(ctx, cluster_phase));
}

}  // namespace newsim
