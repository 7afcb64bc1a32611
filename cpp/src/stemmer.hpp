// newsim (private) — a Snowball stemmer (libstemmer) over UTF-8 words.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct sb_stemmer;

namespace newsim::detail {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const noexcept;
};

/// Stems UTF-8 words with one Snowball algorithm. Where libstemmer also has the algorithm
/// generated for ISO-8859-1 and it gives the same stems (English, French, German, ...: see
/// kLatin1Same in stemmer.cpp), words whose code points are all below U+0100 go through that
/// variant: the same rules on one byte per letter, ~30 % faster than the UTF-8 variant's
/// decoding (German, the 78k distinct words of 10kGNAD x 10: 570 against 790 ns per word).
/// Other words and languages use the UTF-8 algorithm. Not thread-safe: one per thread.
class Stemmer {
 public:
  /// Throws InvalidOptionError("stemmer") when libstemmer has no such algorithm.
  explicit Stemmer(const std::string& language);

  /// The stem of `word`; words over kMaxBytes stay unstemmed (Snowball's replacements move the
  /// rest of the word, quadratic in its length, and no word is that long). The view is valid
  /// until the next call.
  std::string_view stem(std::string_view word);

  /// The UTF-8 algorithm alone (the reference the faster path is tested against).
  std::string_view stem_utf8(std::string_view word);

  static constexpr std::size_t kMaxBytes = 256;

 private:
  std::unique_ptr<sb_stemmer, StemmerDeleter> utf8_;
  std::unique_ptr<sb_stemmer, StemmerDeleter> latin1_;  // null: no ISO-8859-1 variant
  std::string in_;   // the word in ISO-8859-1
  std::string out_;  // its stem back in UTF-8
};

/// The stemmer for `language`, or null when it is empty (no stemming).
std::unique_ptr<Stemmer> make_stemmer(const std::string& language);

}  // namespace newsim::detail
