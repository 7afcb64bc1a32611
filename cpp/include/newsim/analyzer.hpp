// newsim — the analyzer: one UTF-8 document in, its terms out.
//
// Two tokenizations:
//  * Tokenization::unicode — Unicode word segmentation (UAX #29, ICU's word break rules; a fast
//    path for Latin/Greek/Cyrillic text gives the same segments), then per token NFKC with full
//    case folding (or plain NFKC), optional accent stripping, minimum length, stop words and a
//    Snowball stemmer.
//  * Tokenization::regex_word — scikit-learn's default `token_pattern` `(?u)\b\w\w+\b` exactly as
//    Python's `re` reads it (maximal runs of Python word characters, at least `min_word_run`
//    long), after scikit-learn's preprocessing (`str.lower()`, then accent stripping).
// Word n-grams (joined by one space) and character n-grams (`char`, `char_wb`) follow
// scikit-learn's definitions.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/options.hpp"

namespace newsim {

enum class AnalyzerKind { word, chars, chars_wb };
enum class Tokenization { unicode, regex_word };
enum class AccentStrip { none, unicode, ascii };
/// How hyphenated compounds such as "KI-Infrastruktur" are emitted (unicode tokenization only):
/// `split`: the parts only (UAX #29); `whole`: the compound only; `both`: the compound and parts.
enum class Compounds { split, whole, both };

struct AnalyzerOptions {
  AnalyzerKind analyzer = AnalyzerKind::word;
  Tokenization tokenization = Tokenization::unicode;
  bool lowercase = true;
  AccentStrip strip_accents = AccentStrip::none;
  /// Stop words, normalized by the analyzer exactly as document tokens are before comparison.
  std::vector<std::string> stop_words;
  /// A Snowball algorithm name ("german", "english", ...) or empty for no stemming.
  std::string stemmer;
  /// Tokens shorter than this many code points (after normalization) are dropped.
  std::size_t min_token_len = 1;
  /// regex_word: the minimum length of a run of word characters (2 for `\w\w+`).
  std::size_t min_word_run = 2;
  std::size_t ngram_min = 1;
  std::size_t ngram_max = 1;
  Compounds compounds = Compounds::split;
  /// Split closed compounds into parts known from the fitted corpus (see the vectorizer): the
  /// analyzer marks the candidates (letters only, at least 8 code points); word analyzer with
  /// unicode tokenization only.
  bool decompound = false;

  /// Each option once: name, field, rule (see options.hpp).
  void declare(OptionVisitor& v);
  /// Throws InvalidOptionError naming the first invalid option.
  void validate() const;
};

/// Names of the Snowball algorithms available to `AnalyzerOptions::stemmer`.
std::vector<std::string> stemmer_languages();

/// The Unicode version of the Python whose `\w` the scikit-learn mode emulates (Python's `re`
/// follows its own unicodedata, which may be older than ICU's data): code points assigned
/// after it are not word characters. Call it before the first analysis (the Python module does
/// at import); later calls have no effect. Default: no limit (ICU's version).
void set_python_unicode_version(unsigned major, unsigned minor) noexcept;

struct AnalyzerImpl;  // defined in the implementation: ICU and Snowball stay out of this header

/// An immutable, validated analyzer; cheap to copy, safe to share between threads.
class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options);

  [[nodiscard]] const AnalyzerOptions& options() const noexcept;

  /// The terms of one UTF-8 document in order (for inspection and tests; the vectorizer uses a
  /// cached, allocation-free path that yields the same terms).
  [[nodiscard]] std::vector<std::string> analyze(std::string_view utf8) const;

  /// The raw tokens (segments before normalization) of one UTF-8 document.
  [[nodiscard]] std::vector<std::string> tokenize(std::string_view utf8) const;

  [[nodiscard]] const AnalyzerImpl& impl() const noexcept { return *impl_; }

 private:
  std::shared_ptr<const AnalyzerImpl> impl_;
};

}  // namespace newsim
