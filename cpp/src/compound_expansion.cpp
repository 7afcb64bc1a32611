#include "compound_expansion.hpp"

#include <algorithm>
#include <memory>

namespace newsim::detail {

namespace {

/// Splits every compound candidate of `compounds` against `lex` (whose stems are the statistics
/// entries `lex_entry`), in parallel.
Splits split_candidates(const AnalyzerImpl& an, const CompoundLexicon& lex,
                        std::span<const std::size_t> lex_entry, const TermStats& compounds,
                        const RunContext& ctx) {
  const std::size_t n = compounds.size();
  constexpr std::size_t kChunk = 2048;
  std::vector<Splits> chunks((n + kChunk - 1) / kChunk);
  // One splitter per worker: its cache of candidate parts serves all the worker's chunks.
  const CompiledLexicon compiled(an, lex);
  std::vector<std::unique_ptr<Decompounder>> decs(workers_for(n, kChunk, ctx));
  parallel_chunks(n, kChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
    if (!decs[w]) decs[w] = std::make_unique<Decompounder>(an, compiled);
    Decompounder& dec = *decs[w];
    Splits& out = chunks[b / kChunk];
    out.ptr.reserve(e - b + 1);
    for (std::size_t i = b; i < e; ++i) {
      const std::span<const std::uint32_t> parts = dec.split(compounds.term(i));
      for (const std::uint32_t p : parts) out.parts.push_back(static_cast<std::uint32_t>(lex_entry[p]));
      out.ptr.push_back(out.parts.size());
      std::int64_t own = -1;
      if (!parts.empty())
        if (const std::int64_t k = dec.own_stem(compounds.term(i)); k >= 0)
          own = static_cast<std::int64_t>(lex_entry[static_cast<std::size_t>(k)]);
      out.own.push_back(own);
    }
  });
  Splits all;
  all.ptr.reserve(n + 1);
  for (const Splits& c : chunks) {
    const std::size_t base = all.parts.size();
    for (std::size_t k = 1; k < c.ptr.size(); ++k) all.ptr.push_back(base + c.ptr[k]);
    all.parts.insert(all.parts.end(), c.parts.begin(), c.parts.end());
    all.own.insert(all.own.end(), c.own.begin(), c.own.end());
  }
  return all;
}

}  // namespace

CompoundFit expand_statistics(const AnalyzerImpl& an, const TermStats& stats, const TermStats& candidates,
                              EntryCounts& counts, const RunContext& ctx) {
  CompoundFit x;
  std::vector<std::size_t> lex_entry;
  x.lexicon = make_lexicon(stats, an, &lex_entry);
  x.splits = split_candidates(an, x.lexicon, lex_entry, candidates, ctx);
  const std::int64_t n_docs = stats.n_docs();
  std::vector<std::uint32_t> seen;
  for (std::size_t e = 0; e < candidates.size(); ++e) {
    seen.clear();
    for (std::size_t k = x.splits.ptr[e]; k < x.splits.ptr[e + 1]; ++k) {
      const std::uint32_t q = x.splits.parts[k];
      counts.tf[q] += candidates.tf()[e];
      // A part that is the word's own term (entscheidende -> entscheid + end) already counts
      // the word's documents.
      if (static_cast<std::int64_t>(q) == x.splits.own[e]) continue;
      if (std::find(seen.begin(), seen.end(), q) != seen.end()) continue;
      seen.push_back(q);
      counts.df[q] = std::min(n_docs, counts.df[q] + candidates.df()[e]);
    }
  }
  return x;
}

ColumnLists part_columns_fit(const Analysis& a, const std::vector<std::vector<std::uint32_t>>& entry_of,
                             const Splits& splits, std::span<const std::int64_t> column) {
  ColumnLists out(a.workers.size());
  for (std::size_t w = 0; w < a.workers.size(); ++w) {
    if (!a.workers[w].session) continue;
    ColumnList& pc = out[w];
    for (const std::uint32_t e : entry_of[w]) {
      if (e != StringMap::npos)
        for (std::size_t k = splits.ptr[e]; k < splits.ptr[e + 1]; ++k)
          if (const std::int64_t col = column[splits.parts[k]]; col >= 0) pc.cols.push_back(col);
      pc.ptr.push_back(pc.cols.size());
    }
  }
  return out;
}

ColumnLists part_columns_transform(const Analysis& a, const AnalyzerImpl& an, const CompiledLexicon& compiled,
                                   const RunContext& ctx) {
  const std::vector<std::int64_t>& lex_col = compiled.columns;
  ColumnLists out(a.workers.size());
  parallel_chunks(a.workers.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    Decompounder dec(an, compiled);
    for (std::size_t w = b; w < e; ++w) {
      const Worker& wk = a.workers[w];
      if (!wk.session) continue;
      ColumnList& pc = out[w];
      for (std::uint32_t sid = 0; sid < wk.session->n_surfaces(); ++sid) {
        for (const std::uint32_t p : dec.split(wk.session->surface(sid)))
          if (lex_col[p] >= 0) pc.cols.push_back(lex_col[p]);
        pc.ptr.push_back(pc.cols.size());
      }
    }
  });
  return out;
}

}  // namespace newsim::detail
