#include "row_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "best_k.hpp"
#include "newsim/errors.hpp"
#include "simd.hpp"

namespace newsim::detail {
namespace {

/// The rows a query may return: rows [lo, hi) but `exclude`, never a removed row, and with a
/// source, never a row of that source.
struct Allowed {
  std::int64_t exclude = -1;
  std::int32_t lo = 0;
  std::int32_t hi = std::numeric_limits<std::int32_t>::max();
  const std::int32_t* sources = nullptr;  // per row (-1: unknown), read when source >= 0
  std::int32_t source = -1;               // the query's (-1: unknown, every row admitted)

  [[nodiscard]] bool admits(std::int32_t d, const std::uint8_t* removed) const noexcept {
    return d != exclude && d >= lo && d < hi && (removed == nullptr || removed[d] == 0) &&
           (source < 0 || sources[d] != source);
  }
};

/// What row (or query) r may be compared with under `limits`: rows [lo[r], hi[r]) but itself
/// (`self`: r is a row of the index), and none of its own source.
Allowed allowed_for(const RowLimits& limits, std::size_t r, bool self) noexcept {
  Allowed a{.exclude = self ? static_cast<std::int64_t>(r) : -1};
  if (!limits.lo.empty()) {
    a.lo = limits.lo[r];
    a.hi = limits.hi[r];
  }
  if (!limits.sources.empty()) {
    a.sources = limits.sources.data();
    a.source = limits.query_sources.empty() ? limits.sources[r] : limits.query_sources[r];
  }
  return a;
}

/// Per-thread scratch: a dense accumulator with generation stamps (never cleared in full) and
/// the rows touched.
struct Workspace {
  std::vector<double> acc;
  std::vector<std::uint32_t> stamp;
  std::uint32_t generation = 0;
  std::vector<std::int32_t> touched;
  std::vector<std::pair<double, std::int32_t>> terms;  // (upper bound, position in the query)
  std::vector<double> suffix;
  std::vector<std::pair<double, std::int32_t>> scored;
  std::vector<std::int32_t> candidates;
  std::vector<double> dense;  // all zeros between queries (dense scoring); allocated on first use
  std::vector<float> best;    // min-heap of the k best scores so far (dense scoring)

  /// Room for every row in the per-row lists, so that their size is known (bytes()).
  explicit Workspace(std::size_t n_rows) : acc(n_rows, 0.0), stamp(n_rows, 0) {
    touched.reserve(n_rows);
    scored.reserve(n_rows);
    candidates.reserve(n_rows);
  }

  /// At most what a Workspace allocates over an index of n_rows rows for queries of at most
  /// `terms` stored values and top-k lists of k: the per-row arrays, the dense scores
  /// (score_dense), and the query's terms, which grow by doubling.
  static std::size_t bytes(std::size_t n_rows, std::size_t terms, std::size_t k) noexcept {
    const std::size_t per_row = sizeof(double) + sizeof(std::uint32_t) + sizeof(std::int32_t) +
                                sizeof(std::pair<double, std::int32_t>) + sizeof(std::int32_t) + sizeof(double);
    return n_rows * per_row + 2 * k * sizeof(float) + 2 * terms * sizeof(std::pair<double, std::int32_t>) +
           (terms + 1) * sizeof(double);
  }

  void next_query() {
    touched.clear();
    if (++generation == 0) {  // wrapped: reset the stamps once every 2^32 queries
      std::fill(stamp.begin(), stamp.end(), 0);
      generation = 1;
    }
  }
  void add(std::int32_t d, double v) {
    if (stamp[static_cast<std::size_t>(d)] != generation) {
      stamp[static_cast<std::size_t>(d)] = generation;
      acc[static_cast<std::size_t>(d)] = v;
      touched.push_back(d);
    } else {
      acc[static_cast<std::size_t>(d)] += v;
    }
  }
};

/// Orders pairs by i, then j.
void sort_pairs(Pairs& p) {
  std::vector<std::size_t> by(p.i.size());
  for (std::size_t c = 0; c < by.size(); ++c) by[c] = c;
  std::sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) {
    return p.i[a] < p.i[b] || (p.i[a] == p.i[b] && p.j[a] < p.j[b]);
  });
  Pairs sorted;
  sorted.i.reserve(by.size());
  sorted.j.reserve(by.size());
  sorted.score.reserve(by.size());
  for (const std::size_t c : by) {
    sorted.i.push_back(p.i[c]);
    sorted.j.push_back(p.j[c]);
    sorted.score.push_back(p.score[c]);
  }
  p = std::move(sorted);
}

/// The per-row kernels over one index: each query row is scored against the postings of its
/// terms, into a Workspace per thread.
class RowScorer {
 public:
  /// `removed` (null, or one flag per row of the index): rows never returned by top_k.
  explicit RowScorer(const InvertedIndex& index, const std::uint8_t* removed = nullptr)
      : removed_(removed), x(index), rows(index.rows), postings(index.postings), max_weight(index.max_weight),
        max_row_norm(index.max_row_norm), positive(index.positive), non_negative(index.non_negative) {}

  /// For queries and pairs: per-row pruning pays off for thresholds (pairs); for top-k
  /// queries the floor rises too slowly on news text, so 'auto' scores every posting there
  /// (measured: tests/ and benchmarks/), in a dense array where a query reaches many rows
  /// (score_dense). All-pairs top-k has its own kernel (all_pairs.cpp).
  [[nodiscard]] bool use_pruning(SimilarityMethod method, bool threshold_search) const {
    if (method == SimilarityMethod::brute) return false;
    if (method == SimilarityMethod::automatic && !threshold_search) return false;
    return non_negative;  // the bounds need non-negative weights
  }

  /// Scores `q` against every row in `allowed` that shares a term, admitting candidates while
  /// unseen rows could still reach `floor` (the k-th best so far, or a fixed threshold), then
  /// completes the survivors. Afterwards ws.scored holds (exact score, id) of every allowed row
  /// that can reach the floor (or of every allowed touched row in brute mode). Only the
  /// postings of rows in [allowed.lo, allowed.hi) are read (they are sorted by row).
  void score(const RowView& q, std::size_t k, double fixed_floor, const Allowed& allowed, bool pruned,
             Workspace& ws) const {
    ws.next_query();
    ws.scored.clear();
    const std::int32_t* p_outer = postings.outerIndexPtr();
    const std::int32_t* p_inner = postings.innerIndexPtr();
    const float* p_vals = postings.valuePtr();
    const auto n_rows = static_cast<std::int32_t>(rows.rows());
    const bool limited = allowed.lo > 0 || allowed.hi < n_rows;
    // The postings of column `col` in rows [lo, hi): binary searches when the rows are limited.
    auto range = [&](std::int32_t col) {
      std::int32_t b = p_outer[col];
      std::int32_t e = p_outer[col + 1];
      if (limited && b < e) {
        if (allowed.lo > 0) b = static_cast<std::int32_t>(std::lower_bound(p_inner + b, p_inner + e, allowed.lo) - p_inner);
        if (allowed.hi < n_rows) e = static_cast<std::int32_t>(std::lower_bound(p_inner + b, p_inner + e, allowed.hi) - p_inner);
      }
      return std::pair{b, e};
    };
    auto scan = [&](std::int32_t col, double qv) {
      const auto [b, e] = range(col);
      for (std::int32_t p = b; p < e; ++p) ws.add(p_inner[p], qv * static_cast<double>(p_vals[p]));
    };
    auto eligible = [&](std::int32_t d) { return allowed.admits(d, removed_); };

    if (!pruned) {
      for (std::size_t t = 0; t < q.n; ++t) scan(q.cols[t], q.vals[t]);
      for (const std::int32_t d : ws.touched)
        if (eligible(d)) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
      return;
    }

    // Terms by decreasing query weight. What the terms from j on can still add to a row's
    // score is at most min(sum of q_t * max weight of t, ||q_rest|| * max row norm): the
    // second (Cauchy-Schwarz) bound is the tight one for the many small-weight common terms.
    ws.terms.clear();
    for (std::size_t t = 0; t < q.n; ++t)
      ws.terms.emplace_back(static_cast<double>(q.vals[t]), static_cast<std::int32_t>(t));
    std::sort(ws.terms.begin(), ws.terms.end(), better<std::int32_t>);
    const std::size_t m = ws.terms.size();
    ws.suffix.assign(m + 1, 0.0);
    {
      double sum = 0.0, sq = 0.0;
      for (std::size_t j = m; j-- > 0;) {
        const double qv = ws.terms[j].first;
        sum += qv * max_weight[static_cast<std::size_t>(q.cols[static_cast<std::size_t>(ws.terms[j].second)])];
        sq += qv * qv;
        ws.suffix[j] = std::min(sum, std::sqrt(sq) * max_row_norm * (1.0 + 1e-6));
      }
    }

    const bool fixed = fixed_floor > kNoScore;
    double floor = fixed ? fixed_floor : kNoScore;
    // Against the k-th best so far, bounds are widened by kSlack: a row whose score rounds to
    // the same float32 as the k-th (summed in another order) may still win the tie by its lower
    // id. A fixed threshold comes with its own tolerance.
    const double slack = fixed ? 1.0 : kSlack;
    std::size_t work = 0;  // postings scanned since the floor was last computed
    std::size_t j = 0;
    for (; j < m; ++j) {
      if (ws.suffix[j] * slack < floor) break;  // no unseen row can reach the floor any more
      const auto t = static_cast<std::size_t>(ws.terms[j].second);
      scan(q.cols[t], q.vals[t]);
      work += static_cast<std::size_t>(p_outer[q.cols[t] + 1] - p_outer[q.cols[t]]);
      // Recompute the floor only once the scanning done since the last time outweighs it, so
      // that finding the k-th best partial score costs at most as much as the scanning.
      if (!fixed && k > 0 && ws.touched.size() > k && work >= ws.touched.size()) {
        work = 0;
        // The k-th best partial score is a lower bound of the k-th best final score.
        ws.scored.clear();
        for (const std::int32_t d : ws.touched)
          if (eligible(d)) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
        if (ws.scored.size() >= k) {
          std::nth_element(ws.scored.begin(), ws.scored.begin() + static_cast<std::ptrdiff_t>(k - 1),
                           ws.scored.end(), better<std::int32_t>);
          floor = std::max(floor, ws.scored[k - 1].first);
        }
      }
    }
    // Candidates that can still reach the floor, refined term by term over the remaining
    // (common, low-weight) terms: each term is applied to the candidates only, by scanning its
    // postings or by looking it up in the candidates' rows, whichever is cheaper; after each
    // term the bound shrinks and candidates that can no longer reach the floor are dropped.
    auto& cand = ws.candidates;
    cand.clear();
    for (const std::int32_t d : ws.touched)
      if (eligible(d) && (ws.acc[static_cast<std::size_t>(d)] + ws.suffix[j]) * slack >= floor) cand.push_back(d);
    const std::int32_t* r_outer = rows.outerIndexPtr();
    const std::int32_t* r_inner = rows.innerIndexPtr();
    const float* r_vals = rows.valuePtr();
    for (std::size_t r = j; r < m && !cand.empty(); ++r) {
      const auto t = static_cast<std::size_t>(ws.terms[r].second);
      const std::int32_t col = q.cols[t];
      const double qv = q.vals[t];
      const auto [pb, pe] = range(col);
      const auto df = static_cast<std::size_t>(pe - pb);
      if (df <= cand.size() * 8) {
        for (std::int32_t p = pb; p < pe; ++p) {
          const auto d = static_cast<std::size_t>(p_inner[p]);
          if (ws.stamp[d] == ws.generation) ws.acc[d] += qv * static_cast<double>(p_vals[p]);
        }
      } else {
        for (const std::int32_t d : cand) {
          const std::int32_t* b = r_inner + r_outer[d];
          const std::int32_t* e = r_inner + r_outer[d + 1];
          const std::int32_t* hit = std::lower_bound(b, e, col);
          if (hit != e && *hit == col)
            ws.acc[static_cast<std::size_t>(d)] += qv * static_cast<double>(r_vals[hit - r_inner]);
        }
      }
      const double bound = ws.suffix[r + 1];
      if (!fixed && k > 0 && cand.size() > k) {
        ws.scored.clear();
        for (const std::int32_t d : cand) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
        std::nth_element(ws.scored.begin(), ws.scored.begin() + static_cast<std::ptrdiff_t>(k - 1),
                         ws.scored.end(), better<std::int32_t>);
        floor = std::max(floor, ws.scored[k - 1].first);
      }
      std::erase_if(cand, [&](std::int32_t d) { return (ws.acc[static_cast<std::size_t>(d)] + bound) * slack < floor; });
    }
    ws.scored.clear();
    for (const std::int32_t d : cand) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
  }

  /// Whether score_dense() may serve query `q`: positive weights in the index and the query
  /// (a row then shares a term with q exactly when its score is > 0), and enough postings that
  /// one pass over the n scores costs less than marking the rows touched one posting at a time.
  [[nodiscard]] bool dense_pays(const RowView& q) const {
    if (!positive) return false;
    const std::int32_t* p_outer = postings.outerIndexPtr();
    std::size_t work = 0;
    for (std::size_t t = 0; t < q.n; ++t) {
      if (!(q.vals[t] > 0.0f)) return false;
      work += static_cast<std::size_t>(p_outer[q.cols[t] + 1] - p_outer[q.cols[t]]);
    }
    return work * 4 >= static_cast<std::size_t>(rows.rows());
  }

  /// score() without pruning for a top-k query with method 'auto' ('brute' keeps score() as the
  /// reference), for queries that touch a large share of the rows (dense_pays): the postings
  /// are added into a dense array of scores without marking touched rows (the sums are the
  /// same as score()'s, term by term in the same order), then one pass over the array keeps
  /// every row that can still be among the k best (by float score, then lower id) and zeroes
  /// the array again. ws.scored gets a superset of the k best.
  void score_dense(const RowView& q, std::size_t k, std::int64_t exclude, Workspace& ws) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    if (ws.dense.size() != n) ws.dense.assign(n, 0.0);
    double* acc = ws.dense.data();
    const std::int32_t* p_outer = postings.outerIndexPtr();
    for (std::size_t t = 0; t < q.n; ++t) {
      const std::int32_t b = p_outer[q.cols[t]];
      scatter(acc, postings.innerIndexPtr() + b, postings.valuePtr() + b, p_outer[q.cols[t] + 1] - b,
              static_cast<double>(q.vals[t]));
    }
    ws.scored.clear();
    auto& best = ws.best;  // rows go by increasing id: a later row must beat the k-th strictly
    best.clear();
    const auto heap_greater = std::greater<float>();
    for (std::size_t d = 0; d < n; ++d) {
      if (acc[d] == 0.0) continue;
      const double a = acc[d];
      acc[d] = 0.0;
      if (static_cast<std::int64_t>(d) == exclude || (removed_ != nullptr && removed_[d] != 0)) continue;
      const auto f = static_cast<float>(a);
      if (best.size() < k) {
        best.push_back(f);
        std::push_heap(best.begin(), best.end(), heap_greater);
      } else if (f > best.front()) {
        std::pop_heap(best.begin(), best.end(), heap_greater);
        best.back() = f;
        std::push_heap(best.begin(), best.end(), heap_greater);
      } else {
        continue;
      }
      ws.scored.emplace_back(a, static_cast<std::int32_t>(d));
    }
  }

  /// Writes the best k of ws.scored into row `r` of `out`.
  static void write_best(Workspace& ws, std::size_t k, std::size_t r, TopK& out) {
    auto& s = ws.scored;
    // Rank by the scores as returned (float32), so that equal returned scores go to the lower
    // id, as in the symmetric kernel.
    for (auto& e : s) e.first = static_cast<float>(e.first);
    detail::write_best_row(s, k, r, out);
  }

  /// The k best rows for each row of `queries` (the index's own rows with `self`, each then
  /// excluded from its own list).
  TopK top_k(const RowMatrix& queries, std::size_t k, bool self, SimilarityMethod method, const RunContext& ctx) const {
    const auto n_queries = static_cast<std::size_t>(queries.rows());
    TopK out = detail::padded_top_k(n_queries, k);
    if (k == 0 || n_queries == 0) return out;
    const bool pruned = use_pruning(method, false);
    std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n_queries, kRowChunk, ctx));
    parallel_chunks(n_queries, kRowChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(static_cast<std::size_t>(rows.rows()));
      Workspace& ws = *spaces[w];
      for (std::size_t r = b; r < e; ++r) {
        const RowView q = row_view(queries, r);
        const std::int64_t exclude = self ? static_cast<std::int64_t>(r) : -1;
        if (!pruned && method == SimilarityMethod::automatic && dense_pays(q))
          score_dense(q, k, exclude, ws);
        else
          score(q, k, kNoScore, Allowed{.exclude = exclude}, pruned, ws);
        write_best(ws, k, r, out);
      }
    });
    return out;
  }
  /// Each row's (or query's) k best rows among those `limits` allows, with the caller's rows
  /// as ids (limits.order), so that equal scores go to the caller's lower row; the index's own
  /// rows (null `queries`) are written at their caller's row.
  TopK limited_top_k(const RowMatrix* queries, std::size_t k, const RowLimits& limits, SimilarityMethod method,
                     const RunContext& ctx) const {
    const std::size_t n = x.n_rows();
    const std::size_t n_queries = queries != nullptr ? static_cast<std::size_t>(queries->rows()) : n;
    TopK out = detail::padded_top_k(n_queries, k);
    if (k == 0 || n_queries == 0) return out;
    const bool pruned = use_pruning(method, false);
    std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n_queries, kRowChunk, ctx));
    parallel_chunks(n_queries, kRowChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(n);
      Workspace& ws = *spaces[w];
      for (std::size_t r = b; r < e; ++r) {
        const RowView q = queries != nullptr ? row_view(*queries, r) : x.row(r);
        score(q, k, kNoScore, allowed_for(limits, r, queries == nullptr), pruned, ws);
        std::size_t at = r;
        if (!limits.order.empty()) {
          for (auto& entry : ws.scored) entry.second = limits.order[static_cast<std::size_t>(entry.second)];
          if (queries == nullptr) at = static_cast<std::size_t>(limits.order[r]);
        }
        write_best(ws, k, at, out);
      }
    });
    return out;
  }

  /// All pairs i < j with score >= threshold; with `queries`, all pairs (query i, row j); with
  /// `limits`, only the pairs it allows, as the caller's rows (i < j, ordered by i then j).
  Pairs pairs(double threshold, SimilarityMethod method, const RunContext& ctx,
              const RowMatrix* queries = nullptr, const RowLimits* limits = nullptr) const {
  if (!std::isfinite(threshold) || threshold <= 0.0)
    throw InvalidOptionError("threshold", "threshold must be a number > 0 (a threshold <= 0 would list pairs that share no term), got " +
                                              std::to_string(threshold));
  const std::size_t n = x.n_rows();
  const std::size_t n_queries = queries != nullptr ? static_cast<std::size_t>(queries->rows()) : n;
  const bool pruned = use_pruning(method, true);
  // Scores within kTolerance below the threshold count: exact duplicates of float32 rows score
  // 1 - 1e-7 or so, and pairs(threshold=1.0) must still find them.
  constexpr double kTolerance = 1e-6;
  const double floor = threshold - kTolerance;
  std::vector<Pairs> parts((n_queries + kRowChunk - 1) / kRowChunk);
  std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n_queries, kRowChunk, ctx));
  parallel_chunks(n_queries, kRowChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
    if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(n);
    Workspace& ws = *spaces[w];
    Pairs local;
    for (std::size_t r = b; r < e; ++r) {
      if (queries != nullptr) {
        score(row_view(*queries, r), 0, floor, limits != nullptr ? allowed_for(*limits, r, false) : Allowed{},
              pruned, ws);
      } else {
        Allowed allowed = limits != nullptr ? allowed_for(*limits, r, true) : Allowed{};
        allowed.lo = std::max(allowed.lo, static_cast<std::int32_t>(r + 1));  // each pair once
        score(x.row(r), 0, floor, allowed, pruned, ws);
      }
      std::sort(ws.scored.begin(), ws.scored.end(),
                [](const auto& a, const auto& c) { return a.second < c.second; });
      for (const auto& [s, d] : ws.scored) {
        if (s < floor) continue;
        std::int64_t i = static_cast<std::int64_t>(r), j = d;
        if (limits != nullptr && !limits->order.empty()) {
          j = limits->order[static_cast<std::size_t>(d)];
          if (queries == nullptr) {
            i = limits->order[r];
            if (j < i) std::swap(i, j);
          }
        }
        local.i.push_back(i);
        local.j.push_back(j);
        local.score.push_back(static_cast<float>(s));
      }
    }
    parts[b / kRowChunk] = std::move(local);
  });
  Pairs out;
  std::size_t total = 0;
  for (const auto& p : parts) total += p.i.size();
  out.i.reserve(total);
  out.j.reserve(total);
  out.score.reserve(total);
  for (auto& p : parts) {
    out.i.insert(out.i.end(), p.i.begin(), p.i.end());
    out.j.insert(out.j.end(), p.j.begin(), p.j.end());
    out.score.insert(out.score.end(), p.score.begin(), p.score.end());
  }
  if (limits != nullptr && !limits->order.empty()) sort_pairs(out);
  return out;
  }

 private:
  const std::uint8_t* removed_;
  const InvertedIndex& x;
  const RowMatrix& rows;
  const ColMatrix& postings;
  const std::vector<float>& max_weight;
  double max_row_norm;
  bool positive;
  bool non_negative;
};

}  // namespace

TopK limited_top_k(const InvertedIndex& index, std::size_t k, const RowLimits& limits, SimilarityMethod method,
                   const RunContext& ctx) {
  return RowScorer(index).limited_top_k(nullptr, k, limits, method, ctx);
}

TopK limited_query_top_k(const InvertedIndex& index, const RowMatrix& queries, std::size_t k, const RowLimits& limits,
                         SimilarityMethod method, const RunContext& ctx, const std::uint8_t* removed) {
  return RowScorer(index, removed).limited_top_k(&queries, k, limits, method, ctx);
}

Pairs limited_pairs_above(const InvertedIndex& index, double threshold, const RowLimits& limits,
                          SimilarityMethod method, const RunContext& ctx) {
  return RowScorer(index).pairs(threshold, method, ctx, nullptr, &limits);
}

Pairs limited_query_pairs_above(const InvertedIndex& index, const RowMatrix& queries, double threshold,
                                const RowLimits& limits, SimilarityMethod method, const RunContext& ctx,
                                const std::uint8_t* removed) {
  return RowScorer(index, removed).pairs(threshold, method, ctx, &queries, &limits);
}

bool use_pruning(const InvertedIndex& index, SimilarityMethod method, bool threshold_search) noexcept {
  return RowScorer(index).use_pruning(method, threshold_search);
}

TopK per_row_top_k(const InvertedIndex& index, const RowMatrix& queries, std::size_t k, bool self,
                   SimilarityMethod method, const RunContext& ctx, const std::uint8_t* removed) {
  return RowScorer(index, removed).top_k(queries, k, self, method, ctx);
}

Pairs pairs_above(const InvertedIndex& index, double threshold, SimilarityMethod method, const RunContext& ctx) {
  return RowScorer(index).pairs(threshold, method, ctx);
}

Pairs query_pairs_above(const InvertedIndex& index, const RowMatrix& queries, double threshold, SimilarityMethod method,
                        const RunContext& ctx, const std::uint8_t* removed) {
  return RowScorer(index, removed).pairs(threshold, method, ctx, &queries);
}

std::size_t per_row_scratch_bytes(std::size_t index_rows, std::size_t n_queries, std::size_t longest, std::size_t k,
                                  std::size_t n_jobs) noexcept {
  if (k == 0 || n_queries == 0) return 0;
  return workers_for(n_queries, kRowChunk, RunContext{n_jobs}) * (Workspace::bytes(index_rows, longest, k) + kThreadBytes);
}

}  // namespace newsim::detail
