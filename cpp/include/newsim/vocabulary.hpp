// newsim — the vocabulary: terms by column, with lookup, and the pruning rules of a fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/options.hpp"

namespace newsim {

/// An immutable term list (column i holds term(i)) with hash lookup. Cheap to copy; safe to
/// use from several threads (the lookup table is built once, under std::call_once).
class Vocabulary {
 public:
  Vocabulary();
  /// Throws InvalidOptionError("vocabulary") on a duplicate term, unless the caller vouches
  /// that the terms are distinct (`checked_unique`), as a fit does.
  explicit Vocabulary(std::vector<std::string> terms, bool checked_unique = false);

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] std::string_view term(std::size_t column) const;
  /// The column of `term`, or -1.
  [[nodiscard]] std::int64_t find(std::string_view term) const noexcept;
  [[nodiscard]] const std::vector<std::string>& terms() const noexcept;

 private:
  struct Data;
  std::shared_ptr<const Data> data_;
};

/// The exact corpus statistics of a fit: every distinct term that occurred (in code-point order,
/// which is byte order in UTF-8) with its document frequency and total count, plus the number of
/// documents and of analyzed terms. Statistics of two parts of a corpus merge exactly (merge is
/// associative and commutative), and pruning + idf over merged statistics give the vocabulary of
/// one fit over the whole corpus.
class TermStats {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return df_.size(); }
  [[nodiscard]] std::string_view term(std::size_t i) const noexcept;
  [[nodiscard]] std::span<const std::int64_t> df() const noexcept { return df_; }
  [[nodiscard]] std::span<const std::int64_t> tf() const noexcept { return tf_; }
  [[nodiscard]] std::int64_t n_docs() const noexcept { return n_docs_; }
  /// Terms analyzed over all documents (before pruning): BM25's mean document length.
  [[nodiscard]] std::int64_t n_terms() const noexcept { return n_terms_; }

  /// Appends a term; terms must come in strictly increasing byte order (std::invalid_argument).
  void push_back(std::string_view term, std::int64_t df, std::int64_t tf);
  void add_documents(std::int64_t n_docs, std::int64_t n_terms) noexcept {
    n_docs_ += n_docs;
    n_terms_ += n_terms;
  }
  void reserve(std::size_t n_terms, std::size_t bytes);

  /// The statistics of both parts together (a linear merge of the sorted term lists).
  [[nodiscard]] static TermStats merge(const TermStats& a, const TermStats& b);

  friend bool operator==(const TermStats&, const TermStats&) = default;

 private:
  std::string arena_;
  std::vector<std::uint64_t> ends_;  // term i is arena_[ends_[i-1], ends_[i])
  std::vector<std::int64_t> df_;
  std::vector<std::int64_t> tf_;
  std::int64_t n_docs_ = 0;
  std::int64_t n_terms_ = 0;
};

/// The known parts of compound splitting (the decompound option): the letters-only terms of a
/// corpus with a document frequency of at least 2, stop-word stems excluded, with those
/// frequencies. A function of the corpus statistics, kept with a fitted model.
struct CompoundLexicon {
  Vocabulary stems;
  std::vector<std::int64_t> df;
  friend bool operator==(const CompoundLexicon& a, const CompoundLexicon& b) {
    return a.stems.terms() == b.stems.terms() && a.df == b.df;
  }
};

/// Document-frequency limits, as scikit-learn reads them: an integer bound counts documents, a
/// fractional one is a proportion of the corpus.
struct PruneOptions {
  double min_df = 1.0;
  bool min_df_is_count = true;
  double max_df = 1.0;
  bool max_df_is_count = false;
  /// Keep only the terms with the largest corpus term frequency; ties go to the term that sorts
  /// first (a stable, documented rule).
  std::optional<std::size_t> max_features;
  /// Word n-grams (n >= 2) also need at least this many documents (on top of min_df).
  std::int64_t ngram_min_df = 1;

  /// Each option once: name, field, rule (see options.hpp).
  void declare(OptionVisitor& v);
  void validate() const;
};

/// Which terms survive pruning. `df` and `tf` are per term, `ngram` (empty: none) marks the word
/// n-grams that ngram_min_df applies to; returns a keep mask.
/// Throws InvalidOptionError when max_df corresponds to fewer documents than min_df.
std::vector<bool> prune_terms(const PruneOptions& options, std::span<const std::int64_t> df,
                              std::span<const std::int64_t> tf, std::int64_t n_docs,
                              const std::vector<bool>& ngram = {});

}  // namespace newsim
