// newsim (private) — corpus-driven splitting of closed compounds ("Wasserversorgungsplan" ->
// wass + versorg + plan), the `decompound` option of the analyzer.
//
// The parts come from the fitted corpus itself, not from a dictionary: a string is a known part
// when its stem is a term of the corpus with a document frequency of at least 2 (the
// *lexicon*), it has at least 4 code points, and neither it nor its stem is a stop word. A word
// of at least 8 code points made of letters only is split as a + link + b, with a known and b
// known or split further (at most 4 parts), the links being the German linking elements
// "", s, es, n, en, er, e, ns, ens; among all splits the one whose parts have the largest
// geometric mean of document frequencies wins (Koehn & Knight 2003), the first found on a tie.
// Every occurrence of a split word then counts for its own term and for each part's stem.
//
// The split of a word is a pure function of the word and the lexicon, and the lexicon is a
// function of the merged corpus statistics: fits of parts of a corpus merge exactly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/vocabulary.hpp"
#include "session.hpp"
#include "string_map.hpp"

namespace newsim::detail {

inline constexpr std::size_t kMinPart = 4;            // code points
inline constexpr std::size_t kMinCompound = 2 * kMinPart;
inline constexpr std::size_t kMaxParts = 4;
/// Longer tokens are not words (German's longest dictionary compounds have about 40 letters;
/// "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz" has 63); the bound keeps
/// the quadratic search over a token's substrings small.
inline constexpr std::size_t kMaxCompound = 64;

/// The stem of `s` with `stemmer` (null: `s` itself); long tokens stay unstemmed, as in
/// analysis. The view is valid until the stemmer's next call.
std::string_view stem_with(Stemmer* stemmer, std::string_view s);

/// Whether a normalized token may be split: kMinCompound to kMaxCompound code points, letters
/// only.
[[nodiscard]] bool compound_candidate(std::string_view token) noexcept;

/// The lexicon of corpus statistics (see CompoundLexicon); `entries`, if given, receives each
/// lexicon term's index in `stats`.
CompoundLexicon make_lexicon(const TermStats& stats, const AnalyzerImpl& analyzer,
                             std::vector<std::size_t>* entries = nullptr);

/// A lexicon prepared for splitting: hash lookups, and for German Snowball the tables of its
/// filter. Immutable once built; shared by the splitters of all threads.
struct CompiledLexicon {
  CompiledLexicon(const AnalyzerImpl& analyzer, const CompoundLexicon& lexicon);
  /// Whether this was compiled from `lexicon` (which it keeps alive: no other lexicon can
  /// take its address while this exists).
  [[nodiscard]] bool compiled_from(const CompoundLexicon& lexicon) const noexcept {
    return &vocabulary.terms() == &lexicon.stems.terms();
  }

  Vocabulary vocabulary;        // the lexicon's stems (shared, not copied)
  std::vector<std::int64_t> columns;  // lexicon index -> column of a fitted vocabulary, if set
  StringMap stems;              // stem -> lexicon index
  std::vector<double> log_df;   // by lexicon index
  // German Snowball removes suffixes only, after mapping ä, ö, ü to a, o, u: a stem is a
  // prefix of the word so mapped (its "post form"), and what it drops is a chain of the
  // algorithm's suffixes. So a part can only be known if its post form is a lexicon stem
  // followed by such a chain, which hash lookups check before the (costlier) stemming. The
  // property is tested on every 4+-letter substring of the 10kGNAD vocabulary
  // (test_decompound.cpp), and splits with and without the filter are compared there.
  bool german = false;
  // Every prefix of 3+ code points of a stem, and every stem, as one bit each of their hash in
  // a table small enough for the cache (a set bit may be another string's: the stem bit is
  // confirmed in `stems`; a prefix bit only lets a scan go on).
  std::vector<std::uint64_t> prefix_bits;
  std::vector<std::uint64_t> stem_bits;
  std::uint64_t prefix_mask = 0;
  std::uint64_t stem_mask = 0;
  StringMap suffixes;  // the chains (at most kMaxChain bytes) and their prefixes: 1 = a chain
  static constexpr std::size_t kMaxChain = 14;
  [[nodiscard]] static bool test(const std::vector<std::uint64_t>& bits, std::uint64_t mask,
                                 std::uint64_t h) noexcept {
    const std::uint64_t i = h & mask;
    return ((bits[i >> 6] >> (i & 63)) & 1u) != 0;
  }
};

/// Splits words against a lexicon; memoizes candidate parts across words (bounded). Not
/// thread-safe (one per thread); the analyzer and lexicon must outlive it.
class Decompounder {
 public:
  Decompounder(const AnalyzerImpl& analyzer, const CompiledLexicon& lexicon, bool filter = true);

  /// The parts of `word` (a normalized, unstemmed token) in order, as indices of their stems in
  /// the lexicon; empty when the word is not split. Valid until the next call.
  std::span<const std::uint32_t> split(std::string_view word);
  /// The lexicon index of `word`'s own stem, or -1 when it is not in the lexicon.
  [[nodiscard]] std::int64_t own_stem(std::string_view word) {
    const std::string_view st = stem_with(stemmer_.get(), word);
    const std::uint32_t* k = lex_.stems.find(st, hash_bytes(st));
    return k == nullptr ? -1 : static_cast<std::int64_t>(*k);
  }

 private:
  static constexpr std::uint32_t kUnknown = 0xFFFFFFFFu;
  struct Best {
    bool found = false;
    std::uint8_t n = 0;                    // number of parts
    double log_sum = 0.0;                  // sum of ln(df) over the parts
    std::array<std::uint32_t, kMaxParts> parts{};  // lexicon indices
  };
  /// The lexicon index of the known part spanning code points [from, to) of the word, or
  /// kUnknown.
  std::uint32_t part(std::size_t from, std::size_t to);
  /// German: whether the part [from, to) can be known at all (see CompiledLexicon::german).
  bool may_be_known(std::size_t from, std::size_t to);
  /// The suffix chains that start at code point `at` of the post form, as a bit per length.
  std::uint64_t chains_after(std::size_t at);
  const Best& best_split(std::size_t from, std::size_t depth);

  const AnalyzerImpl& an_;
  const CompiledLexicon& lex_;
  std::unique_ptr<Stemmer> stemmer_;  // null: no stemming
  StringMap parts_;  // candidate part -> lexicon index or kUnknown, across words (bounded)
  bool filter_ = false;
  // Scratch of the current word.
  std::string_view word_;
  std::vector<std::size_t> offsets_;  // byte offset of each code point, then the end
  std::string post_;                  // its post form (when filtering), one code point each
  std::vector<std::size_t> post_offsets_;
  std::vector<std::uint64_t> known_to_;  // by start: bit j = [start, start + j) may be known
  std::vector<bool> known_done_;
  std::vector<std::uint64_t> chains_;    // by position: bit n = the next n code points are a chain
  std::vector<bool> chains_done_;
  std::vector<Best> memo_;            // by from * kMaxParts + depth
  std::vector<bool> done_;
  std::vector<std::uint32_t> result_;
};

}  // namespace newsim::detail
