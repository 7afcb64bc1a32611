// newsim — similarity over TF-IDF rows without an n x n matrix: exact top-k neighbours,
// pairs above a threshold, queries, and per-term explanations.
//
// The index keeps the rows (CSR) and an inverted index (term -> postings, CSC). A query row is
// scored against the corpus with a dense per-thread accumulator. The pruned method is exact:
// terms are processed by decreasing upper bound (query weight x the term's largest weight);
// once the bound of all remaining terms cannot lift an unseen document to the current k-th
// score, no new candidates are admitted, candidates that cannot reach it are dropped, and the
// rest are completed from their own rows. It needs non-negative weights; with negative weights
// the index falls back to the brute-force method, which scores every posting.
//
// All-pairs top-k (k <= 255) uses the symmetry s(i, j) = s(j, i) instead: row i scans only the
// postings after it and offers each score to both rows. With positive weights it also leaves
// the common terms (in more than 30 % of the rows) out of the scan and bounds what they add by
// Cauchy-Schwarz; a pair is completed from its rows only where that bound can still reach the
// k-th score of either row.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/parallel.hpp"

namespace newsim {

/// A CSR matrix owned by someone else (e.g. scipy's arrays), of any of the usual types.
struct CsrInput {
  std::size_t rows = 0;
  std::size_t cols = 0;
  const void* indptr = nullptr;  // rows + 1 entries
  bool indptr64 = false;
  const void* indices = nullptr;  // nnz entries
  bool indices64 = false;
  const void* data = nullptr;  // nnz entries
  bool data64 = false;
};

enum class SimilarityMethod { automatic, pruned, brute };

/// The methods' names as users pass them, in the enum's order.
inline constexpr std::array<std::string_view, 3> kSimilarityMethods{"auto", "pruned", "brute"};

/// The method called `name`; throws InvalidOptionError("method") naming the methods otherwise.
SimilarityMethod parse_similarity_method(std::string_view name);

/// The kernel a call runs; its cost per unit of work and its scratch depend on it.
enum class SimilarityKernel {
  symmetric,         ///< all-pairs top-k (k <= 255): each pair scored once, for both rows
  scan,              ///< per row: every shared posting scored
  pruned_top_k,      ///< per row: postings skipped below the k-th best so far
  pruned_threshold,  ///< per row: postings skipped below a fixed threshold (pairs)
};
/// The kernels' names (WorkEstimate.kernel in Python), in the enum's order.
inline constexpr std::array<std::string_view, 4> kSimilarityKernels{"symmetric", "scan", "pruned_top_k",
                                                                    "pruned_threshold"};

/// What a call will do, for progress bars: `items` is the total its progress callback counts
/// to, `units` its work (the sum over terms of df^2 for top_k and pairs, the sum of the df of
/// every stored query term for query), `seconds` the time it is expected to take on one thread
/// (measured per kernel, rounded up).
struct WorkEstimate {
  SimilarityKernel kernel = SimilarityKernel::scan;
  std::size_t items = 0;
  double units = 0.0;
  double seconds = 0.0;
};

/// Top-k results: row r's neighbours are ids[r*k .. r*k+k), best first, ties to the lower id,
/// padded with -1 and score 0 where fewer than k documents share a term with the query.
struct TopK {
  std::size_t rows = 0;
  std::size_t k = 0;
  std::vector<std::int64_t> ids;
  std::vector<float> scores;
};

/// Pairs i < j with score >= threshold, ordered by i then j.
struct Pairs {
  std::vector<std::int64_t> i;
  std::vector<std::int64_t> j;
  std::vector<float> score;
};

/// A k-best result held by someone else (e.g. NumPy arrays): row r's candidates are
/// ids[r*k .. r*k+k) with their scores; an id < 0 is padding.
struct TopKView {
  std::size_t rows = 0;
  std::size_t k = 0;
  const std::int64_t* ids = nullptr;
  const float* scores = nullptr;
};

/// One term's share of a dot product.
struct Contribution {
  std::int64_t column;
  double value;
};

/// n strings in one buffer: string r is bytes[offsets[r], offsets[r + 1]) (n + 1 offsets).
struct StringList {
  std::span<const std::uint64_t> offsets;
  std::string_view bytes;
  [[nodiscard]] std::size_t size() const noexcept { return offsets.empty() ? 0 : offsets.size() - 1; }
  [[nodiscard]] std::string_view operator[](std::size_t r) const noexcept {
    return bytes.substr(offsets[r], offsets[r + 1] - offsets[r]);
  }
};

/// What an index file stores beside the vectors: the articles' ids (none: the rows are the ids;
/// integers; or UTF-8 strings; unique), optionally the term of each column, and optionally the
/// vectorizer that made the rows (its model file's bytes: an archive). Views: the arrays
/// belong to the caller (save) or to the loaded index (SimilarityIndex::labels).
struct IndexLabels {
  enum class Ids : std::uint32_t { rows = 0, integers = 1, strings = 2 };
  Ids ids = Ids::rows;
  std::span<const std::int64_t> integer_ids;
  StringList string_ids;
  bool has_terms = false;
  StringList terms;
  bool has_model = false;
  std::string_view model;  // the vectorizer's model file (an archive), not parsed here
  bool has_archive = false;
  std::string_view archive;  // an archive's own data (raw counts, tolerance), not parsed here
  /// Each article's date (int64 nanoseconds since the epoch; UTC when `dates_aware`).
  bool has_dates = false;
  bool dates_aware = false;
  std::span<const std::int64_t> dates;
  /// Each article's source as a code into `source_names` (-1: unknown); the names unique.
  bool has_sources = false;
  std::span<const std::int32_t> source_codes;
  StringList source_names;
};

/// Which articles a top-k or pairs call compares, from their dates and sources. A window keeps
/// only articles whose dates are at most `window` apart (both in the same unit, e.g.
/// nanoseconds); it cuts the work: only the postings of articles inside each article's window
/// are read. Sources keep two articles of the same known source apart.
struct ArticleFilter {
  std::span<const std::int64_t> dates;     ///< one per row; needed with a window
  std::optional<std::int64_t> window;      ///< >= 0; none: every date
  std::span<const std::int32_t> sources;   ///< one code per row (-1: unknown); needed to exclude
  bool exclude_same_source = false;        ///< never compare two articles of the same source
  /// For query_pairs: each query's date and source code (the index's codes: a code the index
  /// does not use matches no row), needed with a window and to exclude.
  std::span<const std::int64_t> query_dates;
  std::span<const std::int32_t> query_sources;

  [[nodiscard]] bool active() const noexcept { return window.has_value() || exclude_same_source; }
};

/// Immutable after construction: every query (top_k, query, pairs, explain) may run
/// concurrently on one index.
class SimilarityIndex {
 public:
  /// Copies and validates the matrix: throws InvalidOptionError("X") for malformed CSR arrays
  /// and DocumentError (row index) for a NaN or infinite value.
  explicit SimilarityIndex(const CsrInput& matrix);
  ~SimilarityIndex();

  // The index file (see index_file.cpp for the layout): a header, a table of sections with a
  // CRC-32C each, and the index's arrays as they sit in memory, each 64-byte aligned, so that
  // load() can map the file and use the arrays in place. Loading checks everything before the
  // index uses it (header, sizes, checksums, every offset and index in range, the postings the
  // transpose of the rows, ids unique) and throws FormatError naming what is wrong.

  /// Writes the index and its labels to `path` atomically: a temporary file beside it (created
  /// with the process's umask), synced, then renamed over `path`. Throws InvalidOptionError
  /// ("ids" or "feature_names") for labels that do not fit the index, std::system_error for a
  /// failed write (the temporary file removed, `path` untouched).
  void save(const std::string& path, const IndexLabels& labels) const;
  /// The same file as bytes (for pickling).
  [[nodiscard]] std::string to_bytes(const IndexLabels& labels) const;
  /// An index file's index; with `mmap` the arrays stay in the file's mapping (pages shared by
  /// every process that maps the file, read on first touch), else they are read into memory.
  static SimilarityIndex load(const std::string& path, bool mmap);
  /// The index of an index file's bytes (copied).
  static SimilarityIndex from_bytes(std::string_view bytes);
  /// The labels stored in the file the index was loaded from (none otherwise); they live as
  /// long as the index.
  [[nodiscard]] IndexLabels labels() const noexcept;
  /// True when the arrays are those of a mapped file.
  [[nodiscard]] bool mapped() const noexcept;

  SimilarityIndex(SimilarityIndex&&) noexcept;
  SimilarityIndex& operator=(SimilarityIndex&&) noexcept;

  [[nodiscard]] std::size_t rows() const noexcept;
  [[nodiscard]] std::size_t cols() const noexcept;
  [[nodiscard]] std::size_t nnz() const noexcept;
  /// The number of rows with an entry in each column.
  [[nodiscard]] std::vector<std::int64_t> document_frequencies() const;
  /// The rows with an entry in any of the columns, increasing (from the postings: the work is
  /// the columns' document frequencies). InvalidOptionError for a column out of range.
  [[nodiscard]] std::vector<std::int64_t> rows_with_columns(std::span<const std::int64_t> columns) const;
  /// True when every row has unit L2 norm (or is empty): scores are cosines.
  [[nodiscard]] bool normalized() const noexcept;
  /// True when no weight is negative (the pruned method applies).
  [[nodiscard]] bool non_negative() const noexcept;
  /// Bytes held by the index (index_nbytes of its shape).
  [[nodiscard]] std::size_t nbytes() const noexcept;

  /// The kernel top_k(k, method) runs.
  [[nodiscard]] SimilarityKernel top_k_kernel(std::size_t k, SimilarityMethod method) const noexcept;
  /// The kernel pairs(threshold, method) runs.
  [[nodiscard]] SimilarityKernel pairs_kernel(SimilarityMethod method) const noexcept;
  /// What top_k(k, method), pairs(threshold, method) and query(queries, k, method) will do.
  [[nodiscard]] WorkEstimate top_k_work(std::size_t k, SimilarityMethod method) const;
  [[nodiscard]] WorkEstimate pairs_work(SimilarityMethod method) const;
  [[nodiscard]] WorkEstimate query_work(const CsrInput& queries, SimilarityMethod method) const;
  /// At most what top_k(k, method) and query(queries, k) allocate with n_jobs threads besides
  /// the index and the result: the bounds below, from this index's own figures.
  [[nodiscard]] std::size_t top_k_scratch_bytes(std::size_t k, SimilarityMethod method,
                                                std::size_t n_jobs) const noexcept;
  [[nodiscard]] std::size_t query_scratch_bytes(const CsrInput& queries, std::size_t k,
                                                std::size_t n_jobs) const noexcept;

  /// Every row's k most similar other rows. 'automatic' and 'pruned' are the symmetric kernel
  /// (pruned where the weights are positive) for k <= 255; 'brute' scores every posting per row.
  [[nodiscard]] TopK top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx) const;
  /// top_k among the articles `filter` lets each article be compared with (the per-row kernel:
  /// 'pruned' prunes, 'automatic' and 'brute' score every posting in the window). With a window
  /// over rows not in date order, the kernel runs on a copy of the index in date order (the
  /// index's memory once more, for the call). Throws InvalidOptionError ("window", "dates",
  /// "sources") for a filter that does not fit the index.
  [[nodiscard]] TopK top_k(std::size_t k, SimilarityMethod method, const RunContext& ctx,
                           const ArticleFilter& filter) const;
  /// Each query row's k most similar rows of the index, never a row flagged in `removed` (empty,
  /// or one flag per row: the rows an archive has removed since the index was built). Throws
  /// InvalidOptionError("removed") for flags of another length.
  [[nodiscard]] TopK query(const CsrInput& queries, std::size_t k, SimilarityMethod method, const RunContext& ctx,
                           std::span<const std::uint8_t> removed = {}) const;
  /// The index's rows as CSR arrays (rows() + 1 offsets; columns increasing within a row;
  /// float32 weights), valid as long as the index.
  struct Rows {
    std::span<const std::int32_t> offsets;
    std::span<const std::int32_t> columns;
    std::span<const float> weights;
  };
  [[nodiscard]] Rows csr_rows() const noexcept;
  /// A new index over this index's rows, then `delta`'s (null: none), leaving out the rows
  /// flagged in `removed` (empty, or one flag per row of both): what an index built afresh
  /// from those rows holds, without checking or converting them again. Throws
  /// InvalidOptionError("delta") for another number of columns, ("removed") for flags of
  /// another length, ("X") past 2^31 - 1 stored values.
  [[nodiscard]] SimilarityIndex merged(const SimilarityIndex* delta, std::span<const std::uint8_t> removed) const;
  /// All pairs i < j with score >= threshold.
  [[nodiscard]] Pairs pairs(double threshold, SimilarityMethod method, const RunContext& ctx) const;
  /// pairs among the articles `filter` lets be compared, as top_k(k, method, ctx, filter).
  [[nodiscard]] Pairs pairs(double threshold, SimilarityMethod method, const RunContext& ctx,
                            const ArticleFilter& filter) const;
  /// query among the (query, row) pairs `filter` lets be compared (its query_dates and
  /// query_sources are the queries'), as top_k(k, method, ctx, filter).
  [[nodiscard]] TopK query(const CsrInput& queries, std::size_t k, SimilarityMethod method, const RunContext& ctx,
                           std::span<const std::uint8_t> removed, const ArticleFilter& filter) const;
  /// query_pairs among the (query, row) pairs `filter` lets be compared (its query_dates and
  /// query_sources are the queries'), as top_k(k, method, ctx, filter).
  [[nodiscard]] Pairs query_pairs(const CsrInput& queries, double threshold, SimilarityMethod method,
                                  const RunContext& ctx, std::span<const std::uint8_t> removed,
                                  const ArticleFilter& filter) const;
  /// All pairs (query row i, index row j) with score >= threshold, ordered by i then j, never a
  /// row flagged in `removed` (as in query).
  [[nodiscard]] Pairs query_pairs(const CsrInput& queries, double threshold, SimilarityMethod method,
                                  const RunContext& ctx, std::span<const std::uint8_t> removed = {}) const;
  /// The terms two rows share, each with its product of weights, largest first; they sum to
  /// the rows' dot product. Throws std::out_of_range for a bad row.
  [[nodiscard]] std::vector<Contribution> explain(std::size_t a, std::size_t b) const;

  struct Impl;

 private:
  explicit SimilarityIndex(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

/// The terms rows a and b of `matrix` share, as SimilarityIndex(matrix).explain(a, b) gives
/// them (weights rounded to float32, each row's duplicate entries summed), without building
/// an index. Throws InvalidOptionError("X") for a malformed matrix, std::out_of_range for a
/// bad row.
std::vector<Contribution> explain_rows(const CsrInput& matrix, std::size_t a, std::size_t b);

/// The `top` largest entries of each row of a CSR matrix (ties to the lower column), padded
/// with column -1 and value 0.
TopK top_entries(const CsrInput& matrix, std::size_t top);

/// Each row's k best candidates of all `parts` (results for the same rows over disjoint sets of
/// documents, with global ids): best first, equal scores to the lower id, padded with -1 and
/// 0 -- the rule of SimilarityIndex::top_k, so that merged parts equal one index over all the
/// documents. Throws InvalidOptionError("parts") when the parts differ in their rows.
TopK merge_top_k(std::span<const TopKView> parts, std::size_t k);

// Memory, in bytes of the arrays allocated, for planning calls on an index not yet built. Each
// figure is computed from the sizes the allocating code uses; a result (rows x k: int64 ids
// and float32 scores) is not scratch: see top_k_result_bytes.

/// What a SimilarityIndex over a rows x cols matrix with nnz stored values holds.
std::size_t index_nbytes(std::size_t rows, std::size_t nnz, std::size_t cols) noexcept;
/// The result of a top-k call: rows x k ids and scores.
std::size_t top_k_result_bytes(std::size_t rows, std::size_t k) noexcept;
/// At most what SimilarityIndex::top_k(k, method) allocates with n_jobs threads on an index of
/// that shape, besides the index and the result.
std::size_t top_k_scratch_bytes(std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k,
                                SimilarityMethod method, std::size_t n_jobs) noexcept;
/// At most what SimilarityIndex::query allocates with n_jobs threads on an index of
/// `index_rows` rows for `query_rows` queries with `query_nnz` stored values, besides the
/// index and the result.
std::size_t query_scratch_bytes(std::size_t index_rows, std::size_t query_rows, std::size_t query_nnz,
                                std::size_t query_cols, std::size_t k, std::size_t n_jobs) noexcept;

}  // namespace newsim
