#include "newsim/vectorizer.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>
#include <string>

#include "newsim/errors.hpp"
#include "session.hpp"

namespace newsim {

using detail::Session;
using detail::TermId;

void VectorizerOptions::validate() const {
  analyzer.validate();
  prune.validate();
  weighting.validate();
  if (vocabulary && vocabulary->empty())
    throw InvalidOptionError("vocabulary", "empty vocabulary passed to fit");
}

Vectorizer::Vectorizer(VectorizerOptions options)
    : options_((options.validate(), std::move(options))), analyzer_(options_.analyzer) {
  if (options_.vocabulary) Vocabulary check(*options_.vocabulary);  // rejects duplicates now
}

Vectorizer::Vectorizer(VectorizerOptions options, FittedState state)
    : options_(std::move(options)), analyzer_(options_.analyzer), state_(std::move(state)) {}

const FittedState& Vectorizer::state() const {
  if (!state_) throw NotFittedError("This vectorizer is not fitted yet; call fit first.");
  return *state_;
}

namespace {

/// Term counts of a run of documents, in the session's local term ids.
struct ChunkCounts {
  std::size_t worker = 0;
  std::vector<TermId> ids;          // per row, unsorted
  std::vector<std::uint32_t> counts;
  std::vector<std::uint32_t> row_nnz;
  std::vector<std::uint32_t> doc_len;  // terms analyzed per document (BM25)
};

/// Per worker: a session and its dense counting scratch (cache-line aligned: workers write
/// their own vectors' headers constantly).
struct alignas(64) Worker {
  std::unique_ptr<Session> session;
  struct TermStat {
    std::uint32_t count;  // in the current document (scratch)
    std::uint32_t df;     // documents so far
    std::int64_t tf;      // occurrences so far
  };
  std::vector<TermStat> stats;  // by local term id: one cache line per term touched
  std::vector<TermId> touched;
  std::vector<TermId> ids;
  std::string buffer;
};

struct Analysis {
  std::vector<Worker> workers;
  std::vector<ChunkCounts> chunks;
  std::size_t chunk = 1;
};

std::size_t chunk_size(std::size_t n_docs, std::size_t n_jobs) {
  // Small enough to balance threads and poll often, large enough to amortize scheduling.
  const std::size_t target = n_docs / std::max<std::size_t>(1, n_jobs * 32);
  return std::clamp<std::size_t>(target, 8, 512);
}

Analysis analyze_all(const AnalyzerImpl& impl, const Documents& docs, const RunContext& ctx,
                     bool binary) {
  Analysis a;
  const std::size_t n = docs.size();
  a.chunk = chunk_size(n, ctx.n_jobs);
  a.workers.resize(workers_for(n, a.chunk, ctx));
  a.chunks.resize((n + a.chunk - 1) / a.chunk);
  parallel_chunks(n, a.chunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
    Worker& wk = a.workers[w];
    if (!wk.session) wk.session = std::make_unique<Session>(impl);
    ChunkCounts out;  // filled locally, then moved: no false sharing between workers
    out.worker = w;
    if (!docs.analyzed()) {  // about one distinct term per 12 bytes of text
      std::size_t bytes = 0;
      for (std::size_t d = b; d < e; ++d) bytes += docs.texts[d].length;
      out.ids.reserve(bytes / 12);
      out.counts.reserve(bytes / 12);
    }
    out.row_nnz.reserve(e - b);
    out.doc_len.reserve(e - b);
    for (std::size_t d = b; d < e; ++d) {
      wk.ids.clear();
      if (docs.analyzed()) {
        for (std::size_t t = docs.term_offsets[d]; t < docs.term_offsets[d + 1]; ++t)
          wk.ids.push_back(wk.session->intern(to_utf8(docs.texts[t], wk.buffer, d)));
      } else {
        wk.session->analyze(to_utf8(docs.texts[d], wk.buffer, d), wk.ids);
      }
      const std::size_t n_terms = wk.session->n_terms();
      if (wk.stats.size() < n_terms)
        wk.stats.resize(std::max(n_terms, wk.stats.size() * 2), Worker::TermStat{0, 0, 0});
      for (const TermId id : wk.ids)
        if (wk.stats[id].count++ == 0) wk.touched.push_back(id);
      for (const TermId id : wk.touched) {
        Worker::TermStat& st = wk.stats[id];
        const std::uint32_t c = binary ? 1u : st.count;
        out.ids.push_back(id);
        out.counts.push_back(c);
        st.df += 1;
        st.tf += c;
        st.count = 0;
      }
      out.row_nnz.push_back(static_cast<std::uint32_t>(wk.touched.size()));
      out.doc_len.push_back(static_cast<std::uint32_t>(wk.ids.size()));
      wk.touched.clear();
    }
    a.chunks[b / a.chunk] = std::move(out);
  });
  return a;
}

/// Maps every worker's local term ids to final columns (-1: not a column).
using Remap = std::vector<std::vector<std::int64_t>>;

template <class T, class I>
Csr<T, I> assemble_typed(const Analysis& a, const Remap& remap, std::size_t n_cols,
                         const WeightingOptions& w, std::span<const double> idf, double avg_len,
                         const RunContext& ctx) {
  Csr<T, I> m;
  std::size_t n_rows = 0;
  for (const auto& c : a.chunks) n_rows += c.row_nnz.size();
  m.rows = n_rows;
  m.cols = n_cols;
  m.indptr.assign(n_rows + 1, 0);
  std::vector<std::size_t> chunk_row0(a.chunks.size() + 1, 0);
  for (std::size_t c = 0; c < a.chunks.size(); ++c)
    chunk_row0[c + 1] = chunk_row0[c] + a.chunks[c].row_nnz.size();
  // Pass 1: row lengths after remapping (when no term was pruned, they are known already).
  bool all_kept = true;
  for (const auto& map : remap)
    for (const std::int64_t col : map) all_kept = all_kept && col >= 0;
  parallel_chunks(a.chunks.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t c = b; c < e; ++c) {
      const ChunkCounts& ch = a.chunks[c];
      const auto& map = remap[ch.worker];
      std::size_t k = 0;
      for (std::size_t r = 0; r < ch.row_nnz.size(); ++r) {
        I nnz = static_cast<I>(ch.row_nnz[r]);
        if (!all_kept) {
          nnz = 0;
          for (std::size_t t = 0; t < ch.row_nnz[r]; ++t) nnz += map[ch.ids[k + t]] >= 0;
        }
        k += ch.row_nnz[r];
        m.indptr[chunk_row0[c] + r + 1] = nnz;
      }
    }
  });
  for (std::size_t r = 0; r < n_rows; ++r) m.indptr[r + 1] += m.indptr[r];
  const auto nnz = static_cast<std::size_t>(m.indptr[n_rows]);
  m.indices.resize(nnz);
  m.data.resize(nnz);
  // Pass 2: sorted columns and weights. A (column, count) pair packs into one integer, so the
  // per-row sort compares plain integers.
  parallel_chunks(a.chunks.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<std::uint64_t> row;
    std::vector<std::int64_t> cols;
    std::vector<double> vals;
    for (std::size_t c = b; c < e; ++c) {
      const ChunkCounts& ch = a.chunks[c];
      const auto& map = remap[ch.worker];
      std::size_t k = 0;
      for (std::size_t r = 0; r < ch.row_nnz.size(); ++r) {
        row.clear();
        for (std::size_t t = 0; t < ch.row_nnz[r]; ++t, ++k) {
          const std::int64_t col = map[ch.ids[k]];
          if (col >= 0) row.push_back((static_cast<std::uint64_t>(col) << 32) | ch.counts[k]);
        }
        std::sort(row.begin(), row.end());
        cols.resize(row.size());
        vals.resize(row.size());
        for (std::size_t j = 0; j < row.size(); ++j) {
          cols[j] = static_cast<std::int64_t>(row[j] >> 32);
          vals[j] = static_cast<double>(row[j] & 0xFFFFFFFFu);
        }
        weight_row(w, cols, vals, idf, ch.doc_len[r], avg_len);
        const std::size_t out = static_cast<std::size_t>(m.indptr[chunk_row0[c] + r]);
        for (std::size_t j = 0; j < row.size(); ++j) {
          m.indices[out + j] = static_cast<I>(cols[j]);
          m.data[out + j] = static_cast<T>(vals[j]);
        }
      }
    }
  });
  return m;
}

CsrAny assemble(const Analysis& a, const Remap& remap, std::size_t n_cols,
                const VectorizerOptions& o, std::span<const double> idf, double avg_len,
                const RunContext& ctx) {
  std::size_t nnz_bound = 0;
  for (const auto& c : a.chunks) nnz_bound += c.ids.size();
  constexpr auto kMax32 = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  const bool small = nnz_bound <= kMax32 && n_cols <= kMax32;
  if (o.float64) {
    if (small) return assemble_typed<double, std::int32_t>(a, remap, n_cols, o.weighting, idf, avg_len, ctx);
    return assemble_typed<double, std::int64_t>(a, remap, n_cols, o.weighting, idf, avg_len, ctx);
  }
  if (small) return assemble_typed<float, std::int32_t>(a, remap, n_cols, o.weighting, idf, avg_len, ctx);
  return assemble_typed<float, std::int64_t>(a, remap, n_cols, o.weighting, idf, avg_len, ctx);
}

/// Columns of each worker's local terms in a fixed vocabulary.
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

double mean_doc_len(const Analysis& a) {
  double total = 0;
  std::size_t n = 0;
  for (const auto& c : a.chunks) {
    for (const auto l : c.doc_len) total += l;
    n += c.doc_len.size();
  }
  return n > 0 ? total / static_cast<double>(n) : 0.0;
}

}  // namespace

CsrAny Vectorizer::fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix) {
  if (docs.size() == 0)
    throw EmptyVocabularyError("cannot fit on an empty corpus: at least one document is needed");
  const bool binary = options_.weighting.binary;
  Analysis a = analyze_all(analyzer_.impl(), docs, ctx, binary);

  FittedState st;
  st.n_docs = static_cast<std::int64_t>(docs.size());
  st.avg_doc_len = mean_doc_len(a);
  Remap remap;
  if (options_.vocabulary) {
    st.vocabulary = Vocabulary(*options_.vocabulary);
    remap = remap_to(a, st.vocabulary);
    st.df.assign(st.vocabulary.size(), 0);
    for (std::size_t w = 0; w < a.workers.size(); ++w)
      for (std::size_t id = 0; id < remap[w].size(); ++id)
        if (remap[w][id] >= 0) st.df[static_cast<std::size_t>(remap[w][id])] += a.workers[w].stats[id].df;
  } else {
    // Merge the workers' term tables into one list of distinct terms that occur.
    detail::StringMap merged;
    std::size_t local_terms = 0;
    for (const Worker& wk : a.workers)
      if (wk.session) local_terms += wk.session->n_terms();
    merged.reserve(a.workers.size() == 1 ? local_terms : local_terms * 3 / 4);
    std::vector<std::int64_t> df, tf;
    std::vector<std::vector<std::uint32_t>> to_merged(a.workers.size());
    for (std::size_t w = 0; w < a.workers.size(); ++w) {
      const Worker& wk = a.workers[w];
      if (!wk.session) continue;
      to_merged[w].assign(wk.session->n_terms(), detail::StringMap::npos);
      for (TermId id = 0; id < wk.session->n_terms(); ++id) {
        if (wk.stats[id].df == 0) continue;  // interned only as part of an n-gram
        const std::string_view t = wk.session->term(id);
        const std::uint64_t h = detail::hash_bytes(t);
        const std::uint32_t* found = merged.find(t, h);
        std::uint32_t g = found != nullptr ? *found : detail::StringMap::npos;
        if (found == nullptr) {
          g = merged.insert(t, h, static_cast<std::uint32_t>(merged.size()));
          df.push_back(0);
          tf.push_back(0);
        }
        df[g] += wk.stats[id].df;
        tf[g] += wk.stats[id].tf;
        to_merged[w][id] = g;
      }
    }
    if (merged.size() == 0)
      throw EmptyVocabularyError("empty vocabulary; perhaps the documents only contain stop words");
    std::vector<std::uint32_t> order(merged.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t x, std::uint32_t y) { return merged.key(x) < merged.key(y); });
    std::vector<std::int64_t> sdf(order.size()), stf(order.size());
    for (std::size_t r = 0; r < order.size(); ++r) {
      sdf[r] = df[order[r]];
      stf[r] = tf[order[r]];
    }
    const std::vector<bool> keep = prune_terms(options_.prune, sdf, stf, st.n_docs);
    std::vector<std::int64_t> column_of_merged(merged.size(), -1);
    std::vector<std::string> terms;
    for (std::size_t r = 0; r < order.size(); ++r) {
      if (!keep[r]) continue;
      column_of_merged[order[r]] = static_cast<std::int64_t>(terms.size());
      terms.emplace_back(merged.key(order[r]));
      st.df.push_back(sdf[r]);
    }
    if (terms.empty())
      throw EmptyVocabularyError(
          "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
    st.vocabulary = Vocabulary(std::move(terms), /*checked_unique=*/true);
    remap.resize(a.workers.size());
    for (std::size_t w = 0; w < a.workers.size(); ++w) {
      remap[w].assign(to_merged[w].size(), -1);
      for (std::size_t id = 0; id < to_merged[w].size(); ++id)
        if (to_merged[w][id] != detail::StringMap::npos) remap[w][id] = column_of_merged[to_merged[w][id]];
    }
  }
  st.idf = compute_idf(options_.weighting, st.df, st.n_docs);
  CsrAny result;
  if (want_matrix)
    result = assemble(a, remap, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);

  state_ = std::move(st);
  return result;
}

void Vectorizer::fit(const Documents& docs, const RunContext& ctx) { fit_impl(docs, ctx, false); }

CsrAny Vectorizer::fit_transform(const Documents& docs, const RunContext& ctx) {
  return fit_impl(docs, ctx, true);
}

CsrAny Vectorizer::transform(const Documents& docs, const RunContext& ctx) const {
  const FittedState& st = state();
  const Analysis a = analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  const Remap remap = remap_to(a, st.vocabulary);
  return assemble(a, remap, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
}

}  // namespace newsim
