#include "assembly.hpp"

#include <algorithm>
#include <bit>
#include <span>

namespace newsim::detail {

namespace {

/// Puts one row's (column, count) entries in column order, adding up the counts of a column that
/// comes more than once (extra columns): by sorting, or for rows that are long next to the
/// number of columns, through a bitmap of the columns (linear in the row plus a scan of
/// n_cols / 4096 summary words).
class RowSorter {
 public:
  explicit RowSorter(std::size_t n_cols) : n_cols_(n_cols) {}

  void clear() noexcept { row_.clear(); }
  void add(std::uint64_t col, std::uint32_t count) { row_.push_back((col << 32) | count); }

  /// Writes the row in column order into `cols` and `vals` (the counts).
  void sorted(std::vector<std::int64_t>& cols, std::vector<double>& vals) {
    const std::size_t n = row_.size();
    cols.resize(n);
    vals.resize(n);
    if (use_bitmap(n)) {
      if (bits_.empty()) {
        bits_.assign((n_cols_ + 63) / 64, 0);
        summary_.assign((bits_.size() + 63) / 64, 0);
        counts_.assign(n_cols_, 0);
      }
      for (const std::uint64_t x : row_) {
        const std::size_t col = static_cast<std::size_t>(x >> 32);
        const std::uint64_t bit = std::uint64_t{1} << (col & 63);
        if ((bits_[col >> 6] & bit) != 0) {
          counts_[col] += static_cast<std::uint32_t>(x);
          continue;
        }
        bits_[col >> 6] |= bit;
        summary_[col >> 12] |= std::uint64_t{1} << ((col >> 6) & 63);
        counts_[col] = static_cast<std::uint32_t>(x);
      }
      std::size_t j = 0;
      for (std::size_t s = 0; s < summary_.size(); ++s) {
        for (std::uint64_t sw = summary_[s]; sw != 0; sw &= sw - 1) {
          const std::size_t wi = s * 64 + static_cast<std::size_t>(std::countr_zero(sw));
          for (std::uint64_t bw = bits_[wi]; bw != 0; bw &= bw - 1) {
            const std::size_t col = wi * 64 + static_cast<std::size_t>(std::countr_zero(bw));
            cols[j] = static_cast<std::int64_t>(col);
            vals[j] = static_cast<double>(counts_[col]);
            ++j;
          }
          bits_[wi] = 0;
        }
        summary_[s] = 0;
      }
      cols.resize(j);
      vals.resize(j);
      return;
    }
    std::sort(row_.begin(), row_.end());
    std::size_t j = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const auto col = static_cast<std::int64_t>(row_[k] >> 32);
      const auto count = static_cast<double>(row_[k] & 0xFFFFFFFFu);
      if (j > 0 && cols[j - 1] == col) {
        vals[j - 1] += count;
        continue;
      }
      cols[j] = col;
      vals[j] = count;
      ++j;
    }
    cols.resize(j);
    vals.resize(j);
  }

 private:
  [[nodiscard]] bool use_bitmap(std::size_t n) const noexcept {
    // The bitmap's scratch (about 4.1 bytes per column) stays small next to the matrix.
    if (n < 32 || n_cols_ > (std::size_t{1} << 22)) return false;
    const std::size_t sort_cost = n * static_cast<std::size_t>(std::bit_width(n)) * 2;
    const std::size_t bitmap_cost = 3 * n + n_cols_ / 4096;
    return bitmap_cost < sort_cost;
  }

  std::size_t n_cols_;
  std::vector<std::uint64_t> row_;
  std::vector<std::uint64_t> bits_;     // one bit per column
  std::vector<std::uint64_t> summary_;  // one bit per word of bits_
  std::vector<std::uint32_t> counts_;   // by column, valid where its bit is set
};

/// One row of the counts: its terms' ids and counts, and its candidates' (empty when the chunk
/// has none).
struct Row {
  std::size_t index;   // in the matrix
  std::size_t worker;  // whose ids these are
  std::uint32_t doc_len;
  std::span<const std::uint32_t> ids;
  std::span<const std::uint32_t> counts;
  std::span<const std::uint32_t> extra_ids;
  std::span<const std::uint32_t> extra_counts;
};

/// Calls `f(row)` for every row of chunks [b, e) in order; chunk c's rows start at chunk_row0[c].
template <class F>
void for_each_row(const Analysis& a, std::span<const std::size_t> chunk_row0, std::size_t b, std::size_t e,
                  F&& f) {
  for (std::size_t c = b; c < e; ++c) {
    const ChunkCounts& ch = a.chunks[c];
    const bool has_extra = !ch.candidates.row_nnz.empty();
    const std::span<const std::uint32_t> ids(ch.terms.ids), counts(ch.terms.counts);
    const std::span<const std::uint32_t> xids(ch.candidates.ids), xcounts(ch.candidates.counts);
    std::size_t k = 0;
    std::size_t ks = 0;
    for (std::size_t r = 0; r < ch.n_rows(); ++r) {
      const std::size_t n = ch.terms.row_nnz[r];
      const std::size_t ns = has_extra ? ch.candidates.row_nnz[r] : 0;
      f(Row{chunk_row0[c] + r, ch.worker, ch.doc_len[r], ids.subspan(k, n), counts.subspan(k, n),
            xids.subspan(ks, ns), xcounts.subspan(ks, ns)});
      k += n;
      ks += ns;
    }
  }
}

template <class T, class I>
Csr<T, I> assemble_typed(const Analysis& a, const Remap& remap, const ColumnLists& extra,
                         std::size_t n_cols, const WeightingOptions& w, std::span<const double> idf,
                         double avg_len, const RunContext& ctx) {
  Csr<T, I> m;
  const std::size_t n_rows = a.n_rows();
  m.rows = n_rows;
  m.cols = n_cols;
  m.indptr.assign(n_rows + 1, 0);
  std::vector<std::size_t> chunk_row0(a.chunks.size() + 1, 0);
  for (std::size_t c = 0; c < a.chunks.size(); ++c)
    chunk_row0[c + 1] = chunk_row0[c] + a.chunks[c].n_rows();
  // Pass 1: row lengths after remapping (when no term was pruned, they are known already).
  bool all_kept = true;
  for (const auto& map : remap)
    for (const std::int64_t col : map) all_kept = all_kept && col >= 0;
  const bool expand = !extra.empty();
  // The extra columns may repeat a column of the row: distinct columns are counted with row stamps
  // (per worker, allocated once).
  std::vector<std::vector<std::size_t>> stamps(workers_for(a.chunks.size(), 1, ctx));
  parallel_chunks(a.chunks.size(), 1, ctx, [&](std::size_t wid, std::size_t b, std::size_t e) {
    std::vector<std::size_t>& stamp = stamps[wid];
    if (expand && stamp.empty()) stamp.assign(n_cols, 0);
    for_each_row(a, chunk_row0, b, e, [&](const Row& row) {
      const auto& map = remap[row.worker];
      I nnz = static_cast<I>(row.ids.size());
      if (expand) {
        const std::size_t stamp_row = row.index + 1;  // never 0: stamps start at 0
        std::size_t distinct = 0;
        auto visit = [&](std::int64_t col) {
          if (col < 0 || stamp[static_cast<std::size_t>(col)] == stamp_row) return;
          stamp[static_cast<std::size_t>(col)] = stamp_row;
          ++distinct;
        };
        for (const std::uint32_t id : row.ids) visit(map[id]);
        const ColumnList& pc = extra[row.worker];
        for (const std::uint32_t id : row.extra_ids)
          for (std::size_t q = pc.ptr[id]; q < pc.ptr[id + 1]; ++q) visit(pc.cols[q]);
        nnz = static_cast<I>(distinct);
      } else if (!all_kept) {
        nnz = 0;
        for (const std::uint32_t id : row.ids) nnz += map[id] >= 0;
      }
      m.indptr[row.index + 1] = nnz;
    });
  });
  for (std::size_t r = 0; r < n_rows; ++r) m.indptr[r + 1] += m.indptr[r];
  const auto nnz = static_cast<std::size_t>(m.indptr[n_rows]);
  m.indices.resize(nnz);
  m.data.resize(nnz);
  // Pass 2: sorted columns and weights.
  parallel_chunks(a.chunks.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    RowSorter sorter(n_cols);
    std::vector<std::int64_t> cols;
    std::vector<double> vals;
    for_each_row(a, chunk_row0, b, e, [&](const Row& row) {
      const auto& map = remap[row.worker];
      sorter.clear();
      for (std::size_t t = 0; t < row.ids.size(); ++t) {
        const std::int64_t col = map[row.ids[t]];
        if (col >= 0) sorter.add(static_cast<std::uint64_t>(col), row.counts[t]);
      }
      if (expand) {  // each occurrence of a candidate counts for its columns
        const ColumnList& pc = extra[row.worker];
        for (std::size_t t = 0; t < row.extra_ids.size(); ++t) {
          const std::uint32_t id = row.extra_ids[t];
          for (std::size_t q = pc.ptr[id]; q < pc.ptr[id + 1]; ++q)
            sorter.add(static_cast<std::uint64_t>(pc.cols[q]), row.extra_counts[t]);
        }
      }
      sorter.sorted(cols, vals);
      weight_row(w, cols, vals, idf, row.doc_len, avg_len);
      const auto out = static_cast<std::size_t>(m.indptr[row.index]);
      for (std::size_t j = 0; j < cols.size(); ++j) {
        m.indices[out + j] = static_cast<I>(cols[j]);
        m.data[out + j] = static_cast<T>(vals[j]);
      }
    });
  });
  return m;
}

}  // namespace

Remap remap_to(const Analysis& a, const Vocabulary& vocab) {
  Remap remap(a.workers.size());
  for (std::size_t w = 0; w < a.workers.size(); ++w) {
    const Worker& wk = a.workers[w];
    if (!wk.session) continue;
    auto& map = remap[w];
    map.resize(wk.session->n_terms());
    for (TermId id = 0; id < map.size(); ++id) map[id] = vocab.find(wk.session->term(id));
  }
  return remap;
}

Remap remap_entries(const std::vector<std::vector<std::uint32_t>>& entry_of, std::span<const std::int64_t> column) {
  Remap remap(entry_of.size());
  for (std::size_t w = 0; w < entry_of.size(); ++w) {
    remap[w].assign(entry_of[w].size(), -1);
    for (std::size_t id = 0; id < entry_of[w].size(); ++id)
      if (entry_of[w][id] != StringMap::npos) remap[w][id] = column[entry_of[w][id]];
  }
  return remap;
}

CsrAny assemble(const Analysis& a, const Remap& remap, const ColumnLists& extra, std::size_t n_cols,
                const VectorizerOptions& o, std::span<const double> idf, double avg_len, const RunContext& ctx) {
  std::size_t nnz_bound = 0;
  for (const auto& c : a.chunks) {
    nnz_bound += c.terms.ids.size();
    if (!extra.empty()) {
      const ColumnList& pc = extra[c.worker];
      for (const std::uint32_t id : c.candidates.ids) nnz_bound += pc.ptr[id + 1] - pc.ptr[id];
    }
  }
  return with_csr_types(o.float64, nnz_bound, n_cols, [&]<class T, class I>() {
    return assemble_typed<T, I>(a, remap, extra, n_cols, o.weighting, idf, avg_len, ctx);
  });
}

}  // namespace newsim::detail
