#include "all_pairs.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "best_k.hpp"
#include "simd.hpp"

namespace newsim::detail {
namespace {

/// Whether a column holding `df` of n rows is common (left out of the pruned scan).
[[nodiscard]] bool is_common(std::size_t df, std::size_t n) noexcept {
  return static_cast<double>(df) > kCommonShare * static_cast<double>(n);
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

/// Writes, for every row r, the best kk of the entries `each(r, add)` lists into row r of
/// `out` (best first, ties to the lower id).
template <class Each>
void best_of(std::size_t n, std::size_t kk, const Each& each, TopK& out, const RunContext& ctx) {
  parallel_chunks(n, kMergeChunk, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<std::pair<double, std::int32_t>> merged;
    for (std::size_t r = b; r < e; ++r) {
      merged.clear();
      each(r, [&](float score, std::int32_t id) { merged.emplace_back(score, id); });
      write_best_row(merged, kk, r, out);
    }
  });
}


/// What the scan's threads share: the index, the common terms and the kernel's mode.
struct ScanShared {
  std::size_t n;
  bool positive;  // every weight > 0: a touched row has acc > 0, no marks needed
  bool pruning;   // common terms left out of the scan
  const CommonTerms& common;
  const RowMatrix& rows;
  const float* p_vals;
};

/// One thread's part of the scan: it takes chunks of steps (rows from the last to the first),
/// accumulates each row's scores against the rows after it and offers them to both rows'
/// lists. `Row` is the type the postings' row ids are read as (16 bits where n <= 65536: a
/// quarter less memory traffic in the scan, which streams the postings).
template <class Row>
class ScanWorker {
 public:
  ScanWorker(const ScanShared& shared, const Row* p_rows, BestLists& best, ScanScratch& scratch)
      : x_(shared), p_rows_(p_rows), best_(best), s_(scratch), acc_(scratch.acc.data()), mark_(scratch.mark.data()),
        qc_(scratch.common.data()) {}

  /// Steps [b, e): rows n - 1 - b down to n - e.
  void chunk(std::size_t b, std::size_t e) {
    catch_up(b);
    s_.seen = e;
    for (std::size_t step = b; step < e; ++step) row(x_.n - 1 - step);
  }

 private:
    // Where row i's terms' postings continue after row i, and where their scan ends (0 for a
    // common term, never scanned, so that one test skips common and exhausted terms): each
    // thread keeps per term the position just after the lowest row it has seen. Rows come to
    // a thread in decreasing order, and the rows of the chunks other threads took in between
    // step the positions down when the thread gets its next chunk, so row i's entry is always
    // just before the kept position. One pass over row i's terms (independent random accesses
    // into the column array) gives its scans; the positions take O(columns) per thread, not one
    // per stored entry (16.5 MB on 10kGNAD x 10, 42 MB on the 100k corpus).
  /// Steps the column positions down over rows [n - b, n - seen): the chunks other threads
  /// took since this thread's last one.
  void catch_up(std::size_t b) {
    const std::int32_t* r_outer = x_.rows.outerIndexPtr();
    const std::int32_t* r_inner = x_.rows.innerIndexPtr();
    Span* spans = s_.span.data();
    for (std::int32_t p = r_outer[x_.n - s_.seen] - 1; p >= r_outer[x_.n - b]; --p) --spans[r_inner[p]].begin;
  }

  void row(std::size_t i) {
    const RowView q = row_view(x_.rows, i);
    norm_i_ = x_.pruning ? x_.common.norm[i] : 0.0;
    if (x_.pruning) x_.common.load(i, qc_);
    const Touched touched = accumulate(q);
    if (touched.visits > 0) {
      const bool dense = touched.hi - touched.lo <= 4 * touched.visits + 64;
      if (x_.pruning && dense)
        emit_bounded_range(i, touched.lo, touched.hi);
      else if (x_.positive && dense)
        emit_range(i, touched.lo, touched.hi);
      else if (x_.positive)
        emit_postings(i, q);
      else if (dense)
        emit_marked_range(i, touched.lo, touched.hi);
      else
        emit_marked_postings(i, q);
    }
    if (x_.pruning) x_.common.unload(i, qc_);
  }

  /// Postings visited and the range of rows they touch (per term, not per posting).
  struct Touched {
    std::size_t visits = 0;
    std::size_t lo;
    std::size_t hi = 0;
  };

  /// Adds row i's products with the rows after it into the accumulator (and marks them where
  /// weights may be negative), after taking the positions of row i's terms (scan[t]).
  Touched accumulate(const RowView& q) {
    Touched touched{0, x_.n, 0};
    Span* spans = s_.span.data();
    Span* scans = s_.scan.data();
    for (std::size_t t = 0; t < q.n; ++t) {
      Span& span = spans[q.cols[t]];
      scans[t] = {span.begin--, span.end};
    }
    // Each term's postings start somewhere far from the last: fetch them a few terms ahead.
    constexpr std::size_t kAhead = 6;
    const auto prefetch = [&](std::size_t t) {
      __builtin_prefetch(p_rows_ + scans[t].begin);
      __builtin_prefetch(x_.p_vals + scans[t].begin);
    };
    for (std::size_t t = 0; t < std::min(kAhead, q.n); ++t) prefetch(t);
    for (std::size_t t = 0; t < q.n; ++t) {
      if (t + kAhead < q.n) prefetch(t + kAhead);
      const std::int32_t stop = scans[t].end;
      if (scans[t].begin >= stop) continue;  // a common term, or no rows after i
      const double qv = q.vals[t];
      const Row* it = p_rows_ + scans[t].begin;
      const Row* last = p_rows_ + stop;
      touched.visits += static_cast<std::size_t>(last - it);
      touched.lo = std::min(touched.lo, static_cast<std::size_t>(*it));
      touched.hi = std::max(touched.hi, static_cast<std::size_t>(last[-1]));
      const float* v = x_.p_vals + (it - p_rows_);
      if (x_.positive) {
        // Every product is > 0, so a touched row has acc > 0: no marks to keep.
        scatter(acc_, it, v, last - it, qv);
      } else {
        for (; it != last; ++it, ++v) {
          const auto d = static_cast<std::size_t>(*it);
          acc_[d] += qv * static_cast<double>(*v);
          mark_[d >> 6] |= std::uint64_t{1} << (d & 63);
        }
      }
    }
    return touched;
  }

  __attribute__((always_inline)) void offer(std::size_t i, std::size_t d, double score) {
    const auto sc = static_cast<float>(score);
    best_.offer(i, sc, static_cast<std::int32_t>(d));
    best_.offer(d, sc, static_cast<std::int32_t>(i));
  }

  /// Offers the pair (i, d) of a touched row d and clears its score: at once, or completed
  /// with the common terms if its bound can still enter row i's or row d's list.
  __attribute__((always_inline)) void emit(std::size_t i, std::size_t d) {
    const double partial = acc_[d];
    acc_[d] = 0.0;
    if (!x_.pruning) return offer(i, d, partial);
    const double bound = (partial + norm_i_ * x_.common.norm[d]) * kSlack;
    if (bound < best_.worst_score[i] && bound < best_.worst_score[d]) return;
    offer(i, d, partial + x_.common.part(d, qc_).first);
  }

  void emit_bounded_range(std::size_t i, std::size_t lo, std::size_t hi) {
    // Nearly every row after i shares a term with it (10kGNAD: 49 M of 53 M pairs), so
    // the bound test runs over the touched range with no branch per row: a block of
    // rows is tested at once and only the rows that pass (about 2 %) are completed.
    // Row i's k-th score may rise while its block is completed; the next block reads
    // it again, and a stale (lower) value only lets more rows through to offer(),
    // which decides with the current lists: the result is the same.
    const double* norm_of = x_.common.norm.data();
    const float floor_i = partial_floor(acc_, lo, hi, best_.k, s_.maxima);
    std::size_t d = lo;
    for (; d + kBlock <= hi + 1; d += kBlock) {
      const unsigned pass = bound_test(acc_ + d, norm_of + d, best_.worst_score.data() + d, norm_i_,
                                       std::max(best_.worst_score[i], floor_i));
      for (unsigned bits = pass; bits != 0; bits &= bits - 1) {
        const std::size_t r = d + static_cast<std::size_t>(std::countr_zero(bits));
        offer(i, r, acc_[r] + x_.common.part(r, qc_).first);
      }
      std::fill(acc_ + d, acc_ + d + kBlock, 0.0);
    }
    for (; d <= hi; ++d)
      if (acc_[d] != 0.0) emit(i, d);
  }

  /// Scans the touched range of the accumulator, eight rows at a time.
  void emit_range(std::size_t i, std::size_t lo, std::size_t hi) {
    std::size_t d = lo;
    for (; d + 8 <= hi + 1; d += 8) {
      std::uint64_t any = 0;
      for (std::size_t u = 0; u < 8; ++u) any |= std::bit_cast<std::uint64_t>(acc_[d + u]);
      if (any == 0) continue;
      for (std::size_t u = 0; u < 8; ++u)
        if (acc_[d + u] != 0.0) emit(i, d + u);
    }
    for (; d <= hi; ++d)
      if (acc_[d] != 0.0) emit(i, d);
  }

  /// Few rows spread far apart: walks the postings again instead of the range, so that the
  /// cost stays O(postings), never O(n) per row.
  void emit_postings(std::size_t i, const RowView& q) {
    const Span* scans = s_.scan.data();
    for (std::size_t t = 0; t < q.n; ++t) {
      const Row* last = p_rows_ + scans[t].end;
      for (const Row* it = p_rows_ + scans[t].begin; it < last; ++it)  // < : common
        if (acc_[static_cast<std::size_t>(*it)] != 0.0) emit(i, static_cast<std::size_t>(*it));
    }
  }

  /// Scans the marked words of the touched range.
  void emit_marked_range(std::size_t i, std::size_t lo, std::size_t hi) {
    for (std::size_t word = lo >> 6; word <= hi >> 6; ++word) {
      std::uint64_t bits = mark_[word];
      if (bits == 0) continue;
      mark_[word] = 0;
      while (bits != 0) {
        emit(i, word * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)));
        bits &= bits - 1;
      }
    }
  }

  /// Walks the postings again, emitting each marked row once.
  void emit_marked_postings(std::size_t i, const RowView& q) {
    const Span* scans = s_.scan.data();
    for (std::size_t t = 0; t < q.n; ++t) {
      const Row* last = p_rows_ + scans[t].end;
      for (const Row* it = p_rows_ + scans[t].begin; it < last; ++it) {
        const auto d = static_cast<std::size_t>(*it);
        const std::uint64_t bit = std::uint64_t{1} << (d & 63);
        if ((mark_[d >> 6] & bit) == 0) continue;  // emitted already (another term)
        mark_[d >> 6] &= ~bit;
        emit(i, d);
      }
    }
  }

  const ScanShared& x_;
  const Row* p_rows_;
  BestLists& best_;
  ScanScratch& s_;
  double* acc_;
  std::uint64_t* mark_;
  double* qc_;
  double norm_i_ = 0.0;
};

/// The all-pairs top-k kernel over one index.
class AllPairs {
 public:
  explicit AllPairs(const InvertedIndex& index)
      : index_(index), rows(index.rows), postings(index.postings), positive(index.positive) {}

  /// The common terms of the index (columns in more than kCommonShare of the rows).
  [[nodiscard]] CommonTerms common_terms() const {
    const auto n = static_cast<std::size_t>(rows.rows());
    const std::int32_t* p_outer = postings.outerIndexPtr();
    CommonTerms c;
    c.slot.assign(static_cast<std::size_t>(postings.outerSize()), -1);
    for (std::size_t t = 0; t < c.slot.size(); ++t)
      if (is_common(static_cast<std::size_t>(p_outer[t + 1] - p_outer[t]), n))
        c.slot[t] = static_cast<std::int32_t>(c.count++);
    c.outer.assign(n + 1, 0);
    c.norm.assign(n, 0.0);
    std::size_t entries = 0;
    for (std::size_t t = 0; t < c.slot.size(); ++t)
      if (c.slot[t] >= 0) entries += static_cast<std::size_t>(p_outer[t + 1] - p_outer[t]);
    c.col.reserve(entries);
    c.val.reserve(entries);
    for (std::size_t i = 0; i < n; ++i) {
      const RowView q = row_view(rows, i);
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

  /// Exact all-pairs top-k using the symmetry s(i, j) = s(j, i): row i accumulates only rows
  /// j > i (half the postings), densely and without branches, and offers each score to both
  /// rows' lists. Threads keep their own lists, merged at the end.
  ///
  /// With positive weights (all > 0), the common terms' postings are not scanned (see
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
  TopK top_k(std::size_t k, const RunContext& ctx) const {
    const auto n = static_cast<std::size_t>(rows.rows());
    TopK out = padded_top_k(n, k);
    if (k == 0 || n < 2) return out;
    const std::size_t kk = std::min(k, n - 1);
    const std::size_t n_workers = workers_for(n, kRowChunk, ctx);
    CommonTerms common;
    bool pruning = false;
    if (positive) {
      common = common_terms();
      pruning = common.count > 0;
    }
    std::vector<std::unique_ptr<BestLists>> lists(n_workers);
    std::vector<std::unique_ptr<ScanScratch>> scratch(n_workers);
    const std::size_t longest = index_.longest_row();
    const std::int32_t* p_outer = postings.outerIndexPtr();
    const std::int32_t* p_inner = postings.innerIndexPtr();
    const ScanShared shared{n, positive, pruning, common, rows, postings.valuePtr()};
    PhaseMonitor scan_phase(ctx.monitor, 0, 90, 100);
    const auto scan = [&](const auto* p_rows) {
      parallel_chunks(n, kRowChunk, with_monitor(ctx, scan_phase), [&](std::size_t w, std::size_t b, std::size_t e) {
        if (!lists[w]) {
          lists[w] = std::make_unique<BestLists>(n, kk);
          scratch[w] = new_scan_scratch(n, common, longest);
        }
        ScanWorker(shared, p_rows, *lists[w], *scratch[w]).chunk(b, e);
      });
    };
    if (n <= 65536) {
      const auto nnz = static_cast<std::size_t>(p_outer[postings.outerSize()]);
      BigVector<std::uint16_t> rows16;
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

  /// At most what top_k(k) allocates on n rows, nnz stored values and `cols` columns
  /// with n_jobs threads, besides the result: with `positive` weights the common terms (`common`
  /// columns holding `common_entries` stored values), else the marks; rows of at most `longest`
  /// terms. The largest of its phases: the scan (16-bit row ids, the threads' lists and
  /// scratch), the merge of the lists, and the pairs of common terms only (a copy of the
  /// result and new lists, the scan's freed).
  static std::size_t scratch_bytes(std::size_t n, std::size_t nnz, std::size_t cols, std::size_t k,
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

  /// The common columns and their stored values.
  [[nodiscard]] std::pair<std::size_t, std::size_t> common_counts() const noexcept {
    const auto n = static_cast<std::size_t>(rows.rows());
    const std::int32_t* p_outer = postings.outerIndexPtr();
    std::size_t count = 0, entries = 0;
    for (Eigen::Index t = 0; t < postings.outerSize(); ++t) {
      const auto df = static_cast<std::size_t>(p_outer[t + 1] - p_outer[t]);
      if (is_common(df, n)) {
        ++count;
        entries += df;
      }
    }
    return {count, entries};
  }

 private:
  /// A thread's scan scratch: the accumulator, the marks (weights not all positive), row i's
  /// common weights, partial_floor's maxima, and per column the position after the lowest row
  /// seen (where a common term's scan ends at 0, so that one test skips common and exhausted
  /// terms).
  [[nodiscard]] std::unique_ptr<ScanScratch> new_scan_scratch(std::size_t n, const CommonTerms& common,
                                                              std::size_t longest) const {
    auto s = std::make_unique<ScanScratch>();
    s->acc.assign(n, 0.0);
    if (!positive) s->mark.assign((n + 63) / 64, 0);
    s->common.assign(common.count, 0.0);
    s->maxima.reserve(n / kMaxBlock + 1);
    s->scan.resize(longest);
    const std::int32_t* p_outer = postings.outerIndexPtr();
    s->span.resize(static_cast<std::size_t>(postings.outerSize()));
    for (std::size_t t = 0; t < s->span.size(); ++t)
      s->span[t] = {p_outer[t + 1], common.count > 0 && common.slot[t] >= 0 ? 0 : p_outer[t + 1]};
    return s;
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
        const RowView q = row_view(rows, i);
        for (std::size_t t = 0; t < q.n; ++t) s.column[static_cast<std::size_t>(q.cols[t])] = stamp;
        common.load(i, s.common.data());
        const auto consider = [&](std::int32_t dj) {
          const auto d = static_cast<std::size_t>(dj);
          if (d <= i || s.seen[d] == stamp) return;
          s.seen[d] = stamp;
          const RowView r = row_view(rows, d);
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

  const InvertedIndex& index_;
  const RowMatrix& rows;
  const ColMatrix& postings;
  bool positive;
};

}  // namespace

TopK all_pairs_top_k(const InvertedIndex& index, std::size_t k, const RunContext& ctx) {
  return AllPairs(index).top_k(k, ctx);
}

std::size_t all_pairs_scratch_bytes(std::size_t rows, std::size_t nnz, std::size_t cols, std::size_t k,
                                    std::size_t n_jobs) noexcept {
  const std::size_t longest = std::min(cols, nnz);
  // A common column holds more than kCommonShare * rows values: there are at most nnz / that.
  const double least = std::floor(kCommonShare * static_cast<double>(rows)) + 1.0;
  const auto common = std::min(cols, static_cast<std::size_t>(static_cast<double>(nnz) / least));
  return std::max(AllPairs::scratch_bytes(rows, nnz, cols, k, n_jobs, true, common, nnz, longest),
                  AllPairs::scratch_bytes(rows, nnz, cols, k, n_jobs, false, 0, 0, longest));
}

std::size_t all_pairs_scratch_bytes(const InvertedIndex& index, std::size_t k, std::size_t n_jobs) noexcept {
  const AllPairs kernel(index);
  const auto [common, entries] = index.positive ? kernel.common_counts() : std::pair<std::size_t, std::size_t>{0, 0};
  return AllPairs::scratch_bytes(index.n_rows(), static_cast<std::size_t>(index.rows.nonZeros()),
                                 static_cast<std::size_t>(index.rows.cols()), k, n_jobs, index.positive, common,
                                 entries, index.longest_row());
}

}  // namespace newsim::detail
