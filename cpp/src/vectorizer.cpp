// The Vectorizer: options, state, and the orchestration of the stages — counting
// (counting.hpp), term merge (term_merge.hpp), compound expansion (compound_expansion.hpp,
// decompound option), fit statistics (fit_statistics.hpp), assembly (assembly.hpp); the hashing
// mode is hashing.cpp.
#include "newsim/vectorizer.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "assembly.hpp"
#include "compound_expansion.hpp"
#include "counting.hpp"
#include "decompound.hpp"
#include "fit_statistics.hpp"
#include "newsim/errors.hpp"
#include "session.hpp"
#include "term_aliases.hpp"
#include "term_merge.hpp"

namespace newsim {

using detail::Analysis;
using detail::Counted;
using detail::Session;
using detail::Stream;
using detail::TermId;

namespace {

std::shared_ptr<const detail::TermAliases> aliases_of(const VectorizerOptions& o, const Analyzer& analyzer) {
  if (!o.vocabulary || !o.normalize_vocabulary) return nullptr;
  return std::make_shared<const detail::TermAliases>(analyzer.impl(), *o.vocabulary);
}

}  // namespace

Vectorizer::Vectorizer(VectorizerOptions options)
    : options_((options.validate(), std::move(options))), analyzer_(options_.analyzer) {
  if (options_.vocabulary) Vocabulary check(*options_.vocabulary);  // rejects duplicates now
  aliases_ = aliases_of(options_, analyzer_);
}

Vectorizer::Vectorizer(VectorizerOptions options, FittedState state)
    : options_(std::move(options)),
      analyzer_(options_.analyzer),
      state_(std::move(state)),
      aliases_(aliases_of(options_, analyzer_)) {}

std::optional<Vocabulary> Vectorizer::counted_terms() const {
  // Decompounding splits words against the corpus's terms (its lexicon), not just the
  // vocabulary's: with a fixed vocabulary too, a fit counts every term.
  if (!options_.vocabulary || options_.analyzer.decompound) return std::nullopt;
  return aliases_ ? aliases_->counted() : Vocabulary(*options_.vocabulary);
}

std::vector<std::string> Vectorizer::feature_names() const {
  const auto current = snapshot();
  return options_.vocabulary ? *options_.vocabulary : current->vocabulary.terms();
}

const std::vector<VocabularyIssue>& Vectorizer::vocabulary_issues() const noexcept {
  static const std::vector<VocabularyIssue> none;
  return aliases_ ? aliases_->issues() : none;
}

std::shared_ptr<const FittedState> Vectorizer::snapshot() const {
  auto s = state_.load();
  if (!s) throw NotFittedError("This vectorizer is not fitted yet; call fit first.");
  return s;
}

const FittedState& Vectorizer::state() const { return *snapshot(); }  // state_ keeps it alive

bool Vectorizer::has_stats() const {
  const auto lock = lock_writers();
  return stats_.has_value();
}

std::string Vectorizer::metadata() const {
  const auto lock = lock_writers();
  return metadata_;
}

void Vectorizer::set_metadata(std::string metadata) {
  const auto lock = lock_writers();
  metadata_ = std::move(metadata);
}

namespace {
/// A last look for Ctrl-C before a writer commits: after it, nothing cancels.
void last_poll(const RunContext& ctx, std::size_t n) {
  if (ctx.monitor != nullptr && !ctx.monitor->poll(n, n)) throw Cancelled();
}
}  // namespace

namespace {

/// A fitted state with each statistics entry's column, and the compound candidates' splits
/// (decompounding only), which the matrix of a fit needs.
struct Fit {
  detail::Finalized finalized;
  detail::Splits splits;
};

/// The fitted state of `stats` and, with decompounding, of `candidates` (the compound
/// candidates' statistics): the compound expansion adds the candidates' counts to their parts'
/// entries, then the fit statistics stage prunes and weights.
Fit fit_state(const VectorizerOptions& o, const AnalyzerImpl& an, const detail::TermAliases* aliases,
              const TermStats& stats, const TermStats* candidates, const RunContext& ctx) {
  detail::EntryCounts counts(stats);
  std::optional<CompoundLexicon> lexicon;
  Fit fit;
  if (o.analyzer.decompound) {
    if (candidates != nullptr) {
      detail::CompoundFit x = detail::expand_statistics(an, stats, *candidates, counts, ctx);
      lexicon = std::move(x.lexicon);
      fit.splits = std::move(x.splits);
    } else {
      lexicon = CompoundLexicon{};
    }
  }
  fit.finalized = detail::finalize_stats(o, stats, counts, aliases);
  fit.finalized.state.lexicon = std::move(lexicon);
  return fit;
}

}  // namespace

CsrAny Vectorizer::fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix) {
  if (docs.size() == 0)
    throw EmptyVocabularyError("cannot fit on an empty corpus: at least one document is needed");
  const auto lock = lock_writers();
  if (options_.hashing) {
    if (!options_.weighting.use_idf) return want_matrix ? hashed(docs, ctx, nullptr, true) : CsrAny{};
    FittedState st;
    CsrAny m = hashed(docs, ctx, &st, want_matrix);
    last_poll(ctx, docs.size());
    state_.publish(std::move(st));
    return m;
  }
  Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  const std::optional<Vocabulary> fixed = counted_terms();
  Counted c = merge_counts(a, Stream::terms, fixed ? &*fixed : nullptr, ctx);
  std::optional<Counted> cand;  // compound candidates
  if (options_.analyzer.decompound && !docs.analyzed())
    cand = merge_counts(a, Stream::candidates, nullptr, ctx);
  Fit fit = fit_state(options_, analyzer_.impl(), aliases_.get(), c.stats, cand ? &cand->stats : nullptr, ctx);
  FittedState& st = fit.finalized.state;
  CsrAny result;
  if (want_matrix) {
    const detail::Remap remap = detail::remap_entries(c.entry_of, fit.finalized.column);
    c.entry_of = {};
    detail::ColumnLists parts;
    if (cand && !fit.splits.empty())
      parts = detail::part_columns_fit(a, cand->entry_of, fit.splits, fit.finalized.column);
    if (cand) cand->entry_of = {};
    detail::release_sessions(a);
    result = detail::assemble(a, remap, parts, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
  }
  last_poll(ctx, docs.size());
  state_.publish(std::move(st));
  stats_ = std::move(c.stats);
  if (cand) compounds_ = std::move(cand->stats);
  else if (options_.analyzer.decompound) compounds_ = detail::empty_like(*stats_);
  else compounds_.reset();
  return result;
}

void Vectorizer::partial_fit(const Documents& docs, const RunContext& ctx) {
  const auto lock = lock_writers();
  require_stats("partial_fit");
  if (docs.size() == 0) return;
  if (options_.hashing) {  // the per-column document frequencies are the statistics
    if (!options_.weighting.use_idf) return;
    const auto current = state_.load();
    FittedState st = current ? *current : FittedState{};
    (void)hashed(docs, ctx, &st, false);
    last_poll(ctx, docs.size());
    state_.publish(std::move(st));
    return;
  }
  // Everything is computed aside and committed at the end, after the last look for Ctrl-C:
  // interrupted or failed, the statistics are as they were.
  const Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  const std::optional<Vocabulary> fixed = counted_terms();
  Counted c = merge_counts(a, Stream::terms, fixed ? &*fixed : nullptr, ctx);
  std::optional<TermStats> compounds;
  if (options_.analyzer.decompound) {
    TermStats cand = docs.analyzed() ? detail::empty_like(c.stats) : merge_counts(a, Stream::candidates, nullptr, ctx).stats;
    compounds = compounds_ ? TermStats::merge(*compounds_, cand) : std::move(cand);
  }
  TermStats stats = stats_ ? TermStats::merge(*stats_, c.stats) : std::move(c.stats);
  last_poll(ctx, docs.size());
  stats_ = std::move(stats);
  if (compounds) compounds_ = std::move(compounds);
  state_.mark_stale();
}

void Vectorizer::finalize() {
  const auto lock = lock_writers();
  finalize_locked();
}

void Vectorizer::finalize_locked() {
  if ((fitted() && !state_.stale()) || (options_.hashing && !options_.weighting.use_idf)) return;
  if (!stats_) throw NotFittedError("This vectorizer is not fitted yet; call fit or partial_fit first.");
  state_.publish(fit_state(options_, analyzer_.impl(), aliases_.get(), *stats_, compounds_ ? &*compounds_ : nullptr, RunContext{})
                     .finalized.state);
}

void Vectorizer::discard_stats() {
  const auto lock = lock_writers();
  finalize_locked();
  stats_.reset();
  compounds_.reset();
}

void Vectorizer::require_stats(const char* what) const {
  if (fitted() && !stats_ && !options_.hashing)
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
    m.metadata_ = metadata();
    if (!options_.weighting.use_idf) return m;
    const auto mine = state_.load();
    const auto theirs = other.state_.load();
    if (!mine || !theirs)
      throw NotFittedError("cannot merge a vectorizer that has seen no documents; fit or partial_fit it first");
    FittedState st = *mine;
    for (std::size_t c = 0; c < st.df.size(); ++c) st.df[c] += theirs->df[c];
    st.n_docs += theirs->n_docs;
    st.idf = compute_idf(options_.weighting, st.df, st.n_docs);
    m.state_.publish(std::move(st));
    return m;
  }
  // Both statistics read under their writers' locks (std::scoped_lock orders the two).
  std::unique_lock<std::mutex> mine(writers_.mutex, std::defer_lock);
  std::unique_lock<std::mutex> theirs(other.writers_.mutex, std::defer_lock);
  if (this == &other) mine.lock();
  else std::lock(mine, theirs);
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

std::shared_ptr<const detail::CompiledLexicon> Vectorizer::compiled_lexicon(const FittedState& st) const {
  const CompoundLexicon& lex = *st.lexicon;
  if (auto c = compiled_.get(); c && c->compiled_from(lex)) return c;
  auto c = std::make_shared<detail::CompiledLexicon>(analyzer_.impl(), lex);
  c->columns.resize(lex.stems.size());
  for (std::size_t k = 0; k < c->columns.size(); ++k) c->columns[k] = st.vocabulary.find(lex.stems.term(k));
  compiled_.set(c);  // two threads may both compile once; either result is the same
  return c;
}

std::vector<std::string> Vectorizer::analyze(std::string_view utf8) const {
  const auto st = state_.load();
  if (!options_.analyzer.decompound || !st || !st->lexicon) return analyzer_.analyze(utf8);
  Session session(analyzer_.impl());
  std::vector<TermId> ids;
  std::vector<std::uint32_t> surfaces;
  std::string buf;
  session.analyze(to_utf8(TextRef::utf8(utf8), buf, 0), ids, &surfaces);
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const TermId id : ids) out.emplace_back(session.term(id));
  const auto compiled = compiled_lexicon(*st);
  detail::Decompounder dec(analyzer_.impl(), *compiled);
  for (const std::uint32_t sid : surfaces)
    for (const std::uint32_t p : dec.split(session.surface(sid))) out.emplace_back(st->lexicon->stems.term(p));
  return out;
}

std::vector<std::string> Vectorizer::compound_parts(std::string_view word) const {
  const auto current = snapshot();
  const FittedState& st = *current;
  std::vector<std::string> out;
  if (!options_.analyzer.decompound || !st.lexicon) return out;
  Session session(analyzer_.impl());
  std::vector<TermId> ids;
  std::vector<std::uint32_t> surfaces;
  std::string buf;
  session.analyze(to_utf8(TextRef::utf8(word), buf, 0), ids, &surfaces);
  if (surfaces.size() != 1 || ids.size() != 1) return out;  // not one candidate word
  const auto compiled = compiled_lexicon(st);
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
    if (needs_fit()) (void)snapshot();
    return hashed(docs, ctx, nullptr, true);
  }
  const auto current = snapshot();  // the state this transform uses, whatever writers publish
  const FittedState& st = *current;
  Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, options_.weighting.binary);
  const detail::Remap remap = detail::remap_to(a, st.vocabulary);
  detail::ColumnLists parts;
  if (options_.analyzer.decompound && !docs.analyzed() && st.lexicon && st.lexicon->stems.size() > 0)
    parts = detail::part_columns_transform(a, analyzer_.impl(), *compiled_lexicon(st), ctx);
  detail::release_sessions(a);
  return detail::assemble(a, remap, parts, st.vocabulary.size(), options_, st.idf, st.avg_doc_len, ctx);
}

}  // namespace newsim
