// newsim — the TF-IDF vectorizer: analysis, vocabulary, weighting; fit, transform, persistence.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/analyzer.hpp"
#include "newsim/parallel.hpp"
#include "newsim/sparse.hpp"
#include "newsim/text.hpp"
#include "newsim/vocabulary.hpp"
#include "newsim/weighting.hpp"

namespace newsim {

namespace detail {
struct ColumnList;
struct CompiledLexicon;
class TermAliases;
}

/// An entry of a fixed vocabulary that can never be counted (see normalize_vocabulary): its
/// column, and the entry quoted with the reason ("'Die' (column 2) is a stop word").
struct VocabularyIssue {
  std::size_t column = 0;
  std::string message;
};

/// Feature hashing instead of a vocabulary, as scikit-learn's HashingVectorizer: a term's column
/// is |h| mod n_features of h = MurmurHash3_x86_32(UTF-8 bytes, seed 0) read as a signed 32-bit
/// integer (h = -2^31 maps to (2^31 - 1 - (n_features - 1)) mod n_features), and with
/// `alternate_sign` its count is added with the sign of h. Colliding terms' counts add up; an
/// entry that cancels to zero stays as an explicit zero, as in scikit-learn.
struct HashingOptions {
  std::size_t n_features = std::size_t{1} << 20;
  bool alternate_sign = true;
};

/// MurmurHash3_x86_32 of `bytes` with `seed`, as a signed integer (scikit-learn's
/// murmurhash3_32(..., positive=False)).
std::int32_t murmurhash3_32(std::string_view bytes, std::uint32_t seed = 0) noexcept;

struct VectorizerOptions {
  AnalyzerOptions analyzer;
  PruneOptions prune;
  WeightingOptions weighting;
  /// A fixed vocabulary (columns in this order); pruning does not apply to it.
  std::optional<std::vector<std::string>> vocabulary;
  bool float64 = false;
  /// Hashing mode: no vocabulary, a stateless transform (unless use_idf: then fit gathers each
  /// column's document frequency), no pruning.
  std::optional<HashingOptions> hashing;
  /// A fixed vocabulary's entries are words, written as the analyzer writes them: the column of
  /// 'Häuser' counts the term 'haus' (and the entry itself, verbatim). Off, entries are terms,
  /// as in scikit-learn (and in models saved before the option existed).
  bool normalize_vocabulary = false;

  /// Every option of a vectorizer once: name, field, rule (see options.hpp). Keyword arguments,
  /// the options dict, differing_option and the model file's option fields come from it.
  void declare(OptionVisitor& v);
  void validate() const;
};

/// The name of the first declared option in which `a` and `b` differ ("" when they are equal),
/// as the Python parameter that sets it is spelled.
std::string differing_option(const VectorizerOptions& a, const VectorizerOptions& b);

/// The input of fit/transform: raw texts, or documents already analyzed into terms elsewhere
/// (a Python analyzer callable). In the latter case document i's terms are
/// texts[term_offsets[i] .. term_offsets[i + 1]).
struct Documents {
  std::span<const TextRef> texts;
  std::span<const std::size_t> term_offsets;  // empty for raw texts
  [[nodiscard]] bool analyzed() const noexcept { return !term_offsets.empty(); }
  [[nodiscard]] std::size_t size() const noexcept {
    return analyzed() ? term_offsets.size() - 1 : texts.size();
  }
};

/// Each document's counts of the terms its analysis gives, before any vocabulary, pruning or
/// weighting: what an archive keeps of its articles so that it can weight them again, exactly as
/// transform would, under a later fitted state (a grown vocabulary, a new idf, a new compound
/// lexicon). Terms are kept as keys (raw_term_key), and with the decompound option the compound
/// candidates as text, because their split depends on the lexicon of the day. Rows are CSR over
/// the tables' ids; counts are occurrences (binary is applied when weighting).
struct RawCounts {
  std::vector<std::uint64_t> term_keys;              // term id -> raw_term_key of the term
  std::vector<std::uint64_t> candidate_keys;         // candidate id -> raw_term_key of its text
  std::vector<std::int64_t> candidate_offsets{0};    // candidate id c: bytes [c], [c + 1]
  std::string candidate_bytes;                       // the candidates' UTF-8 text
  std::vector<std::int64_t> term_ptr{0};             // rows over term ids
  std::vector<std::uint32_t> term_ids;
  std::vector<std::uint32_t> term_counts;
  std::vector<std::int64_t> candidate_ptr{0};        // rows over candidate ids (decompound only)
  std::vector<std::uint32_t> candidate_ids;
  std::vector<std::uint32_t> candidate_counts;
  std::vector<std::uint32_t> doc_len;                // terms analyzed per document (BM25)
};

/// A view of raw counts (RawCounts, or arrays an archive keeps and stores), checked by
/// Vectorizer::transform_raw before use. Without candidates, candidate_ptr may be empty.
struct RawCountsView {
  std::span<const std::uint64_t> term_keys;
  std::span<const std::int64_t> candidate_offsets;
  std::string_view candidate_bytes;
  std::span<const std::int64_t> term_ptr;
  std::span<const std::uint32_t> term_ids;
  std::span<const std::uint32_t> term_counts;
  std::span<const std::int64_t> candidate_ptr;
  std::span<const std::uint32_t> candidate_ids;
  std::span<const std::uint32_t> candidate_counts;
  std::span<const std::uint32_t> doc_len;
  /// Optional: each term id's column in the current vocabulary (-1: none), when the caller
  /// knows them (an archive maps its terms itself); else they are found by key.
  std::span<const std::int64_t> term_columns;
  static RawCountsView of(const RawCounts& r) noexcept;
};

/// The key raw counts keep a term by: a 64-bit hash of its UTF-8 bytes, fixed for good (files
/// store it; a test pins its values).
std::uint64_t raw_term_key(std::string_view term) noexcept;

/// The statistics a fit leaves behind. In hashing mode the vocabulary is empty and df/idf have
/// one entry per hashed column.
struct FittedState {
  Vocabulary vocabulary;
  std::vector<std::int64_t> df;  // per column
  std::vector<double> idf;       // per column
  std::int64_t n_docs = 0;
  double avg_doc_len = 0.0;      // BM25
  /// The known parts of compound splitting (decompound option only).
  std::optional<CompoundLexicon> lexicon;
};

/// Thread safety: readers (transform, analyze, compound_parts, snapshot) may run on one object
/// while a writer (fit, fit_transform, partial_fit, finalize, merge, discard_stats,
/// set_metadata) runs: the fitted state is published whole (std::atomic<std::shared_ptr>), never
/// changed in place, so a reader works on the state it started with, before or after the
/// writer's. Writers, to_bytes, has_stats and metadata take one writer lock: they run one at a
/// time. state(), stats() and compound_stats() hand out references that a writer replaces:
/// use them where no writer runs (snapshot() is the reader's form of state()).
class Vectorizer {
 public:
  explicit Vectorizer(VectorizerOptions options);

  [[nodiscard]] const VectorizerOptions& options() const noexcept { return options_; }
  [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
  /// The columns' names: a fixed vocabulary's entries as given (with normalize_vocabulary a
  /// column may count its entry's alias: state().vocabulary holds the terms counted), else the
  /// fitted terms. Throws NotFittedError before fit.
  [[nodiscard]] std::vector<std::string> feature_names() const;
  /// With normalize_vocabulary: the fixed vocabulary's entries that can never be counted.
  [[nodiscard]] const std::vector<VocabularyIssue>& vocabulary_issues() const noexcept;
  [[nodiscard]] bool fitted() const noexcept { return state_.load() != nullptr; }
  /// Whether transform needs a fit first (false in hashing mode without idf).
  [[nodiscard]] bool needs_fit() const noexcept {
    return !options_.hashing || options_.weighting.use_idf;
  }
  /// Throws NotFittedError before fit. The reference lasts until a writer publishes a new state.
  [[nodiscard]] const FittedState& state() const;
  /// The published fitted state, kept alive by the pointer however writers replace it; throws
  /// NotFittedError before fit.
  [[nodiscard]] std::shared_ptr<const FittedState> snapshot() const;

  void fit(const Documents& docs, const RunContext& ctx);
  CsrAny fit_transform(const Documents& docs, const RunContext& ctx);
  [[nodiscard]] CsrAny transform(const Documents& docs, const RunContext& ctx) const;

  /// The terms of one UTF-8 document as fit and transform count them: the analyzer's terms,
  /// then (once fitted with decompounding) the parts of each split word occurrence.
  [[nodiscard]] std::vector<std::string> analyze(std::string_view utf8) const;

  /// The terms of the parts `word` is split into by decompounding (after the analyzer's
  /// normalization), in order; empty when it is not split or the option is off. Needs a fit.
  [[nodiscard]] std::vector<std::string> compound_parts(std::string_view word) const;

  /// Each document's raw counts (see RawCounts); needs no fit. Throws InvalidOptionError in
  /// hashing mode (hashed rows keep their columns: they are weighted again by scaling).
  [[nodiscard]] RawCounts count_raw(const Documents& docs, const RunContext& ctx) const;
  /// The rows transform gives for the documents whose raw counts these are, under the current
  /// fitted state. Every array is checked first (InvalidOptionError naming it).
  [[nodiscard]] CsrAny transform_raw(const RawCountsView& raw, const RunContext& ctx) const;
  /// Per compound candidate (offsets into bytes, as in RawCounts): a key of the parts it is
  /// split into under the current fit, 0 when none counts (not split, or no part a column). An
  /// archive compares them to find rows whose splits changed as the lexicon grew.
  [[nodiscard]] std::vector<std::uint64_t> split_keys(std::span<const std::int64_t> offsets, std::string_view bytes,
                                                      const RunContext& ctx) const;

  /// Adds the documents' statistics to those gathered so far (by fit, partial_fit or merge):
  /// all or nothing (cancelled or failed, the statistics are unchanged). transform keeps using
  /// the last finalized state until finalize() publishes one with these documents.
  void partial_fit(const Documents& docs, const RunContext& ctx);
  /// Prunes and weights the statistics gathered so far into the fitted state (a no-op when it
  /// is current). Throws EmptyVocabularyError / InvalidOptionError as fit does.
  void finalize();
  /// Whether the fitted state reflects every statistic gathered (false after partial_fit/merge).
  [[nodiscard]] bool finalized() const noexcept { return fitted() && !state_.stale(); }
  /// Changes each time a fitted state is published (a cache of it is current while it does not).
  [[nodiscard]] std::uint64_t state_generation() const noexcept { return state_.generation(); }
  /// Whether the vectorizer holds corpus statistics (partial_fit and merge need them).
  [[nodiscard]] bool has_stats() const;
  /// The corpus statistics behind the fitted state; nullptr before any fit, or for a model read
  /// from a format-1 file (which did not store them).
  [[nodiscard]] const TermStats* stats() const noexcept { return stats_ ? &*stats_ : nullptr; }
  /// With the decompound option: the document frequencies of the compound candidates (letters
  /// only, at least 8 code points, unstemmed), part of the statistics; else nullptr.
  [[nodiscard]] const TermStats* compound_stats() const noexcept {
    return compounds_ ? &*compounds_ : nullptr;
  }
  /// Finalizes, then frees the statistics (a deployed model needs only the fitted state; with
  /// n-grams and pruning the statistics can be ten times its size). partial_fit and merge then
  /// throw.
  void discard_stats();
  /// A vectorizer with the statistics of both (associative and commutative); not finalized.
  /// Throws InvalidOptionError naming the first option in which the two differ.
  [[nodiscard]] Vectorizer merge(const Vectorizer& other) const;

  /// Free-form text saved with the model (the Python layer keeps its parameters there as JSON).
  [[nodiscard]] std::string metadata() const;
  void set_metadata(std::string metadata);

  /// The versioned binary form (see serialization.hpp) and back.
  [[nodiscard]] std::string to_bytes() const;
  static Vectorizer from_bytes(std::string_view bytes);

 private:
  Vectorizer(VectorizerOptions options, FittedState state);
  void require_stats(const char* what) const;
  void finalize_locked();
  CsrAny fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix);
  /// The terms a fit counts (a fixed vocabulary's, with their aliases), or all (nullopt).
  [[nodiscard]] std::optional<Vocabulary> counted_terms() const;
  /// Hashing mode: the matrix (if wanted); with `learn`, adds the documents' per-column
  /// document frequencies to it and weighs with its idf.
  CsrAny hashed(const Documents& docs, const RunContext& ctx, FittedState* learn, bool want_matrix) const;

  VectorizerOptions options_;
  Analyzer analyzer_;
  /// The fitted state readers see, replaced whole; `stale` after partial_fit until finalize.
  class Published {
   public:
    Published() = default;
    explicit Published(FittedState s) : state_(std::make_shared<const FittedState>(std::move(s))) {}
    Published(const Published& o) : state_(o.load()), stale_(o.stale()), generation_(o.generation()) {}
    Published& operator=(const Published& o) {
      if (this != &o) {
        state_.store(o.load());
        stale_.store(o.stale());
        generation_.store(o.generation());
      }
      return *this;
    }
    ~Published() = default;
    [[nodiscard]] std::shared_ptr<const FittedState> load() const { return state_.load(); }
    [[nodiscard]] bool stale() const noexcept { return stale_.load(); }
    /// Counts the states published; it moves after the state does, so that a reader who reads
    /// it first and the state second never pairs a new state with an old count.
    [[nodiscard]] std::uint64_t generation() const noexcept { return generation_.load(); }
    void publish(FittedState s) {
      state_.store(std::make_shared<const FittedState>(std::move(s)));
      stale_.store(false);
      generation_.fetch_add(1);
    }
    void mark_stale() noexcept { stale_.store(true); }

   private:
    std::atomic<std::shared_ptr<const FittedState>> state_;
    std::atomic<bool> stale_{false};
    std::atomic<std::uint64_t> generation_{0};
  };
  /// The writers' lock (a copy of the vectorizer gets its own).
  struct WriterLock {
    mutable std::mutex mutex;
    WriterLock() = default;
    WriterLock(const WriterLock&) {}
    WriterLock& operator=(const WriterLock&) { return *this; }
    ~WriterLock() = default;
  };
  [[nodiscard]] std::unique_lock<std::mutex> lock_writers() const { return std::unique_lock(writers_.mutex); }

  Published state_;
  WriterLock writers_;
  std::optional<TermStats> stats_;
  std::optional<TermStats> compounds_;  // with stats_, when decompounding
  std::string metadata_;
  /// The fitted lexicon compiled for splitting, built on first use and shared by transforms
  /// (compiling takes milliseconds: too much for each one-document transform).
  [[nodiscard]] std::shared_ptr<const detail::CompiledLexicon> compiled_lexicon(const FittedState& st) const;
  /// Each candidate's part columns under `st`.
  [[nodiscard]] detail::ColumnList part_columns(const FittedState& st, std::span<const std::int64_t> offsets,
                                                std::string_view bytes, const RunContext& ctx) const;
  struct CompiledCache {
    mutable std::mutex mutex;
    std::shared_ptr<const detail::CompiledLexicon> compiled;
    CompiledCache() = default;
    CompiledCache(const CompiledCache& o) : compiled(o.get()) {}
    CompiledCache& operator=(const CompiledCache& o) {
      if (this != &o) set(o.get());
      return *this;
    }
    [[nodiscard]] std::shared_ptr<const detail::CompiledLexicon> get() const {
      const std::lock_guard lock(mutex);
      return compiled;
    }
    void set(std::shared_ptr<const detail::CompiledLexicon> c) {
      const std::lock_guard lock(mutex);
      compiled = std::move(c);
    }
  };
  mutable CompiledCache compiled_;
  /// The fixed vocabulary's aliases (normalize_vocabulary), or null.
  std::shared_ptr<const detail::TermAliases> aliases_;
};

}  // namespace newsim
