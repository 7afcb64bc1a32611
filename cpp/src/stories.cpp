// Stories: average-link clustering of the k-nearest-neighbour graph (see newsim/stories.hpp).
//
// Clusters are union-find roots. Each root keeps its edges to other roots, sorted by neighbour,
// with the summed score (W) of the graph's edges between the two clusters; every edge is in
// both ends' lists with the same sum. A merge moves the smaller list into the larger (the
// neighbours of the cluster that goes re-point their entry), so a cluster's edges move
// O(log n) times. Candidate merges sit in a max-heap with the link they had when pushed. A
// merge pushes the links whose W changed (the neighbours of the cluster that went); a link
// whose W did not change can only have fallen (its sizes grew), so an entry whose link is
// found lower when it reaches the top is pushed again with the current one, and one whose
// link is found higher is dropped (a newer entry holds it). The top entry whose link is
// current is therefore the largest link.
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
  std::uint32_t a, b;  // a < b, both roots when pushed
};

/// Heap order: the largest link on top; equal links to the lower a, then the lower b.
struct Later {
  bool operator()(const Candidate& x, const Candidate& y) const noexcept {
    if (x.link != y.link) return x.link < y.link;
    if (x.a != y.a) return x.a > y.a;
    return x.b > y.b;
  }
};

/// The entry of `to` in a list sorted by neighbour, or end().
std::vector<Edge>::iterator entry(std::vector<Edge>& list, std::uint32_t to) noexcept {
  const auto it = std::lower_bound(list.begin(), list.end(), to, [](const Edge& e, std::uint32_t t) { return e.to < t; });
  return it != list.end() && it->to == to ? it : list.end();
}

/// Adds `weight` to the entry of `to` (inserted in order if absent).
void add_to(std::vector<Edge>& list, std::uint32_t to, float weight) {
  const auto it = std::lower_bound(list.begin(), list.end(), to, [](const Edge& e, std::uint32_t t) { return e.to < t; });
  if (it != list.end() && it->to == to)
    it->weight += weight;
  else
    list.insert(it, Edge{to, weight});
}

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
      : adj_(std::move(adj)), k_(static_cast<double>(k)), parent_(adj_.size()), size_(adj_.size(), 1) {
    for (std::size_t r = 0; r < parent_.size(); ++r) parent_[r] = static_cast<std::uint32_t>(r);
  }

  /// Merges while the best link is >= threshold; polls `monitor` every few thousand merges.
  void run(double threshold, Monitor* monitor) {
    std::vector<Candidate> initial;
    for (std::uint32_t a = 0; a < adj_.size(); ++a)
      for (const Edge& e : adj_[a])
        if (a < e.to) initial.push_back({link(e.weight, 1, 1), a, e.to});
    std::priority_queue<Candidate, std::vector<Candidate>, Later> heap(Later{}, std::move(initial));
    std::size_t merges = 0;
    const std::size_t n = adj_.size();
    while (!heap.empty() && heap.top().link >= threshold) {
      const Candidate c = heap.top();
      heap.pop();
      if (parent_[c.a] != c.a || parent_[c.b] != c.b) continue;  // merged since
      const auto it = entry(adj_[c.a], c.b);
      if (it == adj_[c.a].end()) continue;
      const double now = link(it->weight, size_[c.a], size_[c.b]);
      if (now > c.link) continue;  // a newer entry holds it
      if (now < c.link) {          // fallen since: back in line
        heap.push({now, c.a, c.b});
        continue;
      }
      const std::uint32_t root = merge(c.a, c.b);
      for (const std::uint32_t other : changed_) {
        const auto e = entry(adj_[root], other);
        const auto [lo, hi] = std::minmax(root, other);
        heap.push({link(e->weight, size_[root], size_[other]), lo, hi});
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

  /// Merges clusters a and b (roots, linked); returns the root kept. changed_ lists the
  /// neighbours whose W with it changed (those of the cluster that went).
  std::uint32_t merge(std::uint32_t a, std::uint32_t b) {
    // The longer list stays (ties: the lower root): each edge moves O(log n) times.
    const bool keep_a = adj_[a].size() != adj_[b].size() ? adj_[a].size() > adj_[b].size() : a < b;
    const std::uint32_t root = keep_a ? a : b, gone = keep_a ? b : a;
    std::vector<Edge> moving;
    moving.swap(adj_[gone]);
    changed_.clear();
    for (const Edge& e : moving) {
      if (e.to == root) continue;
      auto& theirs = adj_[e.to];
      const auto old = entry(theirs, gone);
      const float w = old->weight;  // == e.weight: both ends hold the same sum
      theirs.erase(old);
      add_to(theirs, root, w);
      add_to(adj_[root], e.to, e.weight);
      changed_.push_back(e.to);
    }
    adj_[root].erase(entry(adj_[root], gone));
    parent_[gone] = root;
    size_[root] += size_[gone];
    return root;
  }

  std::vector<std::vector<Edge>> adj_;
  double k_;
  std::vector<std::uint32_t> parent_;
  std::vector<std::size_t> size_;
  std::vector<std::uint32_t> changed_;
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

StoryLabels stories(const SimilarityIndex& index, const StoryOptions& options, const RunContext& ctx,
                    const ArticleFilter& filter) {
  options.validate(index.normalized());
  // The top-k is most of the work: 0-90 % of the progress bar, the clustering the rest.
  PhaseMonitor graph_phase(ctx.monitor, 0, 90, 100);
  std::vector<std::vector<Edge>> adj;
  {
    const TopK top = index.top_k(options.k, SimilarityMethod::automatic, with_monitor(ctx, graph_phase), filter);
    const TopKView view{top.rows, top.k, top.ids.data(), top.scores.data()};
    check_input(view, options.threshold);
    adj = graph_of(view);
  }  // the top-k result is freed before the clustering: peak memory is the larger of the two
  PhaseMonitor cluster_phase(ctx.monitor, 90, 100, 100);
  return cluster_graph(std::move(adj), options.k, options.threshold, with_monitor(ctx, cluster_phase));
}

}  // namespace newsim
