// The fast word segmenter must give exactly ICU's segments wherever it applies.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../src/segmenter.hpp"
#include "newsim/text.hpp"

using namespace newsim;
using newsim::detail::Segment;
using newsim::detail::UnicodeSegmenter;

namespace {

std::vector<std::string> words(const std::string& text, const std::vector<Segment>& segs) {
  std::vector<std::string> out;
  for (const auto& s : segs) out.push_back(text.substr(s.begin, s.end - s.begin));
  return out;
}

std::vector<std::string> icu_words(UnicodeSegmenter& seg, const std::string& text) {
  std::vector<Segment> out;
  seg.segment_icu(text, out);
  return words(text, out);
}

}  // namespace

TEST(Segmenter, GermanEdgeCases) {
  UnicodeSegmenter seg;
  std::vector<Segment> out;
  const std::string text =
      "Die KI-Infrastruktur-Initiative \xE2\x80\x9E" "Stargate\xE2\x80\x9C kostet 1.000,50 "
      "\xE2\x82\xAC, z.B. f\xC3\xBCr Trump\xE2\x80\x99s Stra\xC3\x9F" "e; geht's? x@y.de";
  seg.segment(text, out);
  const std::vector<std::string> expected = {
      "Die", "KI", "Infrastruktur", "Initiative", "Stargate", "kostet", "1.000,50", "z.B",
      "f\xC3\xBCr", "Trump\xE2\x80\x99s", "Stra\xC3\x9F" "e", "geht's", "x@y.de"};
  EXPECT_EQ(words(text, out), expected);
  EXPECT_EQ(words(text, out), icu_words(seg, text));
}

TEST(Segmenter, UrlsEmojiAndCjk) {
  UnicodeSegmenter seg;
  std::vector<Segment> out;
  std::string text = "https://www.example.com/x?y=1";
  seg.segment(text, out);
  EXPECT_EQ(words(text, out), (std::vector<std::string>{"https", "www.example.com", "x", "y", "1"}));
  text = "gut \xF0\x9F\x99\x82 ok";  // emoji are not words
  EXPECT_FALSE(seg.segment_fast(text, out));
  seg.segment(text, out);
  EXPECT_EQ(words(text, out), (std::vector<std::string>{"gut", "ok"}));
  text = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";  // 日本語: dictionary segmentation
  seg.segment(text, out);
  EXPECT_EQ(words(text, out), (std::vector<std::string>{text}));
}

TEST(Segmenter, CombiningMarksAndSoftHyphenStayInWords) {
  UnicodeSegmenter seg;
  std::vector<Segment> out;
  const std::string text = "Ka\xCC\x88se Infra\xC2\xAD" "struktur a_b";  // decomposed ä, soft hyphen
  ASSERT_TRUE(seg.segment_fast(text, out));
  EXPECT_EQ(words(text, out), (std::vector<std::string>{"Ka\xCC\x88se", "Infra\xC2\xAD" "struktur", "a_b"}));
  EXPECT_EQ(words(text, out), icu_words(seg, text));
}

TEST(Segmenter, FastPathEqualsIcuOnRandomStrings) {
  UnicodeSegmenter seg;
  // An alphabet heavy in the characters whose rules matter: letters, digits, middle
  // characters, connectors, marks, format characters, and a few that force the ICU path.
  const std::vector<std::string> alphabet = {
      "a", "B", "z", "\xC3\xA4", "\xC3\x9F", "\xCE\xB1", "\xD0\x96", "1", "9", "\xD9\xA3",
      ".", ",", ";", ":", "'", "\xE2\x80\x99", "\xC2\xB7", "_", "\xE2\x80\xBF", "-", " ", "\n",
      "\r", "@", "\xCC\x88", "\xC2\xAD", "\xE2\x80\x8B", "\xE2\x80\x9E", "/", "%", "\xE2\x82\xAC",
      "\t", "\xEF\xBC\xA1", "\xE2\x80\x8D", "\xE3\x81\x82", "\xF0\x9F\x99\x82", "\xD7\x90", "\"",
      "\xE2\x80\xA4", "\xEF\xB9\x92", "\xC2\xA0", "$", "\xE2\x80\xA2"};
  std::mt19937 rng(12345);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(1, 12);
  int covered = 0;
  for (int trial = 0; trial < 40000; ++trial) {
    std::string s;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) s += alphabet[pick(rng)];
    std::vector<Segment> fast;
    if (seg.segment_fast(s, fast)) {
      ++covered;
      ASSERT_EQ(words(s, fast), icu_words(seg, s)) << "text: [" << s << "]";
    }
  }
  EXPECT_GT(covered, 5000);
}

TEST(Segmenter, FastPathEqualsIcuOnLongRandomStrings) {
  // Long enough for the 64-byte blocks, without the characters that force the ICU path, so
  // that words cross block boundaries and meet every kind of byte at every position.
  UnicodeSegmenter seg;
  const std::vector<std::string> alphabet = {
      "a", "Wort", "B", "z", "ab", "Strasse", "\xC3\xA4", "\xC3\x9F", "\xC3\x84", "\xC3\x97",
      "\xC3\xB7", "\xCE\xB1", "\xD0\x96", "\xC5\x82", "1", "9", "2024", ".", ",", ";", ":", "'",
      "\xE2\x80\x99", "\xC2\xB7", "_", "\xE2\x80\xBF", "-", " ", " ", " ", "\n", "\r", "@",
      "\xCC\x88", "\xC2\xAD", "\xE2\x80\x8B", "\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x93", "/",
      "%", "\xE2\x82\xAC", "\t", "\"", "\xE2\x80\xA4", "\xC2\xA0", "$", "\xE2\x80\xA2", "(", ")",
      "\xC2\xAA", "\xC2\xB5", "\xD9\xA3"};
  std::mt19937 rng(2024);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(20, 160);
  std::uniform_int_distribution<int> plain(0, 3);
  int covered = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string s;
    const int n = len(rng);
    const bool mostly_plain = plain(rng) != 0;  // long runs of letters and spaces
    for (int k = 0; k < n; ++k) {
      const std::size_t a = pick(rng);
      s += mostly_plain && a % 4 != 0 ? (a % 2 == 0 ? std::string("Wort") : std::string(" ")) : alphabet[a];
    }
    std::vector<Segment> fast;
    if (seg.segment_fast(s, fast)) {
      ++covered;
      ASSERT_EQ(words(s, fast), icu_words(seg, s)) << "text: [" << s << "]";
    }
  }
  EXPECT_GT(covered, 8000);
}

TEST(Segmenter, FastPathEqualsIcuOnTheGermanCorpus) {
  const char* dir = std::getenv("NEWSIM_DATA_DIR");
  if (dir == nullptr) GTEST_SKIP() << "NEWSIM_DATA_DIR is not set (make test sets it)";
  std::ifstream in(std::string(dir) + "/10kgnad_test.csv", std::ios::binary);
  if (!in) GTEST_SKIP() << "10kgnad_test.csv not found in " << dir;
  UnicodeSegmenter seg;
  std::string line;
  int lines = 0;
  int fast_lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    std::vector<Segment> fast;
    if (seg.segment_fast(line, fast)) {
      ++fast_lines;
      ASSERT_EQ(words(line, fast), icu_words(seg, line)) << "line " << lines;
    }
  }
  EXPECT_EQ(lines, 1028);
  EXPECT_GT(fast_lines, 900);  // the fast path must cover almost all German news
}
