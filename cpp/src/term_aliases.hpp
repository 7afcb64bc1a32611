// newsim (private) — a fixed vocabulary's entries as the analyzer writes them (the
// normalize_vocabulary option): the entry 'Häuser' has the alias 'haus', 'Künstliche
// Intelligenz' the word pair 'kunstlich intelligenz'. A fit counts entries and aliases, and each
// column then takes one of its two terms (fit_statistics.hpp): the entry where the corpus has it
// verbatim — a fitted vocabulary passed back keeps its terms exactly — else its alias. Every
// later stage (idf, transform, the model file) sees one term per column, as without the option.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "newsim/vectorizer.hpp"
#include "newsim/vocabulary.hpp"
#include "session.hpp"

namespace newsim::detail {

class TermAliases {
 public:
  /// The aliases of `entries` (a fixed vocabulary, in column order) under `analyzer`: an entry's
  /// alias is the term the analyzer makes of it (a word, or the n-gram of its words) where that
  /// differs from the entry and is no other column's (an entry verbatim, or the alias of an
  /// earlier column). Entries that can never be counted — no alias and no way to occur
  /// verbatim — are reported in issues(). The entries must be valid UTF-8 (as
  /// VectorizerOptions::validate checks).
  TermAliases(const AnalyzerImpl& analyzer, const std::vector<std::string>& entries);

  /// The alias of column `column`'s entry ("" when it has none).
  [[nodiscard]] const std::string& alias(std::size_t column) const { return aliases_.at(column); }
  /// The terms a fit counts: the entries (columns 0..n-1), then the aliases there are.
  [[nodiscard]] const Vocabulary& counted() const noexcept { return counted_; }
  [[nodiscard]] const std::vector<VocabularyIssue>& issues() const noexcept { return issues_; }

 private:
  std::vector<std::string> aliases_;  // by column
  Vocabulary counted_;
  std::vector<VocabularyIssue> issues_;
};

}  // namespace newsim::detail
