#include "newsim/similarity.hpp"

#include <Eigen/SparseCore>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "best_k.hpp"
#include "newsim/big_alloc.hpp"
#include "newsim/errors.hpp"

namespace newsim {
namespace {

using detail::better;

/// Compressed sparse storage (Eigen's layout: outer offsets, inner indices, values) on
/// BigVector arrays, so that the large arrays of an index sit on 2 MiB pages and are filled
/// without being zeroed first; eigen() views it as an Eigen sparse matrix.
template <int Order>
class Compressed {
 public:
  using EigenMatrix = ::Eigen::SparseMatrix<float, Order, std::int32_t>;

  Compressed() : outer_(1, 0) {}
  /// An empty matrix of the given shape: offsets zero, no stored values.
  Compressed(::Eigen::Index rows, ::Eigen::Index cols)
      : rows_(rows), cols_(cols), outer_(static_cast<std::size_t>(outerSize()) + 1, 0) {}

  [[nodiscard]] ::Eigen::Index rows() const noexcept { return rows_; }
  [[nodiscard]] ::Eigen::Index cols() const noexcept { return cols_; }
  [[nodiscard]] ::Eigen::Index outerSize() const noexcept {
    return Order == ::Eigen::RowMajor ? rows_ : cols_;
  }
  [[nodiscard]] ::Eigen::Index nonZeros() const noexcept {
    return static_cast<::Eigen::Index>(inner_.size());
  }
  /// Room for exactly n stored values (their contents unspecified until written).
  void resizeNonZeros(::Eigen::Index n) {
    inner_.resize(static_cast<std::size_t>(n));
    values_.resize(static_cast<std::size_t>(n));
  }
  [[nodiscard]] std::int32_t* outerIndexPtr() noexcept { return outer_.data(); }
  [[nodiscard]] const std::int32_t* outerIndexPtr() const noexcept { return outer_.data(); }
  [[nodiscard]] std::int32_t* innerIndexPtr() noexcept { return inner_.data(); }
  [[nodiscard]] const std::int32_t* innerIndexPtr() const noexcept { return inner_.data(); }
  [[nodiscard]] float* valuePtr() noexcept { return values_.data(); }
  [[nodiscard]] const float* valuePtr() const noexcept { return values_.data(); }

  /// What a matrix with `outer` rows (row-major) or columns and nnz stored values allocates.
  static std::size_t bytes(std::size_t outer, std::size_t nnz) noexcept {
    return (outer + 1) * sizeof(std::int32_t) + nnz * (sizeof(std::int32_t) + sizeof(float));
  }

  [[nodiscard]] ::Eigen::Map<const EigenMatrix> eigen() const {
    return {rows_, cols_, nonZeros(), outer_.data(), inner_.data(), values_.data()};
  }

 private:
  ::Eigen::Index rows_ = 0;
  ::Eigen::Index cols_ = 0;
  detail::BigVector<std::int32_t> outer_;
  detail::BigVector<std::int32_t> inner_;
  detail::BigVector<float> values_;
};
using RowMatrix = Compressed<Eigen::RowMajor>;
using ColMatrix = Compressed<Eigen::ColMajor>;

template <class I>
std::int64_t at(const void* p, std::size_t i) {
  return static_cast<std::int64_t>(static_cast<const I*>(p)[i]);
}

/// Row r's first stored value, stored value p's column and value, whatever the input's types.
std::int64_t csr_offset(const CsrInput& in, std::size_t r) {
  return in.indptr64 ? at<std::int64_t>(in.indptr, r) : at<std::int32_t>(in.indptr, r);
}
std::int64_t csr_column(const CsrInput& in, std::size_t p) {
  return in.indices64 ? at<std::int64_t>(in.indices, p) : at<std::int32_t>(in.indices, p);
}
double csr_value(const CsrInput& in, std::size_t p) {
  return in.data64 ? static_cast<const double*>(in.data)[p] : static_cast<double>(static_cast<const float*>(in.data)[p]);
}

/// Copies a CSR input into Eigen's compressed row storage: validated, columns sorted within
/// rows, duplicate entries summed (scipy allows both).
RowMatrix to_eigen(const CsrInput& in, const char* name) {
  const auto fail = [&](const std::string& what) {
    throw InvalidOptionError(name, std::string(name) + ": " + what);
  };
  if (in.rows > 0 && in.indptr == nullptr) fail("missing indptr");
  const auto ptr = [&](std::size_t r) { return csr_offset(in, r); };
  const auto idx = [&](std::size_t k) { return csr_column(in, k); };
  const auto val = [&](std::size_t k) { return csr_value(in, k); };
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
    // Fast path: columns strictly increasing (scipy's canonical form), copied as they come.
    bool canonical = true;
    for (std::int64_t k = b; k < e && canonical; ++k) {
      const std::int64_t c = idx(static_cast<std::size_t>(k));
      const double v = val(static_cast<std::size_t>(k));
      canonical = c >= 0 && c < static_cast<std::int64_t>(in.cols) && std::isfinite(v) &&
                  (k == b || c > inner[out + (k - b) - 1]);
      if (canonical) {
        inner[out + (k - b)] = static_cast<std::int32_t>(c);
        values[out + (k - b)] = static_cast<float>(v);
      }
    }
    if (canonical) {
      out += static_cast<std::int32_t>(e - b);
      outer[r + 1] = out;
      continue;
    }
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

/// acc[rows[p]] += qv * vals[p] for p < count (the rows of one postings list are distinct).
/// The products (float x float in double) are exact, so computing them two at a time changes
/// no result; the sums are added one by one in the same order as before.
template <class Row>
inline void scatter(double* acc, const Row* rows, const float* vals, std::ptrdiff_t count, double qv) {
  std::ptrdiff_t p = 0;
#if defined(__SSE2__)
  const __m128d q = _mm_set1_pd(qv);
  const auto add = [acc](std::size_t d, __m128d x) __attribute__((always_inline)) {
    double* a = acc + d;
    _mm_store_sd(a, _mm_add_sd(_mm_load_sd(a), x));
  };
  for (; p + 4 <= count; p += 4) {
    const __m128 v = _mm_loadu_ps(vals + p);
    const __m128d lo = _mm_mul_pd(_mm_cvtps_pd(v), q);
    const __m128d hi = _mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(v, v)), q);
    add(rows[p], lo);
    add(rows[p + 1], _mm_unpackhi_pd(lo, lo));
    add(rows[p + 2], hi);
    add(rows[p + 3], _mm_unpackhi_pd(hi, hi));
  }
#else
  for (; p + 4 <= count; p += 4) {
    const double a = qv * static_cast<double>(vals[p]);
    const double b = qv * static_cast<double>(vals[p + 1]);
    const double c = qv * static_cast<double>(vals[p + 2]);
    const double d = qv * static_cast<double>(vals[p + 3]);
    acc[static_cast<std::size_t>(rows[p])] += a;
    acc[static_cast<std::size_t>(rows[p + 1])] += b;
    acc[static_cast<std::size_t>(rows[p + 2])] += c;
    acc[static_cast<std::size_t>(rows[p + 3])] += d;
  }
#endif
  for (; p < count; ++p) acc[static_cast<std::size_t>(rows[p])] += qv * static_cast<double>(vals[p]);
}

/// Rows (or queries) a thread takes at a time in the per-row and symmetric kernels.
constexpr std::size_t kRowChunk = 16;
/// Rows a thread takes at a time when the symmetric kernel merges the threads' lists.
constexpr std::size_t kMergeChunk = 256;
/// Bytes of a worker thread's state and a parallel call's closures (measured: a few hundred).
constexpr std::size_t kThreadBytes = 1024;

/// Rows tested at once by bound_test.
constexpr std::size_t kBlock = 8;

/// Bit u set for each row d + u of a block (u < kBlock) that the pruned symmetric kernel must
/// complete: it shares a scanned term with row i (partial score acc > 0) and its bound
/// (acc + norm_i * norm_d) * kSlack reaches row i's k-th score or its own (worst_d). The same
/// double arithmetic as the one-row test, so the same rows pass.
inline unsigned bound_test(const double* acc, const double* norm, const float* worst_d,
                           double norm_i, float worst_i) {
#if defined(__SSE2__)
  const __m128d ni = _mm_set1_pd(norm_i);
  const __m128d wi = _mm_set1_pd(static_cast<double>(worst_i));
  const __m128d slack = _mm_set1_pd(kSlack);
  const __m128d zero = _mm_setzero_pd();
  unsigned pass = 0;
  for (std::size_t u = 0; u < kBlock; u += 2) {
    const __m128d a = _mm_loadu_pd(acc + u);
    const __m128d bound = _mm_mul_pd(_mm_add_pd(a, _mm_mul_pd(ni, _mm_loadu_pd(norm + u))), slack);
    const __m128d wd = _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(worst_d + u))));
    const __m128d reach = _mm_or_pd(_mm_cmpge_pd(bound, wi), _mm_cmpge_pd(bound, wd));
    pass |= static_cast<unsigned>(_mm_movemask_pd(_mm_and_pd(_mm_cmpneq_pd(a, zero), reach))) << u;
  }
  return pass;
#else
  unsigned pass = 0;
  for (std::size_t u = 0; u < kBlock; ++u) {
    const double bound = (acc[u] + norm_i * norm[u]) * kSlack;
    const bool reach = !(bound < static_cast<double>(worst_i) && bound < static_cast<double>(worst_d[u]));
    pass |= static_cast<unsigned>(acc[u] != 0.0 && reach) << u;
  }
  return pass;
#endif
}

/// Rows per block in partial_floor.
constexpr std::size_t kMaxBlock = 32;

/// A lower bound of the kk-th largest of acc[lo..hi] (partial scores >= 0 of distinct rows), as
/// a float, or minus infinity: the kk-th largest of the maxima of blocks of kMaxBlock
/// rows (kk values of distinct rows are at least that high). One branch-free pass over the
/// range and a selection among range / kMaxBlock values (a running exact top-kk over the range
/// made the whole top-k 12 % slower), nearly as tight where the best rows are far apart: on the
/// defaults' matrix 0.64 M pairs completed, 0.61 M with the exact kk-th partial score.
float partial_floor(const double* acc, std::size_t lo, std::size_t hi, std::size_t kk, std::vector<double>& maxima) {
  maxima.clear();
  for (std::size_t u = lo; u + kMaxBlock <= hi + 1; u += kMaxBlock) {
#if defined(__SSE2__)
    __m128d m0 = _mm_loadu_pd(acc + u), m1 = _mm_loadu_pd(acc + u + 2);
    __m128d m2 = _mm_loadu_pd(acc + u + 4), m3 = _mm_loadu_pd(acc + u + 6);
    for (std::size_t v = 8; v < kMaxBlock; v += 8) {
      m0 = _mm_max_pd(m0, _mm_loadu_pd(acc + u + v));
      m1 = _mm_max_pd(m1, _mm_loadu_pd(acc + u + v + 2));
      m2 = _mm_max_pd(m2, _mm_loadu_pd(acc + u + v + 4));
      m3 = _mm_max_pd(m3, _mm_loadu_pd(acc + u + v + 6));
    }
    const __m128d m = _mm_max_pd(_mm_max_pd(m0, m1), _mm_max_pd(m2, m3));
    maxima.push_back(_mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m))));
#else
    maxima.push_back(*std::max_element(acc + u, acc + u + kMaxBlock));
#endif
  }
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  if (kk == 0 || maxima.size() < kk) return kNone;
  std::nth_element(maxima.begin(), maxima.begin() + static_cast<std::ptrdiff_t>(kk - 1), maxima.end(),
                   std::greater<>());
  const double th = maxima[kk - 1];
  // Rounding is monotonic: kk rows score at least float(th) as floats too.
  return th > 0.0 ? static_cast<float>(th) : kNone;
}

}  // namespace

struct SimilarityIndex::Impl {
  RowMatrix rows;
  ColMatrix postings;
  std::vector<float> max_weight;  // per column
  double max_row_norm = 0.0;
  bool normalized = true;
  bool non_negative = true;
  bool positive = true;  // every stored weight > 0

  /// A query row as parallel arrays.
  struct Query {
    const std::int32_t* cols;
    const float* vals;
    std::size_t n;
  };

  /// The sum over columns of their document frequency squared: the postings a per-row kernel
  /// visits when every row is a query.
  [[nodiscard]] double squared_frequencies() const noexcept {
    const std::int32_t* p = postings.outerIndexPtr();
    double sum = 0.0;
    for (Eigen::Index t = 0; t < postings.outerSize(); ++t) {
      const auto df = static_cast<double>(p[t + 1] - p[t]);
      sum += df * df;
    }
    return sum;
  }

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
                         ws.scored.end(), better<std::int32_t>);
        floor = std::max(floor, ws.scored[k - 1].first);
      }
      std::erase_if(cand, [&](std::int32_t d) { return ws.acc[static_cast<std::size_t>(d)] + bound < floor; });
    }
    ws.scored.clear();
    for (const std::int32_t d : cand) ws.scored.emplace_back(ws.acc[static_cast<std::size_t>(d)], d);
  }

  /// Whether score_dense() may serve query `q`: positive weights in the index and the query
  /// (a row then shares a term with q exactly when its score is > 0), and enough postings that
  /// one pass over the n scores costs less than marking the rows touched one posting at a time.
  [[nodiscard]] bool dense_pays(const Query& q) const {
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
  void score_dense(const Query& q, std::size_t k, std::int64_t exclude, Workspace& ws) const {
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
      if (static_cast<std::int64_t>(d) == exclude) continue;
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
  static void select(Workspace& ws, std::size_t k, std::size_t r, TopK& out) {
    auto& s = ws.scored;
    // Rank by the scores as returned (float32), so that equal returned scores go to the lower
    // id, as in the symmetric kernel.
    for (auto& e : s) e.first = static_cast<float>(e.first);
    detail::write_best_row(s, k, r, out);
  }

  /// For queries and pairs: per-row pruning pays off for thresholds (pairs); for top-k
  /// queries the floor rises too slowly on news text, so 'auto' scores every posting there
  /// (measured: tests/ and benchmarks/), in a dense array where a query reaches many rows
  /// (score_dense). All-pairs top-k has its own kernel (symmetric_top_k).
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
    std::vector<float> score;           // n * k; a full row is a heap with its worst entry first
    std::vector<std::int32_t> id;       // n * k
    std::vector<std::uint8_t> size;     // entries used per row (k <= 255)
    std::vector<float> worst_score;     // per row, valid when full
    std::vector<std::int32_t> worst_id;
    BestLists(std::size_t n, std::size_t k_)
        : k(k_), score(n * k_), id(n * k_), size(n, 0),
          worst_score(n, -std::numeric_limits<float>::infinity()), worst_id(n, 0) {}
    /// What the lists of n rows of k entries allocate.
    static std::size_t bytes(std::size_t n, std::size_t k) noexcept {
      return n * (k * (sizeof(float) + sizeof(std::int32_t)) + sizeof(std::uint8_t) + sizeof(float) +
                  sizeof(std::int32_t));
    }
    /// Keeps (s, d) if it is better than the worst kept entry of row r (or the list is not
    /// full: its worst score is minus infinity then). Most offers end at the first comparison.
    __attribute__((always_inline)) void offer(std::size_t r, float s, std::int32_t d) {
      if (s < worst_score[r] || (s == worst_score[r] && d > worst_id[r])) return;
      insert(r, s, d);
    }
    void insert(std::size_t r, float s, std::int32_t d) {
      const std::size_t base = r * k;
      if (size[r] < k) {
        score[base + size[r]] = s;
        id[base + size[r]] = d;
        if (++size[r] < k) return;
        for (std::size_t p = k / 2; p-- > 0;) sift_down(base, p, score[base + p], id[base + p]);
      } else {
        sift_down(base, 0, s, d);  // (s, d) replaces the worst entry
      }
      worst_score[r] = score[base];
      worst_id[r] = id[base];
    }
    /// Calls add(score, id) for each entry of row r.
    template <class Add>
    void each(std::size_t r, const Add& add) const {
      for (std::size_t c = 0; c < size[r]; ++c) add(score[r * k + c], id[r * k + c]);
    }

   private:
    /// Worse: a lower score, or the same score and a higher id.
    [[nodiscard]] static bool worse(float sa, std::int32_t ia, float sb, std::int32_t ib) {
      return sa < sb || (sa == sb && ia > ib);
    }
    /// Places (s, d) at position p of the heap at `base` or below, moving worse children up.
    void sift_down(std::size_t base, std::size_t p, float s, std::int32_t d) {
      for (;;) {
        std::size_t c = 2 * p + 1;
        if (c >= k) break;
        if (c + 1 < k && worse(score[base + c + 1], id[base + c + 1], score[base + c], id[base + c])) ++c;
        if (!worse(score[base + c], id[base + c], s, d)) break;
        score[base + p] = score[base + c];
        id[base + p] = id[base + c];
        p = c;
      }
      score[base + p] = s;
      id[base + p] = d;
    }
  };

  /// The common terms of the pruned symmetric kernel: columns with df > tau * n. Their postings
  /// are never scanned; what they add to s(i, j) is at most ||x_i^C|| ||x_j^C|| (Cauchy-Schwarz)
  /// and is computed exactly, from row j's own common entries, only for pairs whose bound can
  /// reach the k-th score of row i or row j.
  struct CommonTerms {
    std::vector<std::int32_t> slot;   // per column: its position among the common terms, or -1
    std::size_t count = 0;
    std::vector<std::int32_t> outer;  // each row's common entries (CSR over slots)
    std::vector<std::int32_t> col;
    std::vector<float> val;
    std::vector<double> norm;         // ||x_i^C||

    /// What the common terms of a rows x cols index allocate when `entries` stored values are
    /// in common columns.
    static std::size_t bytes(std::size_t rows, std::size_t cols, std::size_t entries) noexcept {
      return cols * sizeof(std::int32_t) + (rows + 1) * sizeof(std::int32_t) +
             entries * (sizeof(std::int32_t) + sizeof(float)) + rows * sizeof(double);
    }

    /// Writes row i's common weights into `dense` (by slot), and clears them again.
    void load(std::size_t i, double* dense) const {
      for (std::int32_t p = outer[i]; p < outer[i + 1]; ++p)
        dense[static_cast<std::size_t>(col[static_cast<std::size_t>(p)])] = val[static_cast<std::size_t>(p)];
    }
    void unload(std::size_t i, double* dense) const {
      for (std::int32_t p = outer[i]; p < outer[i + 1]; ++p) dense[static_cast<std::size_t>(col[static_cast<std::size_t>(p)])] = 0.0;
    }
    /// What the loaded row's common terms add to s(i, d), and whether the rows share one.
    [[nodiscard]] std::pair<double, bool> part(std::size_t d, const double* dense) const {
      double sum = 0.0;
      bool shared = false;
      for (std::int32_t p = outer[d]; p < outer[d + 1]; ++p) {
        const double c = dense[static_cast<std::size_t>(col[static_cast<std::size_t>(p)])];
        shared = shared || c != 0.0;
        sum += c * static_cast<double>(val[static_cast<std::size_t>(p)]);
      }
      return {sum, shared};
    }
  };

  [[nodiscard]] CommonTerms common_terms(double tau) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    const std::int32_t* p_outer = postings.outerIndexPtr();
    CommonTerms c;
    c.slot.assign(static_cast<std::size_t>(postings.outerSize()), -1);
    for (std::size_t t = 0; t < c.slot.size(); ++t)
      if (static_cast<double>(p_outer[t + 1] - p_outer[t]) > tau * static_cast<double>(n))
        c.slot[t] = static_cast<std::int32_t>(c.count++);
    c.outer.assign(n + 1, 0);
    c.norm.assign(n, 0.0);
    std::size_t entries = 0;
    for (std::size_t t = 0; t < c.slot.size(); ++t)
      if (c.slot[t] >= 0) entries += static_cast<std::size_t>(p_outer[t + 1] - p_outer[t]);
    c.col.reserve(entries);
    c.val.reserve(entries);
    for (std::size_t i = 0; i < n; ++i) {
      const Query q = row(rows, i);
      double sq = 0.0;
      for (std::size_t t = 0; t < q.n; ++t) {
        const std::int32_t s = c.slot[static_cast<std::size_t>(q.cols[t])];
        if (s < 0) continue;
        c.col.push_back(s);
        c.val.push_back(q.vals[t]);
        sq += static_cast<double>(q.vals[t]) * q.vals[t];
      }
      c.outer[i + 1] = static_cast<std::int32_t>(c.col.size());
      c.norm[i] = std::sqrt(sq);
    }
    return c;
  }

  /// Writes, for every row r, the best kk of the entries `each(r, add)` lists into row r of
  /// `out` (best first, ties to the lower id).
  template <class Each>
  static void best_of(std::size_t n, std::size_t kk, const Each& each, TopK& out, const RunContext& ctx) {
    parallel_chunks(n, kMergeChunk, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
      std::vector<std::pair<double, std::int32_t>> merged;
      for (std::size_t r = b; r < e; ++r) {
        merged.clear();
        each(r, [&](float score, std::int32_t id) { merged.emplace_back(score, id); });
        detail::write_best_row(merged, kk, r, out);
      }
    });
  }

  /// Where a term's postings continue after a row, and where its scan ends.
  struct Span {
    std::int32_t begin;
    std::int32_t end;
  };

  /// A thread's scratch in the scan of the symmetric kernel.
  struct ScanScratch {
    std::vector<double> acc;
    std::vector<std::uint64_t> mark;
    std::vector<double> common;  // row i's common weights by slot
    std::vector<double> maxima;  // partial_floor's
    std::vector<Span> span;      // per column
    std::vector<Span> scan;      // per term of row i: the postings after row i
    std::size_t seen = 0;        // steps whose rows the spans account for

    /// What it allocates on n rows and `cols` columns, with `common` common terms, marks when
    /// the weights are not all positive, and rows of at most `longest` terms.
    static std::size_t bytes(std::size_t n, std::size_t cols, std::size_t common, bool marks,
                             std::size_t longest) noexcept {
      return n * sizeof(double) + (marks ? (n + 63) / 64 * sizeof(std::uint64_t) : 0) + common * sizeof(double) +
             (n / kMaxBlock + 1) * sizeof(double) + (cols + longest) * sizeof(Span);
    }
  };

  /// A thread's scratch in common_only_pairs.
  struct PairScratch {
    std::vector<double> common;
    std::vector<std::uint32_t> seen;    // row + 1 that last considered a row
    std::vector<std::uint32_t> column;  // row + 1 that last held a column

    static std::size_t bytes(std::size_t n, std::size_t cols, std::size_t common) noexcept {
      return common * sizeof(double) + (n + cols) * sizeof(std::uint32_t);
    }
  };

  /// The most stored values of a row.
  [[nodiscard]] std::size_t longest_row() const noexcept {
    const std::int32_t* outer = rows.outerIndexPtr();
    std::int32_t most = 0;
    for (Eigen::Index r = 0; r < rows.rows(); ++r) most = std::max(most, outer[r + 1] - outer[r]);
    return static_cast<std::size_t>(most);
  }

  /// At most what symmetric_top_k(k) allocates on n rows, nnz stored values and `cols` columns
  /// with n_jobs threads, besides the result: with `positive` weights the common terms (`common`
  /// columns holding `common_entries` stored values), else the marks; rows of at most `longest`
  /// terms. The largest of its phases: the scan (16-bit row ids, the threads' lists and
  /// scratch), the merge of the lists, and the pairs of common terms only (a copy of the
  /// result and new lists, the scan's freed).
  static std::size_t symmetric_scratch_bytes(std::size_t n, std::size_t nnz, std::size_t cols, std::size_t k,
                                             std::size_t n_jobs, bool positive, std::size_t common,
                                             std::size_t common_entries, std::size_t longest) noexcept {
    if (k == 0 || n < 2) return 0;
    const std::size_t kk = std::min(k, n - 1);
    const std::size_t w = workers_for(n, kRowChunk, RunContext{n_jobs});
    const std::size_t terms = positive ? CommonTerms::bytes(n, cols, common_entries) : 0;
    const std::size_t lists = w * BestLists::bytes(n, kk);
    const std::size_t scan = w * ScanScratch::bytes(n, cols, positive ? common : 0, !positive, longest);
    // best_of: a list of the candidates of one row per thread, grown by doubling.
    const std::size_t merged = workers_for(n, kMergeChunk, RunContext{n_jobs}) * 2 * (w + 1) * kk *
                               sizeof(std::pair<double, std::int32_t>);
    const std::size_t rows16 = n <= 65536 ? nnz * sizeof(std::uint16_t) : 0;
    std::size_t most = std::max(terms + rows16 + lists + scan, terms + lists + scan + merged);
    if (positive && common > 0) {
      const std::size_t orders = n * (sizeof(double) + 2 * sizeof(std::int32_t));  // ratio, by_norm, by_ratio
      most = std::max(most, terms + orders + top_k_result_bytes(n, k) + lists + w * PairScratch::bytes(n, cols, common) + merged);
    }
    return most + w * kThreadBytes;
  }

  /// The common columns of the symmetric kernel and their stored values.
  [[nodiscard]] std::pair<std::size_t, std::size_t> common_counts() const noexcept {
    const auto n = static_cast<double>(rows.rows());
    const std::int32_t* p_outer = postings.outerIndexPtr();
    std::size_t count = 0, entries = 0;
    for (Eigen::Index t = 0; t < postings.outerSize(); ++t) {
      const std::int32_t df = p_outer[t + 1] - p_outer[t];
      if (static_cast<double>(df) > kCommonShare * n) {
        ++count;
        entries += static_cast<std::size_t>(df);
      }
    }
    return {count, entries};
  }

  /// Exact all-pairs top-k using the symmetry s(i, j) = s(j, i): row i accumulates only rows
  /// j > i (half the postings), densely and without branches, and offers each score to both
  /// rows' lists. Threads keep their own lists, merged at the end.
  ///
  /// With `prune` (all weights > 0), the common terms' postings are not scanned (see
  /// CommonTerms). A pair that shares another term gets a partial score from the scan; it is
  /// completed and offered only if the partial score plus the bound of the common terms can
  /// still enter row i's or row j's list (their k-th entries so far are lower bounds of the
  /// final ones). Pairs that share only common terms are found afterwards, from the rows
  /// ordered by that bound against the lists' final k-th scores.
  ///
  /// The rows are scanned last to first, so that the lists of the rows j > i met by row i hold
  /// their best among all rows > i already (nearly their final k-th scores), and row i's own
  /// (empty) list is bounded from below by its partial scores (partial_floor) before the test.
  /// 10kGNAD x 10, defaults' matrix: 0.64 M pairs completed instead of 2.33 M in row order
  /// (where rows early in the order test against young lists of every later row), 8-12 % less
  /// time at n_jobs=1 (same process, alternating, medians of 16-20).
  TopK symmetric_top_k(std::size_t k, bool prune, const RunContext& ctx) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    TopK out = detail::padded_top_k(n, k);
    if (k == 0 || n < 2) return out;
    const std::size_t kk = std::min(k, n - 1);
    const std::size_t n_workers = workers_for(n, kRowChunk, ctx);

    CommonTerms common;
    prune = prune && positive;
    if (prune) {
      common = common_terms(kCommonShare);
      prune = common.count > 0;
    }
    const bool pruning = prune;

    std::vector<std::unique_ptr<BestLists>> lists(n_workers);
    // Where row i's terms' postings continue after row i, and where their scan ends (0 for a
    // common term, never scanned, so that one test skips common and exhausted terms): each
    // thread keeps per term the position just after the lowest row it has seen. Rows come to
    // a thread in decreasing order, and the rows of the chunks other threads took in between
    // step the positions down when the thread gets its next chunk, so row i's entry is always
    // just before the kept position. One pass over row i's terms (independent random accesses
    // into the column array) gives its scans; the positions take O(columns) per thread, not one
    // per stored entry (16.5 MB on 10kGNAD x 10, 42 MB on the 100k corpus).
    const std::int32_t* p_outer = postings.outerIndexPtr();
    const std::int32_t* p_inner = postings.innerIndexPtr();
    const float* p_vals = postings.valuePtr();
    std::vector<std::unique_ptr<ScanScratch>> scratch(n_workers);
    const std::int32_t* r_outer = rows.outerIndexPtr();
    const std::int32_t* r_inner = rows.innerIndexPtr();
    const std::size_t longest = longest_row();

    PhaseMonitor scan_phase(ctx.monitor, 0, 90, 100);
    // The kernel reads the postings' row ids as 16-bit numbers where they fit (n <= 65536): a
    // quarter less memory traffic in the scan, which streams the postings.
    const auto scan = [&](const auto* p_rows) {
      parallel_chunks(n, kRowChunk, with_monitor(ctx, scan_phase), [&](std::size_t w, std::size_t b, std::size_t e) {
        if (!lists[w]) {
          lists[w] = std::make_unique<BestLists>(n, kk);
          scratch[w] = std::make_unique<ScanScratch>();
          scratch[w]->acc.assign(n, 0.0);
          if (!positive) scratch[w]->mark.assign((n + 63) / 64, 0);
          if (pruning) scratch[w]->common.assign(common.count, 0.0);
          scratch[w]->maxima.reserve(n / kMaxBlock + 1);
          scratch[w]->scan.resize(longest);
          auto& span = scratch[w]->span;
          span.resize(static_cast<std::size_t>(postings.outerSize()));
          for (std::size_t t = 0; t < span.size(); ++t)
            span[t] = {p_outer[t + 1], pruning && common.slot[t] >= 0 ? 0 : p_outer[t + 1]};
        }
        Span* spans = scratch[w]->span.data();
        for (std::int32_t p = r_outer[n - scratch[w]->seen] - 1; p >= r_outer[n - b]; --p)
          --spans[r_inner[p]].begin;  // rows [n - b, n - seen): other threads' chunks
        scratch[w]->seen = e;
        BestLists& best = *lists[w];
        double* acc = scratch[w]->acc.data();
        std::uint64_t* mark = scratch[w]->mark.data();
        double* qc = scratch[w]->common.data();
        const double* norm_of = common.norm.data();
        const auto offer = [&](std::size_t i, std::size_t d, double score) __attribute__((always_inline)) {
          const auto sc = static_cast<float>(score);
          best.offer(i, sc, static_cast<std::int32_t>(d));
          best.offer(d, sc, static_cast<std::int32_t>(i));
        };
        for (std::size_t step = b; step < e; ++step) {
          const std::size_t i = n - 1 - step;  // last row first
          const Query q = row(rows, i);
          const double norm_i = pruning ? norm_of[i] : 0.0;
          if (pruning) common.load(i, qc);
          // Postings visited and the range of rows they touch, per term (not per posting).
          std::size_t visits = 0;
          std::size_t lo = n;
          std::size_t hi = 0;
          Span* scans = scratch[w]->scan.data();
          for (std::size_t t = 0; t < q.n; ++t) {
            Span& span = spans[q.cols[t]];
            scans[t] = {span.begin--, span.end};
          }
          // Each term's postings start somewhere far from the last: fetch them a few terms ahead.
          constexpr std::size_t kAhead = 6;
          const auto prefetch = [&](std::size_t t) {
            __builtin_prefetch(p_rows + scans[t].begin);
            __builtin_prefetch(p_vals + scans[t].begin);
          };
          for (std::size_t t = 0; t < std::min(kAhead, q.n); ++t) prefetch(t);
          for (std::size_t t = 0; t < q.n; ++t) {
            if (t + kAhead < q.n) prefetch(t + kAhead);
            const std::int32_t stop = scans[t].end;
            if (scans[t].begin >= stop) continue;  // a common term, or no rows after i
            const double qv = q.vals[t];
            const auto* it = p_rows + scans[t].begin;
            const auto* last = p_rows + stop;
            visits += static_cast<std::size_t>(last - it);
            lo = std::min(lo, static_cast<std::size_t>(*it));
            hi = std::max(hi, static_cast<std::size_t>(last[-1]));
            const float* v = p_vals + (it - p_rows);
            if (positive) {
              // Every product is > 0, so a touched row has acc > 0: no marks to keep.
              scatter(acc, it, v, last - it, qv);
            } else {
              for (; it != last; ++it, ++v) {
                const auto d = static_cast<std::size_t>(*it);
                acc[d] += qv * static_cast<double>(*v);
                mark[d >> 6] |= std::uint64_t{1} << (d & 63);
              }
            }
          }
          // Offers the pair (i, d) of a touched row d: at once, or completed with the common
          // terms if its bound can still enter row i's or row d's list.
          const auto emit = [&](std::size_t d) __attribute__((always_inline)) {
            const double partial = acc[d];
            acc[d] = 0.0;
            if (!pruning) return offer(i, d, partial);
            const double bound = (partial + norm_i * norm_of[d]) * kSlack;
            if (bound < best.worst_score[i] && bound < best.worst_score[d]) return;
            offer(i, d, partial + common.part(d, qc).first);
          };
          if (visits > 0) {
            const bool dense = hi - lo <= 4 * visits + 64;
            if (pruning && dense) {
              // Nearly every row after i shares a term with it (10kGNAD: 49 M of 53 M pairs), so
              // the bound test runs over the touched range with no branch per row: a block of
              // rows is tested at once and only the rows that pass (about 2 %) are completed.
              // Row i's k-th score may rise while its block is completed; the next block reads
              // it again, and a stale (lower) value only lets more rows through to offer(),
              // which decides with the current lists: the result is the same.
              const float floor_i = partial_floor(acc, lo, hi, kk, scratch[w]->maxima);
              std::size_t d = lo;
              for (; d + kBlock <= hi + 1; d += kBlock) {
                const unsigned pass = bound_test(acc + d, norm_of + d, best.worst_score.data() + d,
                                                 norm_i, std::max(best.worst_score[i], floor_i));
                for (unsigned bits = pass; bits != 0; bits &= bits - 1) {
                  const std::size_t r = d + static_cast<std::size_t>(std::countr_zero(bits));
                  offer(i, r, acc[r] + common.part(r, qc).first);
                }
                std::fill(acc + d, acc + d + kBlock, 0.0);
              }
              for (; d <= hi; ++d)
                if (acc[d] != 0.0) emit(d);
            } else if (positive && dense) {
              // Scan the touched range of the accumulator, eight rows at a time.
              std::size_t d = lo;
              for (; d + 8 <= hi + 1; d += 8) {
                std::uint64_t any = 0;
                for (std::size_t u = 0; u < 8; ++u) any |= std::bit_cast<std::uint64_t>(acc[d + u]);
                if (any == 0) continue;
                for (std::size_t u = 0; u < 8; ++u)
                  if (acc[d + u] != 0.0) emit(d + u);
              }
              for (; d <= hi; ++d)
                if (acc[d] != 0.0) emit(d);
            } else if (positive) {
              // Few rows spread far apart: walk the postings again instead of the range, so that
              // the cost stays O(postings), never O(n) per row.
              for (std::size_t t = 0; t < q.n; ++t) {
                const auto* last = p_rows + scans[t].end;
                for (const auto* it = p_rows + scans[t].begin; it < last; ++it)  // < : common
                  if (acc[static_cast<std::size_t>(*it)] != 0.0) emit(static_cast<std::size_t>(*it));
              }
            } else if (dense) {
              // Scan the marked words of the touched range.
              for (std::size_t word = lo >> 6; word <= hi >> 6; ++word) {
                std::uint64_t bits = mark[word];
                if (bits == 0) continue;
                mark[word] = 0;
                while (bits != 0) {
                  emit(word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
                  bits &= bits - 1;
                }
              }
            } else {
              for (std::size_t t = 0; t < q.n; ++t) {
                const auto* last = p_rows + scans[t].end;
                for (const auto* it = p_rows + scans[t].begin; it < last; ++it) {
                  const auto d = static_cast<std::size_t>(*it);
                  const std::uint64_t bit = std::uint64_t{1} << (d & 63);
                  if ((mark[d >> 6] & bit) == 0) continue;  // emitted already (another term)
                  mark[d >> 6] &= ~bit;
                  emit(d);
                }
              }
            }
          }
          if (pruning) common.unload(i, qc);
        }
      });
    };
    if (n <= 65536) {
      const auto nnz = static_cast<std::size_t>(p_outer[postings.outerSize()]);
      detail::BigVector<std::uint16_t> rows16;
      rows16.resize(nnz);
      for (std::size_t p = 0; p < nnz; ++p) rows16[p] = static_cast<std::uint16_t>(p_inner[p]);
      scan(rows16.data());
    } else {
      scan(p_inner);
    }
    // Merge the threads' lists row by row.
    PhaseMonitor merge_phase(ctx.monitor, 90, pruning ? 93 : 100, 100);
    best_of(n, kk, [&](std::size_t r, const auto& add) {
      for (const auto& l : lists)
        if (l) l->each(r, add);
    }, out, with_monitor(ctx, merge_phase));
    lists.clear();
    scratch.clear();
    if (pruning) common_only_pairs(kk, common, out, ctx);
    return out;
  }

  /// The pairs of the pruned kernel that share only common terms: s(i, j) <= norm_i * norm_j,
  /// which must reach the k-th score of row i (rows by decreasing norm) or of row j (rows by
  /// increasing k-th score / norm). Merged into `out`, which holds every other pair's result.
  void common_only_pairs(std::size_t kk, const CommonTerms& common, TopK& out, const RunContext& ctx) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    const std::size_t k = out.k;
    std::vector<double> ratio(n, 0.0);
    std::vector<std::int32_t> by_norm, by_ratio;
    by_norm.reserve(n);
    by_ratio.reserve(n);
    for (std::size_t j = 0; j < n; ++j) {
      if (common.norm[j] == 0.0) continue;
      const bool full = out.ids[j * k + kk - 1] >= 0;
      ratio[j] = full ? out.scores[j * k + kk - 1] / common.norm[j] : kNoScore;
      by_norm.push_back(static_cast<std::int32_t>(j));
      by_ratio.push_back(static_cast<std::int32_t>(j));
    }
    std::sort(by_norm.begin(), by_norm.end(), [&](std::int32_t a, std::int32_t b) {
      return common.norm[static_cast<std::size_t>(a)] > common.norm[static_cast<std::size_t>(b)];
    });
    std::sort(by_ratio.begin(), by_ratio.end(), [&](std::int32_t a, std::int32_t b) {
      return ratio[static_cast<std::size_t>(a)] < ratio[static_cast<std::size_t>(b)];
    });
    const std::size_t n_workers = workers_for(n, kRowChunk, ctx);
    std::vector<std::unique_ptr<BestLists>> lists(n_workers);
    std::vector<std::unique_ptr<PairScratch>> scratch(n_workers);
    PhaseMonitor phase(ctx.monitor, 93, 97, 100);
    parallel_chunks(n, kRowChunk, with_monitor(ctx, phase), [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!lists[w]) {
        lists[w] = std::make_unique<BestLists>(n, kk);
        scratch[w] = std::make_unique<PairScratch>();
        scratch[w]->common.assign(common.count, 0.0);
        scratch[w]->seen.assign(n, 0);
        scratch[w]->column.assign(static_cast<std::size_t>(rows.cols()), 0);
      }
      BestLists& best = *lists[w];
      PairScratch& s = *scratch[w];
      for (std::size_t i = b; i < e; ++i) {
        const double norm_i = common.norm[i];
        if (norm_i == 0.0) continue;
        const bool full = out.ids[i * k + kk - 1] >= 0;
        const double theta_i = full ? static_cast<double>(out.scores[i * k + kk - 1]) : kNoScore;
        const auto stamp = static_cast<std::uint32_t>(i + 1);
        const Query q = row(rows, i);
        for (std::size_t t = 0; t < q.n; ++t) s.column[static_cast<std::size_t>(q.cols[t])] = stamp;
        common.load(i, s.common.data());
        const auto consider = [&](std::int32_t dj) {
          const auto d = static_cast<std::size_t>(dj);
          if (d <= i || s.seen[d] == stamp) return;
          s.seen[d] = stamp;
          const Query r = row(rows, d);
          for (std::size_t t = 0; t < r.n; ++t) {
            const auto col = static_cast<std::size_t>(r.cols[t]);
            if (s.column[col] == stamp && common.slot[col] < 0) return;  // scanned already
          }
          const auto [score, shared] = common.part(d, s.common.data());
          if (!shared) return;
          best.offer(i, static_cast<float>(score), static_cast<std::int32_t>(d));
          best.offer(d, static_cast<float>(score), static_cast<std::int32_t>(i));
        };
        for (const std::int32_t d : by_norm) {
          if (norm_i * common.norm[static_cast<std::size_t>(d)] * kSlack < theta_i) break;
          consider(d);
        }
        for (const std::int32_t d : by_ratio) {
          if (ratio[static_cast<std::size_t>(d)] > norm_i * kSlack) break;
          consider(d);
        }
        common.unload(i, s.common.data());
      }
    });
    PhaseMonitor merge_phase(ctx.monitor, 97, 100, 100);
    const TopK before = out;
    best_of(n, kk, [&](std::size_t r, const auto& add) {
      for (std::size_t c = 0; c < kk && before.ids[r * k + c] >= 0; ++c)
        add(before.scores[r * k + c], static_cast<std::int32_t>(before.ids[r * k + c]));
      for (const auto& l : lists)
        if (l) l->each(r, add);
    }, out, with_monitor(ctx, merge_phase));
  }

  template <class QueryOf>
  TopK run_top_k(std::size_t n_queries, std::size_t k, bool self, SimilarityMethod method,
                 const RunContext& ctx, QueryOf query_of) const {
    TopK out = detail::padded_top_k(n_queries, k);
    if (k == 0 || n_queries == 0) return out;
    const bool pruned = use_pruning(method, false);
    std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n_queries, kRowChunk, ctx));
    parallel_chunks(n_queries, kRowChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
      if (!spaces[w]) spaces[w] = std::make_unique<Workspace>(static_cast<std::size_t>(rows.rows()));
      Workspace& ws = *spaces[w];
      for (std::size_t r = b; r < e; ++r) {
        const Query q = query_of(r);
        const std::int64_t exclude = self ? static_cast<std::int64_t>(r) : -1;
        if (!pruned && method == SimilarityMethod::automatic && dense_pays(q))
          score_dense(q, k, exclude, ws);
        else
          score(q, k, kNoScore, exclude, -1, pruned, ws);
        select(ws, k, r, out);
      }
    });
    return out;
  }
};

namespace {

/// The all-pairs kernel serves top_k up to this k (a row's list size is kept in 8 bits).
constexpr std::size_t kSymmetricMaxK = 255;

bool symmetric_serves(std::size_t k, SimilarityMethod method) noexcept {
  return method != SimilarityMethod::brute && k <= kSymmetricMaxK;
}

/// Seconds per unit of work (WorkEstimate::units) and thread of each kernel, rounded up from
/// measurements on 10kGNAD, BBC News and their union: all-pairs top-k 0.8-1.6 ns, every
/// posting 1.4-3.2 ns, pruned top-k 6.5-13 ns, pairs above a threshold 0.6-1.9 ns.
double seconds_per_unit(SimilarityKernel kernel) noexcept {
  switch (kernel) {
    case SimilarityKernel::symmetric: return 2e-9;
    case SimilarityKernel::scan: return 4e-9;
    case SimilarityKernel::pruned_top_k: return 15e-9;
    case SimilarityKernel::pruned_threshold: return 2e-9;
  }
  return 4e-9;
}

WorkEstimate estimate(SimilarityKernel kernel, std::size_t items, double units) noexcept {
  return {kernel, items, units, units * seconds_per_unit(kernel)};
}


/// What run_top_k allocates for n_queries queries of at most `longest` terms on an index of
/// index_rows rows: a Workspace per thread.
std::size_t per_row_scratch_bytes(std::size_t index_rows, std::size_t n_queries, std::size_t longest, std::size_t k,
                                  std::size_t n_jobs) noexcept {
  if (k == 0 || n_queries == 0) return 0;
  return workers_for(n_queries, kRowChunk, RunContext{n_jobs}) * (Workspace::bytes(index_rows, longest, k) + kThreadBytes);
}

/// query()'s canonical copy of the queries.
std::size_t query_copy_bytes(std::size_t rows, std::size_t nnz) noexcept { return RowMatrix::bytes(rows, nnz); }

}  // namespace

std::size_t index_nbytes(std::size_t rows, std::size_t nnz, std::size_t cols) noexcept {
  return RowMatrix::bytes(rows, nnz) + ColMatrix::bytes(cols, nnz) + cols * sizeof(float);  // + max_weight
}

std::size_t top_k_result_bytes(std::size_t rows, std::size_t k) noexcept {
  return rows * k * (sizeof(std::int64_t) + sizeof(float));
}

std::size_t top_k_scratch_bytes(std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k,
                                SimilarityMethod method, std::size_t n_jobs) noexcept {
  const std::size_t longest = std::min(cols, nnz);
  if (!symmetric_serves(k, method)) return per_row_scratch_bytes(rows, rows, longest, k, n_jobs);
  // A common column holds more than kCommonShare * rows values: there are at most nnz / that.
  const double least = std::floor(kCommonShare * static_cast<double>(rows)) + 1.0;
  const auto common = std::min(cols, static_cast<std::size_t>(static_cast<double>(nnz) / least));
  return std::max(SimilarityIndex::Impl::symmetric_scratch_bytes(rows, nnz, cols, k, n_jobs, true, common, nnz, longest),
                  SimilarityIndex::Impl::symmetric_scratch_bytes(rows, nnz, cols, k, n_jobs, false, 0, 0, longest));
}

std::size_t query_scratch_bytes(std::size_t index_rows, std::size_t query_rows, std::size_t query_nnz,
                                std::size_t query_cols, std::size_t k, std::size_t n_jobs) noexcept {
  return query_copy_bytes(query_rows, query_nnz) +
         per_row_scratch_bytes(index_rows, query_rows, std::min(query_cols, query_nnz), k, n_jobs);
}

SimilarityIndex::SimilarityIndex(const CsrInput& matrix) : impl_(std::make_unique<Impl>()) {
  Impl& x = *impl_;
  x.rows = to_eigen(matrix, "X");
  // The postings (column-major copy) by a counting sort over the rows instead of Eigen's
  // generic conversion; the weights' signs, each column's largest weight and the row norms come
  // from the same passes. Scattering every entry straight to its column's place writes all over
  // the postings (a cache miss per entry); instead the columns are cut into blocks of at most
  // kBlockNnz entries, entries are first distributed to their block's range of the output (a
  // few hundred sequential streams), and each block is then sorted by column within its range,
  // which fits in the L2 cache. Rows are visited in order and both steps are stable, so each
  // column's rows come out sorted.
  const auto n_rows = x.rows.rows();
  const auto n_cols = x.rows.cols();
  const auto nnz = x.rows.nonZeros();
  const float* v = x.rows.valuePtr();
  const std::int32_t* c = x.rows.innerIndexPtr();
  const std::int32_t* r_outer = x.rows.outerIndexPtr();
  x.postings = ColMatrix(n_rows, n_cols);  // column offsets zeroed
  x.postings.resizeNonZeros(nnz);
  std::int32_t* p_outer = x.postings.outerIndexPtr();
  std::int32_t* p_inner = x.postings.innerIndexPtr();
  float* p_vals = x.postings.valuePtr();
  x.max_weight.assign(static_cast<std::size_t>(n_cols), 0.0f);
  for (Eigen::Index k = 0; k < nnz; ++k) {
    x.non_negative = x.non_negative && v[k] >= 0.0f;
    x.positive = x.positive && v[k] > 0.0f;
    const auto col = static_cast<std::size_t>(c[k]);
    x.max_weight[col] = std::max(x.max_weight[col], std::fabs(v[k]));
    ++p_outer[col + 1];
  }
  for (Eigen::Index t = 0; t < n_cols; ++t) p_outer[t + 1] += p_outer[t];
  // Blocks of whole columns: at most kBlockNnz entries (or one larger column) and 2^16 columns
  // (a column's offset in its block is kept in 16 bits). 2^16 entries (512 KiB of postings)
  // measured fastest on 10kGNAD x 10 (4.1M entries): 2^14 and 2^17 were slower.
  constexpr std::int32_t kBlockNnz = 1 << 16;
  constexpr Eigen::Index kBlockCols = Eigen::Index{1} << 16;
  std::vector<Eigen::Index> block_col{0};  // block b: columns [block_col[b], block_col[b + 1])
  std::vector<std::uint32_t> block_of(static_cast<std::size_t>(n_cols));
  for (Eigen::Index t = 0; t < n_cols; ++t) {
    const Eigen::Index b0 = block_col.back();
    if (t > b0 && (p_outer[t + 1] - p_outer[b0] > kBlockNnz || t - b0 >= kBlockCols))
      block_col.push_back(t);
    block_of[static_cast<std::size_t>(t)] = static_cast<std::uint32_t>(block_col.size() - 1);
  }
  block_col.push_back(n_cols);
  std::vector<std::int32_t> fill(block_col.size() - 1);  // next free place in each block
  for (std::size_t b = 0; b + 1 < block_col.size(); ++b) fill[b] = p_outer[block_col[b]];
  detail::BigVector<std::uint16_t> offset_in_block(static_cast<std::size_t>(nnz));
  for (Eigen::Index r = 0; r < n_rows; ++r) {
    double sq = 0.0;
    for (std::int32_t k = r_outer[r]; k < r_outer[r + 1]; ++k) {
      const std::uint32_t b = block_of[static_cast<std::size_t>(c[k])];
      const std::int32_t pos = fill[b]++;
      p_inner[pos] = static_cast<std::int32_t>(r);
      p_vals[pos] = v[k];
      const auto offset = static_cast<std::uint16_t>(c[k] - block_col[b]);
      offset_in_block[static_cast<std::size_t>(pos)] = offset;
      sq += static_cast<double>(v[k]) * v[k];
    }
    if (sq > 0.0 && std::fabs(sq - 1.0) > 1e-4) x.normalized = false;
    x.max_row_norm = std::max(x.max_row_norm, std::sqrt(sq));
  }
  std::vector<std::int32_t> rows_tmp;
  std::vector<float> vals_tmp;
  std::vector<std::int32_t> next;
  for (std::size_t b = 0; b + 1 < block_col.size(); ++b) {
    const Eigen::Index c0 = block_col[b];
    const std::int32_t begin = p_outer[c0];
    const std::int32_t end = p_outer[block_col[b + 1]];
    if (block_col[b + 1] - c0 == 1) continue;  // one column: in row order already
    rows_tmp.assign(p_inner + begin, p_inner + end);
    vals_tmp.assign(p_vals + begin, p_vals + end);
    next.assign(p_outer + c0, p_outer + block_col[b + 1]);
    for (std::int32_t k = begin; k < end; ++k) {
      const std::int32_t pos = next[offset_in_block[static_cast<std::size_t>(k)]]++;
      p_inner[pos] = rows_tmp[static_cast<std::size_t>(k - begin)];
      p_vals[pos] = vals_tmp[static_cast<std::size_t>(k - begin)];
    }
  }
}

SimilarityIndex::~SimilarityIndex() = default;
SimilarityIndex::SimilarityIndex(SimilarityIndex&&) noexcept = default;
SimilarityIndex& SimilarityIndex::operator=(SimilarityIndex&&) noexcept = default;

std::size_t SimilarityIndex::rows() const noexcept { return static_cast<std::size_t>(impl_->rows.rows()); }
std::size_t SimilarityIndex::cols() const noexcept { return static_cast<std::size_t>(impl_->rows.cols()); }
std::size_t SimilarityIndex::nnz() const noexcept { return static_cast<std::size_t>(impl_->rows.nonZeros()); }
std::vector<std::int64_t> SimilarityIndex::document_frequencies() const {
  const std::int32_t* p = impl_->postings.outerIndexPtr();
  std::vector<std::int64_t> df(cols());
  for (std::size_t t = 0; t < df.size(); ++t) df[t] = p[t + 1] - p[t];
  return df;
}
bool SimilarityIndex::normalized() const noexcept { return impl_->normalized; }
bool SimilarityIndex::non_negative() const noexcept { return impl_->non_negative; }

std::size_t SimilarityIndex::nbytes() const noexcept { return index_nbytes(rows(), nnz(), cols()); }


SimilarityKernel SimilarityIndex::top_k_kernel(std::size_t k, SimilarityMethod method) const noexcept {
  if (symmetric_serves(k, method)) return SimilarityKernel::symmetric;
  return impl_->use_pruning(method, false) ? SimilarityKernel::pruned_top_k : SimilarityKernel::scan;
}

SimilarityKernel SimilarityIndex::pairs_kernel(SimilarityMethod method) const noexcept {
  return impl_->use_pruning(method, true) ? SimilarityKernel::pruned_threshold : SimilarityKernel::scan;
}

WorkEstimate SimilarityIndex::top_k_work(std::size_t k, SimilarityMethod method) const {
  return estimate(top_k_kernel(k, method), rows(), impl_->squared_frequencies());
}

WorkEstimate SimilarityIndex::pairs_work(SimilarityMethod method) const {
  return estimate(pairs_kernel(method), rows(), impl_->squared_frequencies());
}

WorkEstimate SimilarityIndex::query_work(const CsrInput& queries, SimilarityMethod method) const {
  // Read as given (query() validates): entries outside the index's columns add nothing.
  const std::int32_t* p_outer = impl_->postings.outerIndexPtr();
  const std::size_t nnz_q = queries.rows == 0 ? 0 : static_cast<std::size_t>(csr_offset(queries, queries.rows));
  double units = 0.0;
  bool non_negative = true;
  for (std::size_t p = 0; p < nnz_q; ++p) {
    const std::int64_t c = csr_column(queries, p);
    if (c >= 0 && static_cast<std::size_t>(c) < cols()) units += p_outer[c + 1] - p_outer[c];
    non_negative = non_negative && csr_value(queries, p) >= 0.0;
  }
  const SimilarityMethod m = non_negative ? method : SimilarityMethod::brute;
  const SimilarityKernel kernel = impl_->use_pruning(m, false) ? SimilarityKernel::pruned_top_k : SimilarityKernel::scan;
  return estimate(kernel, queries.rows, units);
}

std::size_t SimilarityIndex::top_k_scratch_bytes(std::size_t k, SimilarityMethod method, std::size_t n_jobs) const noexcept {
  const Impl& x = *impl_;
  if (symmetric_serves(k, method)) {
    const auto [common, entries] = x.positive ? x.common_counts() : std::pair<std::size_t, std::size_t>{0, 0};
    return Impl::symmetric_scratch_bytes(rows(), nnz(), cols(), k, n_jobs, x.positive, common, entries, x.longest_row());
  }
  return per_row_scratch_bytes(rows(), rows(), x.longest_row(), k, n_jobs);
}

std::size_t SimilarityIndex::query_scratch_bytes(const CsrInput& queries, std::size_t k, std::size_t n_jobs) const noexcept {
  std::size_t longest = 0;
  for (std::size_t r = 0; r < queries.rows; ++r)
    longest = std::max(longest, static_cast<std::size_t>(csr_offset(queries, r + 1) - csr_offset(queries, r)));
  const std::size_t nnz_q = queries.rows == 0 ? 0 : static_cast<std::size_t>(csr_offset(queries, queries.rows));
  return query_copy_bytes(queries.rows, nnz_q) + per_row_scratch_bytes(rows(), queries.rows, longest, k, n_jobs);
}

TopK SimilarityIndex::top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx) const {
  const Impl& x = *impl_;
  if (top_k_kernel(k, method) == SimilarityKernel::symmetric)
    return x.symmetric_top_k(k, true, ctx);
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
  std::vector<Pairs> parts((n + kRowChunk - 1) / kRowChunk);
  std::vector<std::unique_ptr<Workspace>> spaces(workers_for(n, kRowChunk, ctx));
  parallel_chunks(n, kRowChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
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
  return out;
}

namespace {

/// The terms rows a and b of `m` share, each with its product of weights (float x float,
/// exact in double), largest first, equal products by column: they sum to the rows' dot
/// product. Throws std::out_of_range for a bad row.
std::vector<Contribution> shared_terms(const RowMatrix& m, std::size_t a, std::size_t b) {
  const auto n = static_cast<std::size_t>(m.rows());
  if (a >= n || b >= n)
    throw std::out_of_range("article id " + std::to_string(a >= n ? a : b) + " is out of range for an index of " +
                            std::to_string(n) + " articles");
  const auto rows = m.eigen();
  const Eigen::SparseVector<double> products = rows.row(static_cast<Eigen::Index>(a)).cast<double>().cwiseProduct(
      rows.row(static_cast<Eigen::Index>(b)).cast<double>());
  std::vector<Contribution> out;
  out.reserve(static_cast<std::size_t>(products.nonZeros()));
  for (Eigen::SparseVector<double>::InnerIterator it(products); it; ++it) out.push_back({it.index(), it.value()});
  std::sort(out.begin(), out.end(), [](const Contribution& p, const Contribution& q) {
    return p.value > q.value || (p.value == q.value && p.column < q.column);
  });
  return out;
}

}  // namespace

std::vector<Contribution> SimilarityIndex::explain(std::size_t a, std::size_t b) const {
  return shared_terms(impl_->rows, a, b);
}

std::vector<Contribution> explain_rows(const CsrInput& matrix, std::size_t a, std::size_t b) {
  return shared_terms(to_eigen(matrix, "X"), a, b);
}

TopK top_entries(const CsrInput& matrix, std::size_t top) {
  const RowMatrix m = to_eigen(matrix, "X");
  TopK out = detail::padded_top_k(matrix.rows, top);
  std::vector<std::pair<double, std::int32_t>> row;
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    row.clear();
    for (Eigen::Map<const RowMatrix::EigenMatrix>::InnerIterator it(m.eigen(), r); it; ++it)
      row.emplace_back(it.value(), static_cast<std::int32_t>(it.col()));
    detail::write_best_row(row, top, static_cast<std::size_t>(r), out);
  }
  return out;
}

}  // namespace newsim
