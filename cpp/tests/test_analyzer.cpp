#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "newsim/analyzer.hpp"
#include "newsim/errors.hpp"

using namespace newsim;
using V = std::vector<std::string>;

namespace {
Analyzer unicode_analyzer(AnalyzerOptions o = {}) { return Analyzer(std::move(o)); }
Analyzer sklearn_analyzer(AnalyzerOptions o = {}) {
  o.tokenization = Tokenization::regex_word;
  return Analyzer(std::move(o));
}
}  // namespace

TEST(Analyzer, CaseFoldingJoinsSharpS) {
  const auto a = unicode_analyzer();
  EXPECT_EQ(a.analyze("Stra\xC3\x9F" "e STRASSE strasse"), (V{"strasse", "strasse", "strasse"}));
  AnalyzerOptions o;
  o.lowercase = false;
  EXPECT_EQ(unicode_analyzer(o).analyze("Stra\xC3\x9F" "e"), (V{"Stra\xC3\x9F" "e"}));
}

TEST(Analyzer, NfkcNormalizesLigaturesAndFullWidth) {
  const auto a = unicode_analyzer();
  EXPECT_EQ(a.analyze("\xEF\xAC\x81nden \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3"), (V{"finden", "abc"}));
  // Decomposed umlaut composes: one term with the precomposed form.
  EXPECT_EQ(a.analyze("Ka\xCC\x88se K\xC3\xA4se"), (V{"k\xC3\xA4se", "k\xC3\xA4se"}));
}

TEST(Analyzer, HyphenatedCompounds) {
  const std::string text = "KI-Infrastruktur-Initiative";
  AnalyzerOptions o;
  EXPECT_EQ(unicode_analyzer(o).analyze(text), (V{"ki", "infrastruktur", "initiative"}));
  o.compounds = Compounds::whole;
  EXPECT_EQ(unicode_analyzer(o).analyze(text), (V{"ki-infrastruktur-initiative"}));
  o.compounds = Compounds::both;
  EXPECT_EQ(unicode_analyzer(o).analyze(text),
            (V{"ki", "infrastruktur", "initiative", "ki-infrastruktur-initiative"}));
  // A hyphen with spaces around it is a dash, not a compound.
  EXPECT_EQ(unicode_analyzer(o).analyze("USA - China"), (V{"usa", "china"}));
}

TEST(Analyzer, ApostrophesNumbersUrls) {
  const auto a = unicode_analyzer();
  EXPECT_EQ(a.analyze("geht's Trump\xE2\x80\x99s 1.000.000 3,5 2025/26"),
            (V{"geht's", "trump\xE2\x80\x99s", "1.000.000", "3,5", "2025", "26"}));
  EXPECT_EQ(a.analyze("https://www.derstandard.at/story"),
            (V{"https", "www.derstandard.at", "story"}));
}

TEST(Analyzer, EmojiDroppedCjkKept) {
  const auto a = unicode_analyzer();
  EXPECT_EQ(a.analyze("KI \xF0\x9F\xA4\x96 boomt"), (V{"ki", "boomt"}));
  EXPECT_EQ(a.analyze("\xE4\xB8\xAD\xE5\x9B\xBD"), (V{"\xE4\xB8\xAD\xE5\x9B\xBD"}));  // 中国
}

TEST(Analyzer, StopWordsAreNormalizedLikeTokens) {
  AnalyzerOptions o;
  o.stop_words = {"F\xC3\x9CR", "Die"};  // FÜR, Die
  EXPECT_EQ(unicode_analyzer(o).analyze("Die Chips f\xC3\xBCr DIE USA"), (V{"chips", "usa"}));
}

TEST(Analyzer, GermanStemmingAndMinLength) {
  AnalyzerOptions o;
  o.stemmer = "german";
  o.min_token_len = 2;
  EXPECT_EQ(unicode_analyzer(o).analyze("Die Investitionen investiert a"),
            (V{"die", "investition", "investiert"}));
  o.stemmer = "klingon";
  EXPECT_THROW(unicode_analyzer(o), InvalidOptionError);
}

TEST(Analyzer, AccentStripping) {
  AnalyzerOptions o;
  o.strip_accents = AccentStrip::unicode;
  EXPECT_EQ(unicode_analyzer(o).analyze("K\xC3\xA4se caf\xC3\xA9"), (V{"kase", "cafe"}));
}

TEST(Analyzer, WordNgramsJoinWithOneSpaceAndSpanStopWords) {
  AnalyzerOptions o;
  o.ngram_min = 1;
  o.ngram_max = 2;
  o.stop_words = {"und"};
  EXPECT_EQ(unicode_analyzer(o).analyze("China und USA"), (V{"china", "usa", "china usa"}));
  o.ngram_min = 2;
  o.ngram_max = 3;
  EXPECT_EQ(unicode_analyzer(o).analyze("a b c"), (V{"a b", "b c", "a b c"}));
}

TEST(Analyzer, CharNgramsFollowScikitLearn) {
  AnalyzerOptions o;
  o.analyzer = AnalyzerKind::chars_wb;
  o.ngram_min = 2;
  o.ngram_max = 3;
  // scikit-learn: " ab " -> " a", "ab", "b ", " ab", "ab "; a short word counts once.
  EXPECT_EQ(sklearn_analyzer(o).analyze("ab"), (V{" a", "ab", "b ", " ab", "ab "}));
  o.ngram_min = 5;
  o.ngram_max = 6;
  EXPECT_EQ(sklearn_analyzer(o).analyze("ab"), (V{" ab "}));
  o.analyzer = AnalyzerKind::chars;
  o.ngram_min = 1;
  o.ngram_max = 2;
  EXPECT_EQ(sklearn_analyzer(o).analyze("a  b"), (V{"a", " ", "b", "a ", " b"}));
}

TEST(Analyzer, RegexModeIsPythonsWordPattern) {
  const auto a = sklearn_analyzer();
  // \w\w+: single characters vanish, '_' and digits are word characters, str.lower().
  EXPECT_EQ(a.analyze("A bc_1 K\xC3\x84SE x-ray"), (V{"bc_1", "k\xC3\xA4se", "ray"}));
  // İ lowers to i + U+0307 (not a word character in Python), splitting the token.
  EXPECT_EQ(a.analyze("\xC4\xB0stanbul"), (V{"stanbul"}));
  // Final sigma as Python lowers it.
  EXPECT_EQ(a.analyze("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3"), (V{"\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82"}));
}

TEST(Analyzer, InvalidOptionsNameTheOption) {
  AnalyzerOptions o;
  o.ngram_min = 3;
  o.ngram_max = 2;
  try {
    unicode_analyzer(o);
    FAIL();
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "ngram_range");
  }
}

TEST(Analyzer, HugeTokensCostLinearTime) {
  // A 10 MB word of umlauts: Snowball would take quadratic time on it, so it stays unstemmed.
  AnalyzerOptions o;
  o.stemmer = "german";
  std::string word;
  for (int i = 0; i < 5'000'000; ++i) word += "\xC3\xA4";
  const auto terms = unicode_analyzer(o).analyze(word);
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].size(), word.size());
}
