#include "newsim/similarity.hpp"

#include <Eigen/SparseCore>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "newsim/errors.hpp"

namespace newsim {
namespace {

using RowMatrix = Eigen::SparseMatrix<float, Eigen::RowMajor, std::int32_t>;
using ColMatrix = Eigen::SparseMatrix<float, Eigen::ColMajor, std::int32_t>;

template <class I>
std::int64_t at(const void* p, std::size_t i) {
  return static_cast<std::int64_t>(static_cast<const I*>(p)[i]);
}

/// Copies a CSR input into Eigen's compressed row storage: validated, columns sorted within
/// rows, duplicate entries summed (scipy allows both).
RowMatrix to_eigen(const CsrInput& in, const char* name) {
  const auto fail = [&](const std::string& what) {
    throw InvalidOptionError(name, std::string(name) + ": " + what);
  };
  if (in.rows > 0 && in.indptr == nullptr) fail("missing indptr");
  auto ptr = [&](std::size_t r) { return in.indptr64 ? at<std::int64_t>(in.indptr, r) : at<std::int32_t>(in.indptr, r); };
  auto idx = [&](std::size_t k) { return in.indices64 ? at<std::int64_t>(in.indices, k) : at<std::int32_t>(in.indices, k); };
  auto val = [&](std::size_t k) {
    return in.data64 ? static_cast<const double*>(in.data)[k]
                     : static_cast<double>(static_cast<const float*>(in.data)[k]);
  };
  const std::int64_t nnz = in.rows == 0 ? 0 : ptr(in.rows);
  if (in.rows > 0 && ptr(0) != 0) fail("indptr must start at 0");
  if (nnz < 0 || nnz >= std::numeric_limits<std::int32_t>::max())
    fail("too many stored values (at most 2^31 - 1 are supported)");
  if (in.cols >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    fail("too many columns (at most 2^31 - 1 are supported)");
  RowMatrix m(static_cast<Eigen::Index>(in.rows), static_cast<Eigen::Index>(in.cols));
  m.resizeNonZeros(static_cast<Eigen::Index>(nnz));
  std::int32_t* outer = m.outerIndexPtr();
  std::int32_t* inner = m.innerIndexPtr();
  float* values = m.valuePtr();
  std::vector<std::pair<std::int32_t, double>> row;
  std::int32_t out = 0;
  outer[0] = 0;
  for (std::size_t r = 0; r < in.rows; ++r) {
    const std::int64_t b = ptr(r), e = ptr(r + 1);
    if (e < b || e > nnz) fail("indptr must be non-decreasing and end at the number of stored values");
    row.clear();
    bool sorted = true;
    for (std::int64_t k = b; k < e; ++k) {
      const std::int64_t c = idx(static_cast<std::size_t>(k));
      if (c < 0 || c >= static_cast<std::int64_t>(in.cols))
        fail("row " + std::to_string(r) + " has column index " + std::to_string(c) +
             ", outside [0, " + std::to_string(in.cols) + ")");
      const double v = val(static_cast<std::size_t>(k));
      if (!std::isfinite(v))
        throw DocumentError(r, std::string(name) + ": row " + std::to_string(r) +
                                   " contains a NaN or infinite value");
      if (!row.empty() && c <= row.back().first) sorted = false;
      row.emplace_back(static_cast<std::int32_t>(c), v);
    }
    if (!sorted) std::sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k > 0 && row[k].first == inner[out - 1]) {
        values[out - 1] += static_cast<float>(row[k].second);  // duplicate entry: sum
        continue;
      }
      inner[out] = row[k].first;
      values[out] = static_cast<float>(row[k].second);
      ++out;
    }
    outer[r + 1] = out;
  }
  m.resizeNonZeros(out);
  return m;
}

constexpr double kNoScore = -std::numeric_limits<double>::infinity();

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

  explicit Workspace(std::size_t n_rows)
      : acc(n_rows, 0.0), stamp(n_rows, 0) {}

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

/// Better first: higher score, then lower id.
bool better(const std::pair<double, std::int32_t>& a, const std::pair<double, std::int32_t>& b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

}  // namespace

struct SimilarityIndex::Impl {
  RowMatrix rows;
  ColMatrix postings;
  std::vector<float> max_weight;  // per column
  double max_row_norm = 0.0;
  bool normalized = true;
  bool non_negative = true;

  /// A query row as parallel arrays.
  struct Query {
    const std::int32_t* cols;
    const float* vals;
    std::size_t n;
  };

  [[nodiscard]] Query row(const RowMatrix& m, std::size_t r) const {
    const std::int32_t b = m.outerIndexPtr()[r];
    const std::int32_t e = m.outerIndexPtr()[r + 1];
    return {m.innerIndexPtr() + b, m.valuePtr() + b, static_cast<std::size_t>(e - b)};
  }

  /// Scores `q` against every row sharing a term, admitting candidates while unseen rows could
  /// still reach `floor` (the k-th best so far, or a fixed threshold), then completes the
  /// survivors. Afterwards ws.scored holds (exact score, id) of every row that can reach the
  /// floor (or of every touched row in brute mode), excluding `exclude` and ids <= `min_id`.
  void score(const Query& q, std::size_t k, double fixed_floor, std::int64_t exclude,
             std::int64_t min_id, bool pruned, Workspace& ws) const {
    ws.next_query();
    ws.scored.clear();
    const std::int32_t* p_outer = postings.outerIndexPtr();
    const std::int32_t* p_inner = postings.innerIndexPtr();
    const float* p_vals = postings.valuePtr();
    auto scan = [&](std::int32_t col, double qv) {
      std::int32_t b = p_outer[col];
      const std::int32_t e = p_outer[col + 1];
      if (min_id >= 0)  // postings are sorted by row: skip to the first row > min_id
        b = static_cast<std::int32_t>(
            std::upper_bound(p_inner + b, p_inner + e, static_cast<std::int32_t>(min_id)) - p_inner);
      for (std::int32_t p = b; p < e; ++p) ws.add(p_inner[p], qv * static_cast<double>(p_vals[p]));
    };
    auto eligible = [&](std::int32_t d) { return d != exclude && d > min_id; };

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
    std::sort(ws.terms.begin(), ws.terms.end(), better);
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
    std::size_t work = 0;  // postings scanned since the floor was last computed
    std::size_t j = 0;
    for (; j < m; ++j) {
      if (ws.suffix[j] < floor) break;  // no unseen row can reach the floor any more
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
                           ws.scored.end(), better);
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
      if (eligible(d) && ws.acc[static_cast<std::size_t>(d)] + ws.suffix[j] >= floor) cand.push_back(d);
    const std::int32_t* r_outer = rows.outerIndexPtr();
    const std::int32_t* r_inner = rows.innerIndexPtr();
    const float* r_vals = rows.valuePtr();
    for (std::size_t r = j; r < m && !cand.empty(); ++r) {
      const auto t = static_cast<std::size_t>(ws.terms[r].second);
      const std::int32_t col = q.cols[t];
      const double qv = q.vals[t];
      const auto df = static_cast<std::size_t>(p_outer[col + 1] - p_outer[col]);
      if (df <= cand.size() * 8) {
        for (std::int32_t p = p_outer[col]; p < p_outer[col + 1]; ++p) {
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
                         ws.scored.end(), better);
        floor = std::max(floor, ws.scored[k - 1].first);
      }
      std::erase_if(cand, [&](std::int32_t d) { return ws.acc[static_cast<std::size_t>(d)] + bound < floor; });
    }
    ws.scored.clear();
    for (const std::int32_t d : cand) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
  }

  /// Writes the best k of ws.scored into row `r` of `out`.
  static void select(Workspace& ws, std::size_t k, std::size_t r, TopK& out) {
    auto& s = ws.scored;
    // Rank by the scores as returned (float32), so that equal returned scores go to the lower
    // id, as in the symmetric kernel.
    for (auto& e : s) e.first = static_cast<float>(e.first);
    const std::size_t keep = std::min(k, s.size());
    std::partial_sort(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(keep), s.end(), better);
    for (std::size_t c = 0; c < k; ++c) {
      out.ids[r * k + c] = c < keep ? s[c].second : -1;
      out.scores[r * k + c] = c < keep ? static_cast<float>(s[c].first) : 0.0f;
    }
  }

  /// Pruning pays off for thresholds (pairs); for top-k the floor rises too slowly on news
  /// text, so 'auto' scores every posting there (measured: tests/ and benchmarks/).
  [[nodiscard]] bool use_pruning(SimilarityMethod method, bool threshold_search) const {
    if (method == SimilarityMethod::brute) return false;
    if (method == SimilarityMethod::automatic && !threshold_search) return false;
    return non_negative;  // the bounds need non-negative weights
  }

  /// Per-thread best-k lists of every row, for the symmetric kernel: each computed score
  /// s(i, j) is offered to both rows. The worst entry of a full list is tracked so that most
  /// offers cost one comparison.
  struct BestLists {
    std::size_t k;
    std::vector<float> score;           // n * k
    std::vector<std::int32_t> id;       // n * k
    std::vector<std::uint8_t> size;     // entries used per row (k <= 255)
    std::vector<float> worst_score;     // per row, valid when full
    std::vector<std::int32_t> worst_id;
    std::vector<std::uint8_t> worst_at;
    BestLists(std::size_t n, std::size_t k_)
        : k(k_), score(n * k_), id(n * k_), size(n, 0), worst_score(n, 0.0f), worst_id(n, 0),
          worst_at(n, 0) {}
    /// Is (s, d) better than the worst kept entry of row r?
    void offer(std::size_t r, float s, std::int32_t d) {
      const std::size_t base = r * k;
      if (size[r] < k) {
        score[base + size[r]] = s;
        id[base + size[r]] = d;
        if (++size[r] == k) find_worst(r);
        return;
      }
      if (s < worst_score[r] || (s == worst_score[r] && d > worst_id[r])) return;
      score[base + worst_at[r]] = s;
      id[base + worst_at[r]] = d;
      find_worst(r);
    }
    void find_worst(std::size_t r) {
      const std::size_t base = r * k;
      std::size_t w = 0;
      for (std::size_t c = 1; c < k; ++c) {
        const float sc = score[base + c], sw = score[base + w];
        if (sc < sw || (sc == sw && id[base + c] > id[base + w])) w = c;
      }
      worst_at[r] = static_cast<std::uint8_t>(w);
      worst_score[r] = score[base + w];
      worst_id[r] = id[base + w];
    }
  };

  /// Exact all-pairs top-k using the symmetry s(i, j) = s(j, i): row i accumulates only rows
  /// j > i (half the postings), densely and without branches, and offers each score to both
  /// rows' lists. Threads keep their own lists, merged at the end.
  TopK symmetric_top_k(std::size_t k, const RunContext& ctx) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    TopK out;
    out.rows = n;
    out.k = k;
    out.ids.assign(n * k, -1);
    out.scores.assign(n * k, 0.0f);
    if (k == 0 || n < 2) return out;
    const std::size_t kk = std::min(k, n - 1);
    constexpr std::size_t kChunk = 16;
    const std::size_t n_workers = workers_for(n, kChunk, ctx);
    std::vector<std::unique_ptr<BestLists>> lists(n_workers);
    const std::int32_t* p_outer = postings.outerIndexPtr();
    const std::int32_t* p_inner = postings.innerIndexPtr();
    const float* p_vals = postings.valuePtr();
    std::vector<std::vector<double>> accs(n_workers);
    std::vector<std::vector<std::uint64_t>> marks(n_workers);
    // For each stored entry (i, t) of the rows, where t's postings continue after row i: the
    // rows' entries in row order fill each term's postings in order, so one pass gives every
    // position and the kernel needs no binary search per row and term.
    const std::int32_t* r_outer = rows.outerIndexPtr();
    const std::int32_t* r_inner = rows.innerIndexPtr();
    std::vector<std::int32_t> after(static_cast<std::size_t>(r_outer[n]));
    {
      std::vector<std::int32_t> cursor(p_outer, p_outer + postings.outerSize());
      for (std::size_t i = 0; i < n; ++i)
        for (std::int32_t e = r_outer[i]; e < r_outer[i + 1]; ++e)
          after[static_cast<std::size_t>(e)] = ++cursor[static_cast<std::size_t>(r_inner[e])];
    }
    parallel_chunks(n, kChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!lists[w]) {
        lists[w] = std::make_unique<BestLists>(n, kk);
        accs[w].assign(n, 0.0);
        marks[w].assign((n + 63) / 64, 0);
      }
      BestLists& best = *lists[w];
      double* acc = accs[w].data();
      std::uint64_t* mark = marks[w].data();
      const auto emit = [&](std::size_t i, std::size_t d) {
        const auto sc = static_cast<float>(acc[d]);
        acc[d] = 0.0;
        best.offer(i, sc, static_cast<std::int32_t>(d));
        best.offer(d, sc, static_cast<std::int32_t>(i));
      };
      for (std::size_t i = b; i < e; ++i) {
        const Query q = row(rows, i);
        // Postings visited and the range of rows they touch, per term (not per posting).
        std::size_t visits = 0;
        std::size_t lo = n;
        std::size_t hi = 0;
        const std::int32_t* q_after = after.data() + r_outer[i];
        for (std::size_t t = 0; t < q.n; ++t) {
          const std::int32_t col = q.cols[t];
          const double qv = q.vals[t];
          const std::int32_t* last = p_inner + p_outer[col + 1];
          const std::int32_t* it = p_inner + q_after[t];
          if (it == last) continue;
          visits += static_cast<std::size_t>(last - it);
          lo = std::min(lo, static_cast<std::size_t>(*it));
          hi = std::max(hi, static_cast<std::size_t>(last[-1]));
          const float* v = p_vals + (it - p_inner);
          for (; it != last; ++it, ++v) {
            const auto d = static_cast<std::size_t>(*it);
            acc[d] += qv * static_cast<double>(*v);
            mark[d >> 6] |= std::uint64_t{1} << (d & 63);
          }
        }
        if (visits == 0) continue;
        if ((hi >> 6) - (lo >> 6) <= 4 * visits + 16) {
          // Dense enough: scan the marked words of the touched range.
          for (std::size_t word = lo >> 6; word <= hi >> 6; ++word) {
            std::uint64_t bits = mark[word];
            if (bits == 0) continue;
            mark[word] = 0;
            while (bits != 0) {
              emit(i, word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
              bits &= bits - 1;
            }
          }
        } else {
          // Few rows spread far apart: walk the postings again instead of the range, so that
          // the cost stays O(postings), never O(n) per row.
          for (std::size_t t = 0; t < q.n; ++t) {
            const std::int32_t* last = p_inner + p_outer[q.cols[t] + 1];
            for (const std::int32_t* it = p_inner + q_after[t]; it != last; ++it) {
              const auto d = static_cast<std::size_t>(*it);
              const std::uint64_t bit = std::uint64_t{1} << (d & 63);
              if ((mark[d >> 6] & bit) == 0) continue;  // emitted already (another term)
              mark[d >> 6] &= ~bit;
              emit(i, d);
            }
          }
        }
      }
    });
    // Merge the threads' lists row by row: best first, ties to the lower id.
    parallel_chunks(n, 256, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
      std::vector<std::pair<double, std::int32_t>> merged;
      for (std::size_t r = b; r < e; ++r) {
        merged.clear();
        for (const auto& l : lists)
          if (l)
            for (std::size_t c = 0; c < l->size[r]; ++c)
              merged.emplace_back(l->score[r * kk + c], l->id[r * kk + c]);
        const std::size_t keep = std::min(kk, merged.size());
        std::partial_sort(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(keep), merged.end(), better);
        for (std::size_t c = 0; c < keep; ++c) {
          out.ids[r * k + c] = merged[c].second;
          out.scores[r * k + c] = static_cast<float>(merged[c].first);
        }
      }
    });
    return out;
  }

  template <class QueryOf>
  TopK run_top_k(std::size_t n_queries, std::size_t k, bool self, SimilarityMethod method,
                 const RunContext& ctx, QueryOf query_of) const {
    TopK out;
    out.rows = n_queries;
    out.k = k;
    out.ids.assign(n_queries * k, -1);
    out.scores.assign(n_queries * k, 0.0f);
    if (k == 0 || n_queries == 0) return out;
    const bool pruned = use_pruning(method, false);
    std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n_queries, 16, ctx));
    parallel_chunks(n_queries, 16, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(static_cast<std::size_t>(rows.rows()));
      Workspace& ws = *spaces[w];
      for (std::size_t r = b; r < e; ++r) {
        score(query_of(r), k, kNoScore, self ? static_cast<std::int64_t>(r) : -1, -1, pruned, ws);
        select(ws, k, r, out);
      }
    });
    return out;
  }
};

SimilarityIndex::SimilarityIndex(const CsrInput& matrix) : impl_(std::make_unique<Impl>()) {
  Impl& x = *impl_;
  x.rows = to_eigen(matrix, "X");
  x.postings = x.rows;  // Eigen converts the row-major storage to column-major: the postings
  x.postings.makeCompressed();
  x.max_weight.assign(static_cast<std::size_t>(x.rows.cols()), 0.0f);
  const float* v = x.rows.valuePtr();
  const std::int32_t* c = x.rows.innerIndexPtr();
  for (std::int64_t k = 0; k < x.rows.nonZeros(); ++k) {
    x.non_negative = x.non_negative && v[k] >= 0.0f;
    auto& mw = x.max_weight[static_cast<std::size_t>(c[k])];
    mw = std::max(mw, std::fabs(v[k]));
  }
  for (Eigen::Index r = 0; r < x.rows.rows(); ++r) {
    double s = 0.0;
    for (RowMatrix::InnerIterator it(x.rows, r); it; ++it) s += static_cast<double>(it.value()) * it.value();
    if (s > 0.0 && std::fabs(s - 1.0) > 1e-4) x.normalized = false;
    x.max_row_norm = std::max(x.max_row_norm, std::sqrt(s));
  }
}

SimilarityIndex::~SimilarityIndex() = default;
SimilarityIndex::SimilarityIndex(SimilarityIndex&&) noexcept = default;
SimilarityIndex& SimilarityIndex::operator=(SimilarityIndex&&) noexcept = default;

std::size_t SimilarityIndex::rows() const noexcept { return static_cast<std::size_t>(impl_->rows.rows()); }
std::size_t SimilarityIndex::cols() const noexcept { return static_cast<std::size_t>(impl_->rows.cols()); }
std::size_t SimilarityIndex::nnz() const noexcept { return static_cast<std::size_t>(impl_->rows.nonZeros()); }
bool SimilarityIndex::normalized() const noexcept { return impl_->normalized; }
bool SimilarityIndex::non_negative() const noexcept { return impl_->non_negative; }

TopK SimilarityIndex::top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx) const {
  const Impl& x = *impl_;
  if (method == SimilarityMethod::automatic && k <= 255) return x.symmetric_top_k(k, ctx);
  return x.run_top_k(rows(), k, true, method, ctx, [&](std::size_t r) { return x.row(x.rows, r); });
}

TopK SimilarityIndex::query(const CsrInput& queries, std::size_t k, SimilarityMethod method,
                            const RunContext& ctx) const {
  const Impl& x = *impl_;
  if (queries.cols != cols())
    throw InvalidOptionError("Q", "Q has " + std::to_string(queries.cols) + " columns, the index has " +
                                      std::to_string(cols()) + " (transform the queries with the same vectorizer)");
  const RowMatrix q = to_eigen(queries, "Q");
  bool q_non_negative = true;
  for (std::int64_t i = 0; i < q.nonZeros(); ++i) q_non_negative = q_non_negative && q.valuePtr()[i] >= 0.0f;
  const SimilarityMethod m = q_non_negative ? method : SimilarityMethod::brute;
  return x.run_top_k(queries.rows, k, false, m, ctx, [&](std::size_t r) { return x.row(q, r); });
}

Pairs SimilarityIndex::pairs(double threshold, SimilarityMethod method, const RunContext& ctx) const {
  const Impl& x = *impl_;
  if (!std::isfinite(threshold) || threshold <= 0.0)
    throw InvalidOptionError("threshold", "threshold must be a number > 0 (a threshold <= 0 would list pairs that share no term), got " +
                                              std::to_string(threshold));
  const std::size_t n = rows();
  const bool pruned = x.use_pruning(method, true);
  // Scores within kTolerance below the threshold count: exact duplicates of float32 rows score
  // 1 - 1e-7 or so, and pairs(threshold=1.0) must still find them.
  constexpr double kTolerance = 1e-6;
  const double floor = threshold - kTolerance;
  constexpr std::size_t kChunk = 16;
  std::vector<Pairs> parts((n + kChunk - 1) / kChunk);
  std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n, kChunk, ctx));
  parallel_chunks(n, kChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
    if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(n);
    Workspace& ws = *spaces[w];
    Pairs local;
    for (std::size_t r = b; r < e; ++r) {
      x.score(x.row(x.rows, r), 0, floor, -1, static_cast<std::int64_t>(r), pruned, ws);
      std::sort(ws.scored.begin(), ws.scored.end(),
                [](const auto& a, const auto& c) { return a.second < c.second; });
      for (const auto& [s, d] : ws.scored) {
        if (s < floor) continue;
        local.i.push_back(static_cast<std::int64_t>(r));
        local.j.push_back(d);
        local.score.push_back(static_cast<float>(s));
      }
    }
    parts[b / kChunk] = std::move(local);
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
  return out;
}

std::vector<Contribution> SimilarityIndex::explain(std::size_t a, std::size_t b) const {
  const Impl& x = *impl_;
  if (a >= rows() || b >= rows())
    throw std::out_of_range("article id " + std::to_string(a >= rows() ? a : b) +
                            " is out of range for an index of " + std::to_string(rows()) + " articles");
  const auto qa = x.row(x.rows, a);
  const auto qb = x.row(x.rows, b);
  std::vector<Contribution> out;
  std::size_t i = 0, j = 0;
  while (i < qa.n && j < qb.n) {
    if (qa.cols[i] < qb.cols[j]) {
      ++i;
    } else if (qb.cols[j] < qa.cols[i]) {
      ++j;
    } else {
      out.push_back({qa.cols[i], static_cast<double>(qa.vals[i]) * static_cast<double>(qb.vals[j])});
      ++i;
      ++j;
    }
  }
  std::sort(out.begin(), out.end(), [](const Contribution& p, const Contribution& q) {
    return p.value > q.value || (p.value == q.value && p.column < q.column);
  });
  return out;
}

TopK top_entries(const CsrInput& matrix, std::size_t top) {
  const RowMatrix m = to_eigen(matrix, "X");
  TopK out;
  out.rows = matrix.rows;
  out.k = top;
  out.ids.assign(matrix.rows * top, -1);
  out.scores.assign(matrix.rows * top, 0.0f);
  std::vector<std::pair<double, std::int32_t>> row;
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    row.clear();
    for (RowMatrix::InnerIterator it(m, r); it; ++it) row.emplace_back(it.value(), static_cast<std::int32_t>(it.col()));
    const std::size_t keep = std::min(top, row.size());
    std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keep), row.end(), better);
    for (std::size_t c = 0; c < keep; ++c) {
      out.ids[static_cast<std::size_t>(r) * top + c] = row[c].second;
      out.scores[static_cast<std::size_t>(r) * top + c] = static_cast<float>(row[c].first);
    }
  }
  return out;
}

}  // namespace newsim
