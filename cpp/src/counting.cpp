#include "counting.hpp"

#include <algorithm>
#include <utility>

namespace newsim::detail {

namespace {

std::size_t chunk_size(std::size_t n_docs, std::size_t n_jobs) {
  // Small enough to balance threads and poll often, large enough to amortize scheduling.
  const std::size_t target = n_docs / std::max<std::size_t>(1, n_jobs * 32);
  return std::clamp<std::size_t>(target, 8, 512);
}

}  // namespace

void Tally::count_document(std::size_t n_ids, bool binary, RowCounts& out) {
  if (stats.size() < n_ids) stats.resize(std::max(n_ids, stats.size() * 2), Stat{0, 0, 0});
  for (const std::uint32_t id : ids)
    if (stats[id].count++ == 0) touched.push_back(id);
  for (const std::uint32_t id : touched) {
    Stat& st = stats[id];
    const std::uint32_t c = binary ? 1u : st.count;
    out.ids.push_back(id);
    out.counts.push_back(c);
    st.df += 1;
    st.tf += c;
    st.count = 0;
  }
  out.row_nnz.push_back(static_cast<std::uint32_t>(touched.size()));
  touched.clear();
}

std::size_t Analysis::n_rows() const noexcept {
  std::size_t n = 0;
  for (const auto& c : chunks) n += c.n_rows();
  return n;
}

std::int64_t Analysis::total_doc_len() const noexcept {
  std::int64_t total = 0;
  for (const auto& c : chunks)
    for (const auto l : c.doc_len) total += l;
  return total;
}

Analysis analyze_all(const AnalyzerImpl& impl, const Documents& docs, const RunContext& ctx, bool binary) {
  Analysis a;
  const std::size_t n = docs.size();
  const bool candidates = impl.options.decompound && !docs.analyzed();
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
      out.terms.ids.reserve(bytes / 12);
      out.terms.counts.reserve(bytes / 12);
    }
    out.terms.row_nnz.reserve(e - b);
    out.doc_len.reserve(e - b);
    for (std::size_t d = b; d < e; ++d) {
      wk.terms.ids.clear();
      if (docs.analyzed()) {
        for (std::size_t t = docs.term_offsets[d]; t < docs.term_offsets[d + 1]; ++t)
          wk.terms.ids.push_back(wk.session->intern(to_utf8(docs.texts[t], wk.buffer, ctx.first_document + d)));
      } else {
        wk.candidates.ids.clear();
        wk.session->analyze(to_utf8(docs.texts[d], wk.buffer, ctx.first_document + d), wk.terms.ids,
                            candidates ? &wk.candidates.ids : nullptr);
      }
      wk.terms.count_document(wk.session->n_terms(), binary, out.terms);
      out.doc_len.push_back(static_cast<std::uint32_t>(wk.terms.ids.size()));
      if (candidates) wk.candidates.count_document(wk.session->n_surfaces(), binary, out.candidates);
    }
    a.chunks[b / a.chunk] = std::move(out);
  });
  return a;
}

void release_sessions(Analysis& a) noexcept {
  for (Worker& wk : a.workers) {
    wk.session.reset();
    wk.terms = {};
    wk.candidates = {};
    wk.buffer = {};
  }
}

}  // namespace newsim::detail
