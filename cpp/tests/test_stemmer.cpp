#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "../src/stemmer.hpp"
#include "newsim/analyzer.hpp"
#include "newsim/errors.hpp"

using newsim::detail::Stemmer;

namespace {

// Letters of the Latin-1 range (with their UTF-8 bytes) and a few beyond it (the fallback).
const std::vector<std::string> kLetters = {
    "a", "b", "c", "d", "e", "g", "i", "k", "l", "m", "n", "o", "r", "s", "t", "u", "y", "z",
    "\xC3\xA4", "\xC3\xB6", "\xC3\xBC", "\xC3\x9F", "\xC3\xA9", "\xC3\xA8", "\xC3\xA0", "\xC3\xA7",
    "\xC3\xB1", "\xC3\xA5", "\xC3\xB8", "\xC3\xA6", "\xC3\xAD", "\xC3\xB3", "\xC3\xBA", "\xC3\xAA",
    "\xC3\xAF", "\xC3\xBF", "\xC2\xB5", "'", "1"};
const std::vector<std::string> kBeyond = {"\xC5\x93", "\xC4\x9F", "\xD0\xB0", "\xE2\x82\xAC"};
// Endings the Snowball rules of the Latin-1 languages remove or rewrite.
const std::vector<std::string> kEndings = {
    "", "en", "ern", "er", "es", "s", "e", "ung", "heit", "lich", "isch", "igkeit", "end",
    "ing", "ed", "ness", "ational", "ization", "ies", "ly", "ment", "ements", "ité", "ation",
    "ción", "mente", "ando", "iendo", "issement", "eux", "ista", "zione", "heid", "lijk", "tig",
    "ene", "ende", "het", "elig", "ssa", "ssä", "lla", "llä", "uu", "yy", "ää", "çoes",
    "ões"};

}  // namespace

TEST(Stemmer, EqualsTheUtf8AlgorithmOnRandomWordsInEveryLanguage) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::size_t> len(0, 14), letter(0, kLetters.size() - 1),
      ending(0, kEndings.size() - 1), beyond(0, kBeyond.size() - 1);
  std::uniform_int_distribution<int> coin(0, 19);
  for (const std::string& lang : newsim::stemmer_languages()) {
    Stemmer s(lang);
    for (int i = 0; i < 4000; ++i) {
      std::string w;
      for (std::size_t k = len(rng); k > 0; --k)
        w += coin(rng) == 0 ? kBeyond[beyond(rng)] : kLetters[letter(rng)];
      w += kEndings[ending(rng)];
      const std::string ref(s.stem_utf8(w));
      ASSERT_EQ(std::string(s.stem(w)), ref) << lang << ": [" << w << "]";
    }
  }
}

TEST(Stemmer, KnownGermanStemsAndLongWords) {
  Stemmer s("german");
  EXPECT_EQ(s.stem("häuser"), "haus");
  EXPECT_EQ(s.stem("straße"), "strass");
  EXPECT_EQ(s.stem("kätzchen"), "katzch");
  const std::string longer(Stemmer::kMaxBytes + 1, 'e');
  EXPECT_EQ(s.stem(longer), longer);  // unstemmed: linear time on absurd tokens
  EXPECT_THROW(Stemmer("klingon"), newsim::InvalidOptionError);
}

TEST(Stemmer, EqualsTheUtf8AlgorithmOnTheGermanCorpus) {
  const char* dir = std::getenv("NEWSIM_DATA_DIR");
  if (dir == nullptr) GTEST_SKIP() << "NEWSIM_DATA_DIR is not set (make test sets it)";
  std::ifstream in(std::string(dir) + "/10kgnad_test.csv", std::ios::binary);
  if (!in) GTEST_SKIP() << "10kgnad_test.csv not found in " << dir;
  Stemmer s("german");
  std::string line;
  std::size_t words = 0;
  while (std::getline(in, line)) {
    // Lowercase ASCII and keep UTF-8 sequences: runs of letters are the words.
    std::string w;
    for (std::size_t i = 0; i <= line.size(); ++i) {
      const unsigned char c = i < line.size() ? static_cast<unsigned char>(line[i]) : ' ';
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
        w.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
        continue;
      }
      if (w.empty()) continue;
      const std::string ref(s.stem_utf8(w));
      ASSERT_EQ(std::string(s.stem(w)), ref) << "[" << w << "]";
      ++words;
      w.clear();
    }
  }
  EXPECT_GT(words, 300000u);
}
