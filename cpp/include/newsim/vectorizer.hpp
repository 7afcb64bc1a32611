// newsim — the TF-IDF vectorizer: analysis, vocabulary, weighting; fit, transform, persistence.
#pragma once

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
struct CompiledLexicon;
}

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

/// Thread safety: the const members (transform, state, stats, to_bytes, analyzer, metadata)
/// may run concurrently on one object; fit, fit_transform, partial_fit, finalize,
/// discard_stats and set_metadata need exclusive access (as any std container).
class Vectorizer {
 public:
  explicit Vectorizer(VectorizerOptions options);

  [[nodiscard]] const VectorizerOptions& options() const noexcept { return options_; }
  [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
  [[nodiscard]] bool fitted() const noexcept { return state_.has_value(); }
  /// Whether transform needs a fit first (false in hashing mode without idf).
  [[nodiscard]] bool needs_fit() const noexcept {
    return !options_.hashing || options_.weighting.use_idf;
  }
  /// Throws NotFittedError before fit.
  [[nodiscard]] const FittedState& state() const;

  void fit(const Documents& docs, const RunContext& ctx);
  CsrAny fit_transform(const Documents& docs, const RunContext& ctx);
  [[nodiscard]] CsrAny transform(const Documents& docs, const RunContext& ctx) const;

  /// The terms of one UTF-8 document as fit and transform count them: the analyzer's terms,
  /// then (once fitted with decompounding) the parts of each split word occurrence.
  [[nodiscard]] std::vector<std::string> analyze(std::string_view utf8) const;

  /// The terms of the parts `word` is split into by decompounding (after the analyzer's
  /// normalization), in order; empty when it is not split or the option is off. Needs a fit.
  [[nodiscard]] std::vector<std::string> compound_parts(std::string_view word) const;

  /// Adds the documents' statistics to those gathered so far (by fit, partial_fit or merge).
  /// The vectorizer then needs finalize() before it can transform.
  void partial_fit(const Documents& docs, const RunContext& ctx);
  /// Prunes and weights the statistics gathered so far into the fitted state (a no-op when it
  /// is current). Throws EmptyVocabularyError / InvalidOptionError as fit does.
  void finalize();
  /// Whether the fitted state reflects every statistic gathered (false after partial_fit/merge).
  [[nodiscard]] bool finalized() const noexcept { return state_.has_value(); }
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
  [[nodiscard]] const std::string& metadata() const noexcept { return metadata_; }
  void set_metadata(std::string metadata) { metadata_ = std::move(metadata); }

  /// The versioned binary form (see serialization.hpp) and back.
  [[nodiscard]] std::string to_bytes() const;
  static Vectorizer from_bytes(std::string_view bytes);

 private:
  Vectorizer(VectorizerOptions options, FittedState state);
  void require_stats(const char* what) const;
  CsrAny fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix);
  /// Hashing mode: the matrix (if wanted); with `learn`, adds the documents' per-column
  /// document frequencies to it and weighs with its idf.
  CsrAny hashed(const Documents& docs, const RunContext& ctx, FittedState* learn, bool want_matrix) const;

  VectorizerOptions options_;
  Analyzer analyzer_;
  std::optional<FittedState> state_;
  std::optional<TermStats> stats_;
  std::optional<TermStats> compounds_;  // with stats_, when decompounding
  std::string metadata_;
  /// The fitted lexicon compiled for splitting, built on first use and shared by transforms
  /// (compiling takes milliseconds: too much for each one-document transform).
  [[nodiscard]] std::shared_ptr<const detail::CompiledLexicon> compiled_lexicon() const;
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
};

}  // namespace newsim
