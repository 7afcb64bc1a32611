#include "fit_statistics.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "newsim/errors.hpp"

namespace newsim::detail {

Finalized finalize_stats(const VectorizerOptions& o, const TermStats& stats, const EntryCounts& counts,
                         const TermAliases* aliases) {
  Finalized f;
  FittedState& st = f.state;
  st.n_docs = stats.n_docs();
  st.avg_doc_len = st.n_docs > 0
                       ? static_cast<double>(stats.n_terms()) / static_cast<double>(st.n_docs)
                       : 0.0;
  const std::vector<std::int64_t>& df = counts.df;
  std::vector<std::int64_t>& column = f.column;
  column.assign(stats.size(), -1);
  if (o.vocabulary) {
    std::vector<std::string> terms = *o.vocabulary;
    if (aliases != nullptr) {
      // A column counts its entry if the corpus has it verbatim (a fitted vocabulary passed
      // back keeps its terms), else its alias: a function of the statistics, as pruning is.
      std::vector<bool> verbatim(terms.size(), false);
      for (std::size_t e = 0; e < stats.size(); ++e) {
        const std::int64_t c = aliases->counted().find(stats.term(e));
        if (c >= 0 && static_cast<std::size_t>(c) < terms.size() && df[e] > 0) verbatim[static_cast<std::size_t>(c)] = true;
      }
      for (std::size_t j = 0; j < terms.size(); ++j)
        if (!verbatim[j] && !aliases->alias(j).empty()) terms[j] = aliases->alias(j);
    }
    st.vocabulary = Vocabulary(std::move(terms));
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
    const std::vector<bool> keep = prune_terms(o.prune, df, counts.tf, st.n_docs, ngram);
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

}  // namespace newsim::detail
