// newsim (private) — an analysis session: one per worker thread. It caches, per distinct raw
// token, the term it normalizes to, so that the expensive Unicode work (normalization, case
// folding, stemming) runs once per distinct token rather than once per occurrence.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/analyzer.hpp"
#include "segmenter.hpp"
#include "stemmer.hpp"
#include "string_map.hpp"

namespace newsim {

struct AnalyzerImpl {
  AnalyzerOptions options;
  detail::StringSet stop_words;  // normalized
  [[nodiscard]] bool unicode() const noexcept {
    return options.tokenization == Tokenization::unicode;
  }
};

namespace detail {

using TermId = std::uint32_t;
inline constexpr TermId kDropped = 0xFFFFFFFFu;
/// Marks a cached token as a compound candidate (term ids stay below it).
inline constexpr TermId kSurfaceBit = 0x80000000u;

/// A word as the analyzer compares it with its stop words (and a fixed vocabulary's entries
/// with its terms): Unicode tokenization normalizes it (NFKC, case folding if lowercase, accents
/// stripped as configured); regex tokenization takes it as it is.
std::string normalize_word(const AnalyzerImpl& an, std::string_view word);

class Session {
 public:
  explicit Session(const AnalyzerImpl& analyzer);

  /// Appends the ids of `text`'s terms (UTF-8), in scikit-learn's order: unigrams, then bigrams...
  /// With the decompound option, also appends to `surfaces` (if given) the surface id of every
  /// unigram occurrence that is a compound candidate (its term is in `out` as usual).
  void analyze(std::string_view text, std::vector<TermId>& out,
               std::vector<std::uint32_t>* surfaces = nullptr);
  /// Interns a term given verbatim (documents analyzed elsewhere).
  TermId intern(std::string_view term);

  [[nodiscard]] std::string_view term(TermId id) const noexcept { return terms_.key(id); }
  [[nodiscard]] std::size_t n_terms() const noexcept { return terms_.size(); }
  /// Compound candidates (decompound option): normalized, unstemmed tokens, and their terms.
  [[nodiscard]] std::string_view surface(std::uint32_t id) const noexcept { return surfaces_.key(id); }
  [[nodiscard]] TermId surface_term(std::uint32_t id) const noexcept { return surface_term_[id]; }
  [[nodiscard]] std::size_t n_surfaces() const noexcept { return surfaces_.size(); }
  /// Raw tokens (segments) of `text`, before normalization; for inspection.
  void tokens(std::string_view text, std::vector<std::string>& out);

 private:
  std::string_view preprocess_regex(std::string_view text);
  void segment(std::string_view text, std::vector<Segment>& segments);
  void word_terms(std::string_view text, std::vector<TermId>& out);
  void char_terms(std::string_view text, std::vector<TermId>& out);
  TermId lookup(std::string_view raw) { return lookup(raw, hash_bytes(raw)); }
  TermId lookup(std::string_view raw, std::uint64_t h);
  /// lookup() of a raw token of at most 16 bytes, given as its short key.
  TermId lookup_short(std::string_view raw, ShortKey key, std::uint64_t h);
  /// The term id of a raw token, or kDropped, or kSurfaceBit | surface id for a compound
  /// candidate (the raw cache keeps these marked ids; resolve() unmarks them).
  TermId normalize(std::string_view raw);
  TermId resolve(TermId id) {
    if (id < kSurfaceBit || id == kDropped) return id;
    const std::uint32_t s = id & ~kSurfaceBit;
    if (surfaces_out_ != nullptr) surfaces_out_->push_back(s);
    return surface_term_[s];
  }
  TermId ngram(const TermId* ids, std::size_t n);
  /// Appends ngram(i, 2) for every pair of neighbouring unigrams (fetched ahead).
  void bigrams(std::vector<TermId>& out);
  /// Interns the n-gram `ids` (absent from ngrams_, `h` its key's hash) and returns its term.
  TermId new_ngram(const TermId* ids, std::size_t n, std::uint64_t h);
  [[nodiscard]] std::size_t hyphen_between(std::string_view text, const Segment& a,
                                           const Segment& b) const noexcept;

  const AnalyzerImpl& an_;
  UnicodeSegmenter segmenter_;
  std::unique_ptr<Stemmer> stemmer_;  // null: no stemming
  StringMap raw_cache_;  // raw token -> TermId or kDropped
  StringMap terms_;      // term -> (its own index)
  StringMap ngrams_;     // bytes of a TermId sequence -> TermId
  StringMap surfaces_;   // compound candidate -> its own index
  std::vector<TermId> surface_term_;  // by surface index
  std::vector<std::uint32_t>* surfaces_out_ = nullptr;
  std::vector<Segment> segments_;
  struct TokenKey {
    ShortKey key;      // valid for tokens of at most 16 bytes
    std::uint64_t hash;
  };
  std::vector<TokenKey> keys_;
  std::vector<TokenKey> pair_keys_;
  std::vector<TermId> unigrams_;
  std::vector<TermId> extras_;
  std::string buf_a_, buf_b_, buf_c_;
  std::vector<std::size_t> offsets_;
};

}  // namespace detail
}  // namespace newsim
