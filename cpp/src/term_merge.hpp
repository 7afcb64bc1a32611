// newsim (private) — the term merge: the workers' running counts of one stream (counting.hpp)
// merged into corpus statistics (TermStats, in byte order of the term), with each worker's
// local id's entry in them. Statistics of separate fits merge with TermStats::merge.
#pragma once

#include <cstdint>
#include <vector>

#include "counting.hpp"
#include "newsim/vocabulary.hpp"

namespace newsim::detail {

/// The statistics of analyzed documents, and for every worker's local id its entry in them
/// (StringMap::npos: not counted — interned only as part of an n-gram, or outside a fixed
/// vocabulary).
struct Counted {
  TermStats stats;
  std::vector<std::vector<std::uint32_t>> entry_of;
};

/// Merges the workers' counts of `stream` (only the terms of `fixed`, if given) into statistics
/// over all of `a`'s documents.
Counted merge_counts(const Analysis& a, Stream stream, const Vocabulary* fixed, const RunContext& ctx);

/// Statistics over the same documents with no entries (no compound candidates met).
TermStats empty_like(const TermStats& stats);

}  // namespace newsim::detail
