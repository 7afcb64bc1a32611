// newsim — the TF-IDF vectorizer: analysis, vocabulary, weighting; fit, transform, persistence.
#pragma once

#include <cstddef>
#include <cstdint>
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

struct VectorizerOptions {
  AnalyzerOptions analyzer;
  PruneOptions prune;
  WeightingOptions weighting;
  /// A fixed vocabulary (columns in this order); pruning does not apply to it.
  std::optional<std::vector<std::string>> vocabulary;
  bool float64 = false;

  void validate() const;
};

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

/// The statistics a fit leaves behind.
struct FittedState {
  Vocabulary vocabulary;
  std::vector<std::int64_t> df;  // per column
  std::vector<double> idf;       // per column
  std::int64_t n_docs = 0;
  double avg_doc_len = 0.0;      // BM25
};

class Vectorizer {
 public:
  explicit Vectorizer(VectorizerOptions options);

  [[nodiscard]] const VectorizerOptions& options() const noexcept { return options_; }
  [[nodiscard]] const Analyzer& analyzer() const noexcept { return analyzer_; }
  [[nodiscard]] bool fitted() const noexcept { return state_.has_value(); }
  /// Throws NotFittedError before fit.
  [[nodiscard]] const FittedState& state() const;

  void fit(const Documents& docs, const RunContext& ctx);
  CsrAny fit_transform(const Documents& docs, const RunContext& ctx);
  [[nodiscard]] CsrAny transform(const Documents& docs, const RunContext& ctx) const;

  /// Free-form text saved with the model (the Python layer keeps its parameters there as JSON).
  [[nodiscard]] const std::string& metadata() const noexcept { return metadata_; }
  void set_metadata(std::string metadata) { metadata_ = std::move(metadata); }

  /// The versioned binary form (see serialization.hpp) and back.
  [[nodiscard]] std::string to_bytes() const;
  static Vectorizer from_bytes(std::string_view bytes);

 private:
  Vectorizer(VectorizerOptions options, FittedState state);
  CsrAny fit_impl(const Documents& docs, const RunContext& ctx, bool want_matrix);

  VectorizerOptions options_;
  Analyzer analyzer_;
  std::optional<FittedState> state_;
  std::string metadata_;
};

}  // namespace newsim
