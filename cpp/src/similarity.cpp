// newsim — the similarity index's public face: construction, the kernel each call runs, its
// work and memory estimates, and explanations. The kernels live in all_pairs.cpp (all-pairs
// top-k) and row_scorer.cpp (per-row top-k, queries, pairs), the index's data in postings.cpp.
#include "newsim/similarity.hpp"

#include <Eigen/SparseCore>

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "all_pairs.hpp"
#include "best_k.hpp"
#include "inverted_index.hpp"
#include "newsim/errors.hpp"
#include "newsim/options.hpp"
#include "row_scorer.hpp"
#include "similarity_impl.hpp"

namespace newsim {

SimilarityMethod parse_similarity_method(std::string_view name) {
  for (std::size_t i = 0; i < kSimilarityMethods.size(); ++i)
    if (kSimilarityMethods[i] == name) return static_cast<SimilarityMethod>(i);
  throw InvalidOptionError("method", "method must be one of " + quoted_list(kSimilarityMethods) + ", got '" +
                                         std::string(name) + "'");
}

namespace {

bool all_pairs_serves(std::size_t k, SimilarityMethod method) noexcept {
  return method != SimilarityMethod::brute && k <= detail::kAllPairsMaxK;
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


/// query()'s canonical copy of the queries.
std::size_t query_copy_bytes(std::size_t rows, std::size_t nnz) noexcept { return detail::RowMatrix::bytes(rows, nnz); }

/// The longest row of a CSR input.
std::size_t longest_row(const CsrInput& in) {
  std::size_t longest = 0;
  for (std::size_t r = 0; r < in.rows; ++r)
    longest = std::max(longest, static_cast<std::size_t>(detail::csr_offset(in, r + 1) - detail::csr_offset(in, r)));
  return longest;
}

/// The terms rows a and b of `m` share, each with its product of weights (float x float,
/// exact in double), largest first, equal products by column: they sum to the rows' dot
/// product. Throws std::out_of_range for a bad row.
std::vector<Contribution> shared_terms(const detail::RowMatrix& m, std::size_t a, std::size_t b) {
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

/// Saturating a + b and a - b (dates near the ends of int64 with a large window).
std::int64_t add_clamped(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<std::int64_t>::max() : r;
}
std::int64_t sub_clamped(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t r = 0;
  return __builtin_sub_overflow(a, b, &r) ? std::numeric_limits<std::int64_t>::min() : r;
}

/// What a filtered call runs on: the index (or a copy of it in date order), each query's
/// limits and the removal flags by row of that index.
struct Filtered {
  detail::InvertedIndex copy;  // rows in date order, when the index's are not
  const detail::InvertedIndex* index = nullptr;
  std::vector<std::int32_t> order, lo, hi, sources, query_sources;
  std::vector<std::uint8_t> removed;
  const std::uint8_t* removed_view = nullptr;
  detail::RowLimits limits;
};

/// Throws InvalidOptionError(option) unless every code is >= -1.
void check_codes(std::span<const std::int32_t> codes, const char* option) {
  for (std::size_t r = 0; r < codes.size(); ++r)
    if (codes[r] < -1)
      throw InvalidOptionError(option, std::string(option) + "[" + std::to_string(r) + "] = " +
                                           std::to_string(codes[r]) +
                                           " is not a source's code (codes are >= 0, -1 for unknown)");
}

/// Checks `f` against an index of x's rows and returns the limits of the calls' queries: the
/// index's own rows (n_queries npos) or `n_queries` queries. With a window, the rows in date
/// order (stable: equal dates by row) and each query's window as a range of them, so that the
/// kernel reads only those rows' postings. `removed` (empty, or one flag per row) is put in
/// the same order.
/// Checks `f` against x's rows (and n_queries queries, npos: the rows themselves); returns the
/// number of queries.
std::size_t filtered_checks(const detail::InvertedIndex& x, const ArticleFilter& f,
                            std::size_t n_queries = std::size_t(-1)) {
  const std::size_t n = x.n_rows();
  const bool self = n_queries == std::size_t(-1);
  const std::size_t nq = self ? n : n_queries;
  const auto count = [](std::size_t have, std::size_t want, const char* what, const char* of) {
    return std::to_string(have) + " " + what + " for " + std::to_string(want) + " " + of;
  };
  if (f.window.has_value()) {
    if (*f.window < 0)
      throw InvalidOptionError("window", "window must be a duration >= 0, got " + std::to_string(*f.window) + " ns");
    if (f.dates.size() != n)
      throw InvalidOptionError("dates", "a window needs one date per article: " + count(f.dates.size(), n, "dates", "articles"));
    if (!self && f.query_dates.size() != nq)
      throw InvalidOptionError("query_dates", "a window needs one date per query: " +
                                                  count(f.query_dates.size(), nq, "dates", "queries"));
  }
  if (f.exclude_same_source) {
    if (f.sources.size() != n)
      throw InvalidOptionError("sources", "exclude_same_source needs one source per article: " +
                                              count(f.sources.size(), n, "sources", "articles"));
    if (!self && f.query_sources.size() != nq)
      throw InvalidOptionError("query_sources", "exclude_same_source needs one source per query: " +
                                                    count(f.query_sources.size(), nq, "sources", "queries"));
  }
  check_codes(f.sources, "sources");
  check_codes(f.query_sources, "query_sources");
  return nq;
}

Filtered filtered(const detail::InvertedIndex& x, const ArticleFilter& f, std::size_t n_queries = std::size_t(-1),
                  std::span<const std::uint8_t> removed = {}) {
  const std::size_t n = x.n_rows();
  const bool self = n_queries == std::size_t(-1);
  const std::size_t nq = filtered_checks(x, f, n_queries);
  Filtered out;
  out.index = &x;
  std::span<const std::int64_t> dates = f.dates;
  std::vector<std::int64_t> sorted;
  if (f.window.has_value() && !std::is_sorted(dates.begin(), dates.end())) {
    out.order.resize(n);
    for (std::size_t r = 0; r < n; ++r) out.order[r] = static_cast<std::int32_t>(r);
    std::stable_sort(out.order.begin(), out.order.end(), [&](std::int32_t a, std::int32_t b) {
      return dates[static_cast<std::size_t>(a)] < dates[static_cast<std::size_t>(b)];
    });
    sorted.resize(n);
    for (std::size_t r = 0; r < n; ++r) sorted[r] = dates[static_cast<std::size_t>(out.order[r])];
    dates = sorted;
    out.copy = detail::build_inverted_index(detail::reordered_rows(x.rows, out.order));
    out.index = &out.copy;
  }
  const auto at = [&](std::size_t r) { return out.order.empty() ? r : static_cast<std::size_t>(out.order[r]); };
  if (f.window.has_value()) {
    const std::span<const std::int64_t> centres = self ? dates : f.query_dates;
    out.lo.resize(nq);
    out.hi.resize(nq);
    for (std::size_t r = 0; r < nq; ++r) {
      out.lo[r] = static_cast<std::int32_t>(
          std::lower_bound(dates.begin(), dates.end(), sub_clamped(centres[r], *f.window)) - dates.begin());
      out.hi[r] = static_cast<std::int32_t>(
          std::upper_bound(dates.begin(), dates.end(), add_clamped(centres[r], *f.window)) - dates.begin());
    }
  }
  if (f.exclude_same_source) {
    out.sources.resize(n);
    for (std::size_t r = 0; r < n; ++r) out.sources[r] = f.sources[at(r)];
    if (!self) out.query_sources.assign(f.query_sources.begin(), f.query_sources.end());
  }
  if (!removed.empty()) {
    if (removed.size() != n)
      throw InvalidOptionError("removed", "removed has " + std::to_string(removed.size()) + " flags, the index has " +
                                              std::to_string(n) + " rows");
    out.removed.resize(n);
    for (std::size_t r = 0; r < n; ++r) out.removed[r] = removed[at(r)];
    out.removed_view = out.removed.data();
  }
  out.limits = {out.lo, out.hi, out.sources, out.query_sources, out.order};
  return out;
}

/// Whether `f` (valid for x's rows) leaves every pair of rows in: no source excluded and a
/// window at least as wide as the dates' span. The plain kernels (the symmetric one for top-k)
/// then serve the call.
bool allows_every_pair(const detail::InvertedIndex& x, const ArticleFilter& f) {
  if (f.exclude_same_source) return false;
  if (!f.window.has_value()) return true;
  (void)filtered_checks(x, f);
  if (f.dates.empty()) return true;
  const auto [lo, hi] = std::minmax_element(f.dates.begin(), f.dates.end());
  return sub_clamped(*hi, *lo) <= *f.window;
}

}  // namespace

SimilarityIndex::SimilarityIndex(const CsrInput& matrix)
    : impl_(std::make_unique<Impl>()) {
  impl_->index = detail::build_inverted_index(detail::canonical_rows(matrix, "X"));
}
SimilarityIndex::SimilarityIndex(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
SimilarityIndex::~SimilarityIndex() = default;
SimilarityIndex::SimilarityIndex(SimilarityIndex&&) noexcept = default;
SimilarityIndex& SimilarityIndex::operator=(SimilarityIndex&&) noexcept = default;

std::size_t SimilarityIndex::rows() const noexcept { return impl_->index.n_rows(); }
std::size_t SimilarityIndex::cols() const noexcept { return static_cast<std::size_t>(impl_->index.rows.cols()); }
std::size_t SimilarityIndex::nnz() const noexcept { return static_cast<std::size_t>(impl_->index.rows.nonZeros()); }
std::vector<std::int64_t> SimilarityIndex::document_frequencies() const {
  std::vector<std::int64_t> df(cols());
  for (std::size_t t = 0; t < df.size(); ++t) df[t] = static_cast<std::int64_t>(impl_->index.df(t));
  return df;
}
std::vector<std::int64_t> SimilarityIndex::rows_with_columns(std::span<const std::int64_t> columns) const {
  const detail::ColMatrix& p = impl_->index.postings;
  std::vector<std::uint8_t> hit(rows(), 0);
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::int64_t c = columns[k];
    if (c < 0 || static_cast<std::size_t>(c) >= cols())
      throw InvalidOptionError("columns", "columns[" + std::to_string(k) + "] = " + std::to_string(c) +
                                              " is not a column of the index (it has " + std::to_string(cols()) + ")");
    const std::int32_t* inner = p.innerIndexPtr();
    for (auto q = p.outerIndexPtr()[c]; q < p.outerIndexPtr()[c + 1]; ++q) hit[static_cast<std::size_t>(inner[q])] = 1;
  }
  std::vector<std::int64_t> out;
  for (std::size_t r = 0; r < hit.size(); ++r)
    if (hit[r] != 0) out.push_back(static_cast<std::int64_t>(r));
  return out;
}
bool SimilarityIndex::normalized() const noexcept { return impl_->index.normalized; }
bool SimilarityIndex::non_negative() const noexcept { return impl_->index.non_negative; }
std::size_t SimilarityIndex::nbytes() const noexcept { return index_nbytes(rows(), nnz(), cols()); }

SimilarityKernel SimilarityIndex::top_k_kernel(std::size_t k, SimilarityMethod method) const noexcept {
  if (all_pairs_serves(k, method)) return SimilarityKernel::symmetric;
  return detail::use_pruning(impl_->index, method, false) ? SimilarityKernel::pruned_top_k : SimilarityKernel::scan;
}

SimilarityKernel SimilarityIndex::pairs_kernel(SimilarityMethod method) const noexcept {
  return detail::use_pruning(impl_->index, method, true) ? SimilarityKernel::pruned_threshold : SimilarityKernel::scan;
}

WorkEstimate SimilarityIndex::top_k_work(std::size_t k, SimilarityMethod method) const {
  return estimate(top_k_kernel(k, method), rows(), impl_->index.squared_frequencies());
}

WorkEstimate SimilarityIndex::pairs_work(SimilarityMethod method) const {
  return estimate(pairs_kernel(method), rows(), impl_->index.squared_frequencies());
}

WorkEstimate SimilarityIndex::query_work(const CsrInput& queries, SimilarityMethod method) const {
  // Read as given (query() validates): entries outside the index's columns add nothing.
  const std::size_t nnz_q = detail::csr_nnz(queries);
  double units = 0.0;
  bool non_negative = true;
  for (std::size_t p = 0; p < nnz_q; ++p) {
    const std::int64_t c = detail::csr_column(queries, p);
    if (c >= 0 && static_cast<std::size_t>(c) < cols()) units += static_cast<double>(impl_->index.df(static_cast<std::size_t>(c)));
    non_negative = non_negative && detail::csr_value(queries, p) >= 0.0;
  }
  const SimilarityMethod m = non_negative ? method : SimilarityMethod::brute;
  const bool pruned = detail::use_pruning(impl_->index, m, false);
  return estimate(pruned ? SimilarityKernel::pruned_top_k : SimilarityKernel::scan, queries.rows, units);
}

std::size_t SimilarityIndex::top_k_scratch_bytes(std::size_t k, SimilarityMethod method, std::size_t n_jobs) const noexcept {
  if (all_pairs_serves(k, method)) return detail::all_pairs_scratch_bytes(impl_->index, k, n_jobs);
  return detail::per_row_scratch_bytes(rows(), rows(), impl_->index.longest_row(), k, n_jobs);
}

std::size_t SimilarityIndex::query_scratch_bytes(const CsrInput& queries, std::size_t k, std::size_t n_jobs) const noexcept {
  return query_copy_bytes(queries.rows, detail::csr_nnz(queries)) +
         detail::per_row_scratch_bytes(rows(), queries.rows, longest_row(queries), k, n_jobs);
}

TopK SimilarityIndex::top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx) const {
  if (all_pairs_serves(k, method)) return detail::all_pairs_top_k(impl_->index, k, ctx);
  return detail::per_row_top_k(impl_->index, impl_->index.rows, k, true, method, ctx);
}

namespace {

/// The canonical copy of queries against an index of `index_rows` x `index_cols`, the method
/// for them (brute where a query weight is negative: the bounds need non-negative weights), and
/// the removal flags checked.
struct Queries {
  detail::RowMatrix rows;
  SimilarityMethod method;
  const std::uint8_t* removed;
};

Queries prepare_queries(const CsrInput& queries, std::size_t index_rows, std::size_t index_cols,
                        SimilarityMethod method, std::span<const std::uint8_t> removed) {
  if (!removed.empty() && removed.size() != index_rows)
    throw InvalidOptionError("removed", "removed has " + std::to_string(removed.size()) + " flags, the index has " +
                                            std::to_string(index_rows) + " rows");
  if (queries.cols != index_cols)
    throw InvalidOptionError("Q", "Q has " + std::to_string(queries.cols) + " columns, the index has " +
                                      std::to_string(index_cols) + " (transform the queries with the same vectorizer)");
  Queries q{detail::canonical_rows(queries, "Q"), method, removed.empty() ? nullptr : removed.data()};
  for (std::int64_t i = 0; i < q.rows.nonZeros(); ++i)
    if (q.rows.valuePtr()[i] < 0.0f) q.method = SimilarityMethod::brute;
  return q;
}

}  // namespace

TopK SimilarityIndex::query(const CsrInput& queries, std::size_t k, SimilarityMethod method, const RunContext& ctx,
                            std::span<const std::uint8_t> removed) const {
  const Queries q = prepare_queries(queries, rows(), cols(), method, removed);
  return detail::per_row_top_k(impl_->index, q.rows, k, false, q.method, ctx, q.removed);
}

Pairs SimilarityIndex::query_pairs(const CsrInput& queries, double threshold, SimilarityMethod method,
                                   const RunContext& ctx, std::span<const std::uint8_t> removed) const {
  const Queries q = prepare_queries(queries, rows(), cols(), method, removed);
  return detail::query_pairs_above(impl_->index, q.rows, threshold, q.method, ctx, q.removed);
}

TopK SimilarityIndex::query(const CsrInput& queries, std::size_t k, SimilarityMethod method, const RunContext& ctx,
                            std::span<const std::uint8_t> removed, const ArticleFilter& filter) const {
  if (!filter.active()) return query(queries, k, method, ctx, removed);
  const Queries q = prepare_queries(queries, rows(), cols(), method, removed);
  const Filtered f = filtered(impl_->index, filter, static_cast<std::size_t>(q.rows.rows()), removed);
  return detail::limited_query_top_k(*f.index, q.rows, k, f.limits, q.method, ctx, f.removed_view);
}

Pairs SimilarityIndex::query_pairs(const CsrInput& queries, double threshold, SimilarityMethod method,
                                   const RunContext& ctx, std::span<const std::uint8_t> removed,
                                   const ArticleFilter& filter) const {
  if (!filter.active()) return query_pairs(queries, threshold, method, ctx, removed);
  const Queries q = prepare_queries(queries, rows(), cols(), method, removed);
  const Filtered f = filtered(impl_->index, filter, static_cast<std::size_t>(q.rows.rows()), removed);
  return detail::limited_query_pairs_above(*f.index, q.rows, threshold, f.limits, q.method, ctx, f.removed_view);
}

SimilarityIndex SimilarityIndex::merged(const SimilarityIndex* delta, std::span<const std::uint8_t> removed) const {
  const std::size_t n_delta = delta != nullptr ? delta->rows() : 0;
  if (delta != nullptr && delta->cols() != cols())
    throw InvalidOptionError("delta", "delta has " + std::to_string(delta->cols()) + " columns, the index has " +
                                          std::to_string(cols()));
  if (!removed.empty() && removed.size() != rows() + n_delta)
    throw InvalidOptionError("removed", "removed has " + std::to_string(removed.size()) + " flags for " +
                                            std::to_string(rows() + n_delta) + " rows");
  const std::array<const detail::RowMatrix*, 2> parts{&impl_->index.rows,
                                                       delta != nullptr ? &delta->impl_->index.rows : nullptr};
  // Kept rows and their stored values, then one copy of each kept row (runs of rows at once).
  std::size_t kept = 0;
  std::size_t nnz = 0;
  std::size_t slot = 0;
  for (const detail::RowMatrix* m : parts) {
    if (m == nullptr) continue;
    const std::int32_t* outer = m->outerIndexPtr();
    for (Eigen::Index r = 0; r < m->rows(); ++r, ++slot)
      if (removed.empty() || removed[slot] == 0) {
        ++kept;
        nnz += static_cast<std::size_t>(outer[r + 1] - outer[r]);
      }
  }
  if (nnz >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    throw InvalidOptionError("X", "X: too many stored values (at most 2^31 - 1 are supported)");
  detail::RowMatrix out(static_cast<Eigen::Index>(kept), static_cast<Eigen::Index>(cols()));
  out.resizeNonZeros(static_cast<Eigen::Index>(nnz));
  std::int32_t* o_outer = out.mutable_outer();
  std::int32_t* o_inner = out.mutable_inner();
  float* o_values = out.mutable_values();
  std::size_t row = 0;
  std::int32_t at = 0;
  slot = 0;
  o_outer[0] = 0;
  for (const detail::RowMatrix* m : parts) {
    if (m == nullptr) continue;
    const std::int32_t* outer = m->outerIndexPtr();
    for (Eigen::Index r = 0; r < m->rows(); ++r, ++slot) {
      if (!removed.empty() && removed[slot] != 0) continue;
      const std::int32_t b = outer[r];
      const std::int32_t n = outer[r + 1] - b;
      std::copy_n(m->innerIndexPtr() + b, n, o_inner + at);
      std::copy_n(m->valuePtr() + b, n, o_values + at);
      at += n;
      o_outer[++row] = at;
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->index = detail::build_inverted_index(std::move(out));
  return SimilarityIndex(std::move(impl));
}

TopK SimilarityIndex::top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx,
                            const ArticleFilter& filter) const {
  if (!filter.active() || allows_every_pair(impl_->index, filter)) return top_k(k, method, ctx);
  const Filtered f = filtered(impl_->index, filter);
  return detail::limited_top_k(*f.index, k, f.limits, method, ctx);
}

Pairs SimilarityIndex::pairs(double threshold, SimilarityMethod method, const RunContext& ctx,
                             const ArticleFilter& filter) const {
  if (!filter.active() || allows_every_pair(impl_->index, filter)) return pairs(threshold, method, ctx);
  const Filtered f = filtered(impl_->index, filter);
  return detail::limited_pairs_above(*f.index, threshold, f.limits, method, ctx);
}

SimilarityIndex::Rows SimilarityIndex::csr_rows() const noexcept {
  const auto& r = impl_->index.rows;
  return {{r.outerIndexPtr(), rows() + 1}, {r.innerIndexPtr(), nnz()}, {r.valuePtr(), nnz()}};
}

Pairs SimilarityIndex::pairs(double threshold, SimilarityMethod method, const RunContext& ctx) const {
  return detail::pairs_above(impl_->index, threshold, method, ctx);
}

std::vector<Contribution> SimilarityIndex::explain(std::size_t a, std::size_t b) const {
  return shared_terms(impl_->index.rows, a, b);
}

std::vector<Contribution> explain_rows(const CsrInput& matrix, std::size_t a, std::size_t b) {
  return shared_terms(detail::canonical_rows(matrix, "X"), a, b);
}

TopK top_entries(const CsrInput& matrix, std::size_t top) {
  const detail::RowMatrix m = detail::canonical_rows(matrix, "X");
  TopK out = detail::padded_top_k(matrix.rows, top);
  std::vector<std::pair<double, std::int32_t>> row;
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    row.clear();
    for (Eigen::Map<const detail::RowMatrix::EigenMatrix>::InnerIterator it(m.eigen(), r); it; ++it)
      row.emplace_back(it.value(), static_cast<std::int32_t>(it.col()));
    detail::write_best_row(row, top, static_cast<std::size_t>(r), out);
  }
  return out;
}

std::size_t index_nbytes(std::size_t rows, std::size_t nnz, std::size_t cols) noexcept {
  return detail::RowMatrix::bytes(rows, nnz) + detail::ColMatrix::bytes(cols, nnz) + cols * sizeof(float);  // + max_weight
}

std::size_t top_k_result_bytes(std::size_t rows, std::size_t k) noexcept {
  return rows * k * (sizeof(std::int64_t) + sizeof(float));
}

std::size_t top_k_scratch_bytes(std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k,
                                SimilarityMethod method, std::size_t n_jobs) noexcept {
  if (all_pairs_serves(k, method)) return detail::all_pairs_scratch_bytes(rows, nnz, cols, k, n_jobs);
  return detail::per_row_scratch_bytes(rows, rows, std::min(cols, nnz), k, n_jobs);
}

std::size_t query_scratch_bytes(std::size_t index_rows, std::size_t query_rows, std::size_t query_nnz,
                                std::size_t query_cols, std::size_t k, std::size_t n_jobs) noexcept {
  return query_copy_bytes(query_rows, query_nnz) +
         detail::per_row_scratch_bytes(index_rows, query_rows, std::min(query_cols, query_nnz), k, n_jobs);
}

}  // namespace newsim
