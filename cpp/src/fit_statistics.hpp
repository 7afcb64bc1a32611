// newsim (private) — the fit statistics stage: corpus statistics pruned and weighted into the
// fitted state (vocabulary, document frequencies, idf), with each statistics entry's column.
#pragma once

#include <cstdint>
#include <vector>

#include "newsim/vectorizer.hpp"
#include "term_aliases.hpp"
#include "newsim/vocabulary.hpp"

namespace newsim::detail {

/// The counts that pruning and weighting read, by statistics entry: the statistics' own, to
/// which an expansion step (compound_expansion.hpp) may add.
struct EntryCounts {
  explicit EntryCounts(const TermStats& stats)
      : df(stats.df().begin(), stats.df().end()), tf(stats.tf().begin(), stats.tf().end()) {}
  std::vector<std::int64_t> df;
  std::vector<std::int64_t> tf;
};

/// A fitted state (its lexicon left unset) and each statistics entry's column (-1: pruned).
struct Finalized {
  FittedState state;
  std::vector<std::int64_t> column;
};

/// Prunes the entries of `stats` by `counts` (unless the vocabulary is fixed) and weights the
/// kept ones. A fixed vocabulary with `aliases` (normalize_vocabulary) gives each column the
/// term it counts: its entry where `stats` has it, else the entry's alias (if it has one).
/// Throws EmptyVocabularyError when no term is left.
Finalized finalize_stats(const VectorizerOptions& o, const TermStats& stats, const EntryCounts& counts,
                         const TermAliases* aliases);

}  // namespace newsim::detail
