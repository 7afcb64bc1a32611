// newsim (private) — the compound expansion (decompound option): the one step that gives the
// compound candidates (counted as a stream of their own, counting.hpp) their parts. It acts in
// two places, because the data flow asks for both: before pruning it splits the merged
// candidates against the lexicon and adds their counts to their parts' statistics entries
// (pruning and idf need the parts' frequencies), and after pruning it turns each worker's
// candidates into their parts' columns, which assembly adds to the rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "assembly.hpp"
#include "counting.hpp"
#include "decompound.hpp"
#include "fit_statistics.hpp"

namespace newsim::detail {

/// The splits of compound candidates: candidate e's parts are the statistics entries
/// parts[ptr[e] .. ptr[e + 1]).
struct Splits {
  std::vector<std::size_t> ptr{0};
  std::vector<std::uint32_t> parts;
  std::vector<std::int64_t> own;  // by candidate: the entry of its own term (-1: unknown)
  [[nodiscard]] bool empty() const noexcept { return parts.empty(); }
};

/// The lexicon of a fit's statistics and its candidates' splits against it.
struct CompoundFit {
  CompoundLexicon lexicon;
  Splits splits;
};

/// Splits every entry of `candidates` against the lexicon of `stats` and adds its counts to
/// its parts' entries in `counts` (the counts of `stats`). Every occurrence of a split candidate
/// also counts for its parts; a part's document frequency is estimated as
/// min(n, df(part) + sum of df(candidate) over the distinct candidates split into it): a
/// function of the merged statistics alone, so that fits of parts of a corpus merge exactly
/// (the exact post-split frequency would need every document again).
CompoundFit expand_statistics(const AnalyzerImpl& an, const TermStats& stats, const TermStats& candidates,
                              EntryCounts& counts, const RunContext& ctx);

/// The part columns of every worker's candidates, from the candidates' statistics entries
/// (`entry_of`, by worker), their splits and those entries' columns.
ColumnLists part_columns_fit(const Analysis& a, const std::vector<std::vector<std::uint32_t>>& entry_of,
                             const Splits& splits, std::span<const std::int64_t> column);

/// The part columns of every worker's candidates, split against a fitted lexicon (compiled
/// with its columns).
ColumnLists part_columns_transform(const Analysis& a, const AnalyzerImpl& an, const CompiledLexicon& compiled,
                                   const RunContext& ctx);

}  // namespace newsim::detail
