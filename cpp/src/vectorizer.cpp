#include "newsim/vectorizer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <utility>

#include "assembly.hpp"
#include "decompound.hpp"
#include "newsim/errors.hpp"
#include "session.hpp"
#include "term_merge.hpp"

namespace newsim {

using detail::Analysis;
using detail::ChunkCounts;
using detail::Counted;
using detail::Session;
using detail::Stream;
using detail::TermId;
using detail::Worker;

void VectorizerOptions::validate() const {
  analyzer.validate();
  prune.validate();
  weighting.validate();
  if (vocabulary && vocabulary->empty())
    throw InvalidOptionError("vocabulary", "empty vocabulary passed to fit");
  if (hashing) {
    if (hashing->n_features < 1 || hashing->n_features > 0x7FFFFFFFu)
      throw InvalidOptionError("n_features", "n_features must be an int in the range [1, 2**31 - 1], got " +
                                                 std::to_string(hashing->n_features) + ".");
    if (vocabulary) throw InvalidOptionError("vocabulary", "a fixed vocabulary cannot be used with hashing");
    if (weighting.scheme != Scheme::tfidf)
      throw InvalidOptionError("weighting", "hashing supports weighting='tfidf' only");
    if (analyzer.decompound)
      throw InvalidOptionError("decompound", "decompound needs a fitted vocabulary; it cannot be used with hashing");
  }
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

/// The splits of compound candidates: candidate e's parts are the statistics entries
/// parts[ptr[e] .. ptr[e + 1]).
struct Splits {
  std::vector<std::size_t> ptr{0};
  std::vector<std::uint32_t> parts;
  std::vector<std::int64_t> own;  // by candidate: the entry of its own term (-1: unknown)
  [[nodiscard]] bool empty() const noexcept { return parts.empty(); }
};

/// The part columns of every worker's compound candidates, from the candidates' statistics
/// entries (`entry_of`), their splits into statistics entries and those entries' columns.
detail::ColumnLists part_columns_fit(const Analysis& a, const std::vector<std::vector<std::uint32_t>>& entry_of,
                           const Splits& splits, std::span<const std::int64_t> column) {
  detail::ColumnLists out(a.workers.size());
  for (std::size_t w = 0; w < a.workers.size(); ++w) {
    if (!a.workers[w].session) continue;
    detail::ColumnList& pc = out[w];
    for (const std::uint32_t e : entry_of[w]) {
      if (e != detail::StringMap::npos)
        for (std::size_t k = splits.ptr[e]; k < splits.ptr[e + 1]; ++k)
          if (const std::int64_t col = column[splits.parts[k]]; col >= 0) pc.cols.push_back(col);
      pc.ptr.push_back(pc.cols.size());
    }
  }
  return out;
}

/// The part columns of every worker's compound candidates, split against a fitted lexicon
/// (compiled with its columns).
detail::ColumnLists part_columns_transform(const Analysis& a, const AnalyzerImpl& an,
                                 const detail::CompiledLexicon& compiled, const RunContext& ctx) {
  const std::vector<std::int64_t>& lex_col = compiled.columns;
  detail::ColumnLists out(a.workers.size());
  parallel_chunks(a.workers.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    detail::Decompounder dec(an, compiled);
    for (std::size_t w = b; w < e; ++w) {
      const Worker& wk = a.workers[w];
      if (!wk.session) continue;
      detail::ColumnList& pc = out[w];
      for (std::uint32_t sid = 0; sid < wk.session->n_surfaces(); ++sid) {
        for (const std::uint32_t p : dec.split(wk.session->surface(sid)))
          if (lex_col[p] >= 0) pc.cols.push_back(lex_col[p]);
        pc.ptr.push_back(pc.cols.size());
      }
    }
  });
  return out;
}

/// Splits every compound candidate of `compounds` against the lexicon of `stats`, in parallel.
Splits split_candidates(const AnalyzerImpl& an, const CompoundLexicon& lex,
                        std::span<const std::size_t> lex_entry, const TermStats& compounds,
                        const RunContext& ctx) {
  const std::size_t n = compounds.size();
  constexpr std::size_t kChunk = 2048;
  std::vector<Splits> chunks((n + kChunk - 1) / kChunk);
  // One splitter per worker: its cache of candidate parts serves all the worker's chunks.
  const detail::CompiledLexicon compiled(an, lex);
  std::vector<std::unique_ptr<detail::Decompounder>> decs(workers_for(n, kChunk, ctx));
  parallel_chunks(n, kChunk, ctx, [&](std::size_t w, std::size_t b, std::size_t e) {
    if (!decs[w]) decs[w] = std::make_unique<detail::Decompounder>(an, compiled);
    detail::Decompounder& dec = *decs[w];
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

/// Prunes and weights statistics into a fitted state; also returns each statistics entry's
/// column (-1: pruned) and, when decompounding, the candidates' splits.
struct Finalized {
  FittedState state;
  std::vector<std::int64_t> column;
  Splits splits;
};

Finalized finalize_stats(const VectorizerOptions& o, const AnalyzerImpl& an, const TermStats& stats,
                         const TermStats* compounds, const RunContext& ctx) {
  Finalized f;
  FittedState& st = f.state;
  st.n_docs = stats.n_docs();
  st.avg_doc_len = st.n_docs > 0
                       ? static_cast<double>(stats.n_terms()) / static_cast<double>(st.n_docs)
                       : 0.0;
  // Decompounding: every occurrence of a split candidate also counts for its parts. A part's
  // document frequency is estimated as min(n, df(part) + sum of df(candidate) over the distinct
  // candidates split into it): a function of the merged statistics alone, so that fits of parts
  // of a corpus merge exactly (the exact post-split frequency would need every document again).
  std::vector<std::int64_t> df(stats.df().begin(), stats.df().end());
  std::vector<std::int64_t> tf(stats.tf().begin(), stats.tf().end());
  if (o.analyzer.decompound && compounds != nullptr) {
    std::vector<std::size_t> lex_entry;
    st.lexicon = detail::make_lexicon(stats, an, &lex_entry);
    f.splits = split_candidates(an, *st.lexicon, lex_entry, *compounds, ctx);
    std::vector<std::uint32_t> seen;
    for (std::size_t e = 0; e < compounds->size(); ++e) {
      seen.clear();
      for (std::size_t k = f.splits.ptr[e]; k < f.splits.ptr[e + 1]; ++k) {
        const std::uint32_t q = f.splits.parts[k];
        tf[q] += compounds->tf()[e];
        // A part that is the word's own term (entscheidende -> entscheid + end) already counts
        // the word's documents.
        if (static_cast<std::int64_t>(q) == f.splits.own[e]) continue;
        if (std::find(seen.begin(), seen.end(), q) != seen.end()) continue;
        seen.push_back(q);
        df[q] = std::min(st.n_docs, df[q] + compounds->df()[e]);
      }
    }
  } else if (o.analyzer.decompound) {
    st.lexicon = CompoundLexicon{};
  }
  std::vector<std::int64_t>& column = f.column;
  column.assign(stats.size(), -1);
  if (o.vocabulary) {
    st.vocabulary = Vocabulary(*o.vocabulary);
    st.df.assign(st.vocabulary.size(), 0);
    for (std::size_t e = 0; e < stats.size(); ++e) {
      column[e] = st.vocabulary.find(stats.term(e));
      if (column[e] >= 0) st.df[static_cast<std::size_t>(column[e])] = df[e];
    }
  } else {
    if (stats.size() == 0)
      throw EmptyVocabularyError("empty vocabulary; perhaps the documents only contain stop words");
    std::vector<bool> ngram;
    if (o.prune.ngram_min_df > 1 && o.analyzer.analyzer == AnalyzerKind::word) {
      // Word n-grams are their words joined by one space, which no word contains.
      ngram.resize(stats.size());
      for (std::size_t e = 0; e < stats.size(); ++e)
        ngram[e] = stats.term(e).find(' ') != std::string_view::npos;
    }
    const std::vector<bool> keep = prune_terms(o.prune, df, tf, st.n_docs, ngram);
    const auto n_kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), true));
    std::vector<std::string> terms;
    terms.reserve(n_kept);
    st.df.reserve(n_kept);
    for (std::size_t e = 0; e < stats.size(); ++e) {
      if (!keep[e]) continue;
      column[e] = static_cast<std::int64_t>(terms.size());
      terms.emplace_back(stats.term(e));
      st.df.push_back(df[e]);
    }
    if (terms.empty())
      throw EmptyVocabularyError(
          "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
    st.vocabulary = Vocabulary(std::move(terms), /*checked_unique=*/true);
  }
  st.idf = compute_idf(o.weighting, st.df, st.n_docs);
  return f;
}

}  // namespace

CsrAny Vectorizer::fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix) {
  if (docs.size() == 0)
    throw EmptyVocabularyError("cannot fit on an empty corpus: at least one document is needed");
  if (options_.hashing) {
    if (!options_.weighting.use_idf) return want_matrix ? hashed(docs, ctx, nullptr, true) : CsrAny{};
    FittedState st;
    CsrAny m = hashed(docs, ctx, &st, want_matrix);
    state_ = std::move(st);
    return m;
  }
  Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  std::optional<Vocabulary> fixed;
  if (options_.vocabulary) fixed.emplace(*options_.vocabulary);
  Counted c = merge_counts(a, Stream::terms, fixed ? &*fixed : nullptr, ctx);
  std::optional<Counted> cand;  // compound candidates
  if (options_.analyzer.decompound && !docs.analyzed())
    cand = merge_counts(a, Stream::candidates, nullptr, ctx);
  Finalized f = finalize_stats(options_, analyzer_.impl(), c.stats, cand ? &cand->stats : nullptr, ctx);
  FittedState& st = f.state;
  CsrAny result;
  if (want_matrix) {
    const detail::Remap remap = detail::remap_entries(c.entry_of, f.column);
    c.entry_of = {};
    detail::ColumnLists parts;
    if (cand && !f.splits.empty()) parts = part_columns_fit(a, cand->entry_of, f.splits, f.column);
    if (cand) cand->entry_of = {};
    detail::release_sessions(a);
    result = detail::assemble(a, remap, parts, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
  }
  state_ = std::move(st);
  stats_ = std::move(c.stats);
  if (cand) compounds_ = std::move(cand->stats);
  else if (options_.analyzer.decompound) compounds_ = detail::empty_like(*stats_);
  return result;
}

void Vectorizer::partial_fit(const Documents& docs, const RunContext& ctx) {
  require_stats("partial_fit");
  if (docs.size() == 0) return;
  if (options_.hashing) {  // the per-column document frequencies are the statistics
    if (!options_.weighting.use_idf) return;
    FittedState st = state_ ? *state_ : FittedState{};
    (void)hashed(docs, ctx, &st, false);
    state_ = std::move(st);
    return;
  }
  const Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  std::optional<Vocabulary> fixed;
  if (options_.vocabulary) fixed.emplace(*options_.vocabulary);
  Counted c = merge_counts(a, Stream::terms, fixed ? &*fixed : nullptr, ctx);
  if (options_.analyzer.decompound) {
    TermStats cand = docs.analyzed() ? detail::empty_like(c.stats) : merge_counts(a, Stream::candidates, nullptr, ctx).stats;
    compounds_ = compounds_ ? TermStats::merge(*compounds_, cand) : std::move(cand);
  }
  stats_ = stats_ ? TermStats::merge(*stats_, c.stats) : std::move(c.stats);
  state_.reset();
}

void Vectorizer::finalize() {
  if (state_ || (options_.hashing && !options_.weighting.use_idf)) return;
  if (!stats_) throw NotFittedError("This vectorizer is not fitted yet; call fit or partial_fit first.");
  state_ = finalize_stats(options_, analyzer_.impl(), *stats_, compounds_ ? &*compounds_ : nullptr,
                          RunContext{})
               .state;
}

void Vectorizer::discard_stats() {
  finalize();
  stats_.reset();
  compounds_.reset();
}

void Vectorizer::require_stats(const char* what) const {
  if (state_ && !stats_ && !options_.hashing)
    throw InvalidOptionError(what, std::string("this model has no corpus statistics (it was read "
                                               "from a format-1 file, or they were discarded); ") +
                                       what + " needs them: fit it again");
}

Vectorizer Vectorizer::merge(const Vectorizer& other) const {
  const std::string name = differing_option(options_, other.options_);
  if (!name.empty())
    throw InvalidOptionError(name, "cannot merge vectorizers whose option '" + name + "' differs");
  if (options_.hashing) {
    Vectorizer m(options_);
    m.metadata_ = metadata_;
    if (!options_.weighting.use_idf) return m;
    if (!state_ || !other.state_)
      throw NotFittedError("cannot merge a vectorizer that has seen no documents; fit or partial_fit it first");
    FittedState st = *state_;
    for (std::size_t c = 0; c < st.df.size(); ++c) st.df[c] += other.state_->df[c];
    st.n_docs += other.state_->n_docs;
    st.idf = compute_idf(options_.weighting, st.df, st.n_docs);
    m.state_ = std::move(st);
    return m;
  }
  require_stats("merge");
  other.require_stats("merge");
  if (!stats_ || !other.stats_)
    throw NotFittedError("cannot merge a vectorizer that has seen no documents; fit or partial_fit it first");
  Vectorizer m(options_);
  m.stats_ = TermStats::merge(*stats_, *other.stats_);
  if (compounds_ && other.compounds_) m.compounds_ = TermStats::merge(*compounds_, *other.compounds_);
  m.metadata_ = metadata_;
  return m;
}

std::string differing_option(const VectorizerOptions& x, const VectorizerOptions& y) {
  const AnalyzerOptions& a = x.analyzer;
  const AnalyzerOptions& b = y.analyzer;
  if (a.analyzer != b.analyzer) return "analyzer";
  if (a.tokenization != b.tokenization) return "token_pattern";
  if (a.lowercase != b.lowercase) return "lowercase";
  if (a.strip_accents != b.strip_accents) return "strip_accents";
  if (a.stop_words != b.stop_words) return "stop_words";
  if (a.stemmer != b.stemmer) return "stemmer";
  if (a.min_token_len != b.min_token_len) return "min_token_len";
  if (a.min_word_run != b.min_word_run) return "token_pattern";
  if (a.ngram_min != b.ngram_min || a.ngram_max != b.ngram_max) return "ngram_range";
  if (a.compounds != b.compounds) return "compounds";
  if (a.decompound != b.decompound) return "decompound";
  const PruneOptions& p = x.prune;
  const PruneOptions& q = y.prune;
  if (p.min_df != q.min_df || p.min_df_is_count != q.min_df_is_count) return "min_df";
  if (p.max_df != q.max_df || p.max_df_is_count != q.max_df_is_count) return "max_df";
  if (p.max_features != q.max_features) return "max_features";
  if (p.ngram_min_df != q.ngram_min_df) return "ngram_min_df";
  const WeightingOptions& v = x.weighting;
  const WeightingOptions& w = y.weighting;
  if (v.scheme != w.scheme) return "weighting";
  if (v.binary != w.binary) return "binary";
  if (v.use_idf != w.use_idf) return "use_idf";
  if (v.smooth_idf != w.smooth_idf) return "smooth_idf";
  if (v.sublinear_tf != w.sublinear_tf) return "sublinear_tf";
  if (v.norm != w.norm) return "norm";
  if (v.k1 != w.k1) return "k1";
  if (v.b != w.b) return "b";
  if (x.vocabulary != y.vocabulary) return "vocabulary";
  if (x.float64 != y.float64) return "dtype";
  if (x.hashing.has_value() != y.hashing.has_value()) return "n_features";
  if (x.hashing) {
    if (x.hashing->n_features != y.hashing->n_features) return "n_features";
    if (x.hashing->alternate_sign != y.hashing->alternate_sign) return "alternate_sign";
  }
  return "";
}

std::shared_ptr<const detail::CompiledLexicon> Vectorizer::compiled_lexicon() const {
  const FittedState& st = state();
  const CompoundLexicon& lex = *st.lexicon;
  if (auto c = compiled_.get(); c && c->compiled_from(lex)) return c;
  auto c = std::make_shared<detail::CompiledLexicon>(analyzer_.impl(), lex);
  c->columns.resize(lex.stems.size());
  for (std::size_t k = 0; k < c->columns.size(); ++k) c->columns[k] = st.vocabulary.find(lex.stems.term(k));
  compiled_.set(c);  // two threads may both compile once; either result is the same
  return c;
}

std::vector<std::string> Vectorizer::analyze(std::string_view utf8) const {
  if (!options_.analyzer.decompound || !state_ || !state_->lexicon) return analyzer_.analyze(utf8);
  Session session(analyzer_.impl());
  std::vector<TermId> ids;
  std::vector<std::uint32_t> surfaces;
  std::string buf;
  session.analyze(to_utf8(TextRef::utf8(utf8), buf, 0), ids, &surfaces);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const TermId id : ids) out.emplace_back(session.term(id));
  const auto compiled = compiled_lexicon();
  detail::Decompounder dec(analyzer_.impl(), *compiled);
  for (const std::uint32_t sid : surfaces)
    for (const std::uint32_t p : dec.split(session.surface(sid))) out.emplace_back(state_->lexicon->stems.term(p));
  return out;
}

std::vector<std::string> Vectorizer::compound_parts(std::string_view word) const {
  const FittedState& st = state();
  std::vector<std::string> out;
  if (!options_.analyzer.decompound || !st.lexicon) return out;
  Session session(analyzer_.impl());
  std::vector<TermId> ids;
  std::vector<std::uint32_t> surfaces;
  std::string buf;
  session.analyze(to_utf8(TextRef::utf8(word), buf, 0), ids, &surfaces);
  if (surfaces.size() != 1 || ids.size() != 1) return out;  // not one candidate word
  const auto compiled = compiled_lexicon();
  detail::Decompounder dec(analyzer_.impl(), *compiled);
  for (const std::uint32_t p : dec.split(session.surface(surfaces[0])))
    out.emplace_back(st.lexicon->stems.term(p));
  return out;
}

void Vectorizer::fit(const Documents& docs, const RunContext& ctx) { fit_impl(docs, ctx, false); }

CsrAny Vectorizer::fit_transform(const Documents& docs, const RunContext& ctx) {
  return fit_impl(docs, ctx, true);
}

CsrAny Vectorizer::transform(const Documents& docs, const RunContext& ctx) const {
  if (options_.hashing) {
    if (needs_fit()) (void)state();
    return hashed(docs, ctx, nullptr, true);
  }
  const FittedState& st = state();
  Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  const detail::Remap remap = detail::remap_to(a, st.vocabulary);
  detail::ColumnLists parts;
  if (options_.analyzer.decompound && !docs.analyzed() && st.lexicon && st.lexicon->stems.size() > 0)
    parts = part_columns_transform(a, analyzer_.impl(), *compiled_lexicon(), ctx);
  detail::release_sessions(a);
  return detail::assemble(a, remap, parts, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
}

}  // namespace newsim
