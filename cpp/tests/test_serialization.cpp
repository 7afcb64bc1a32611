#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/serialization.hpp"
#include "newsim/vectorizer.hpp"

using namespace newsim;

namespace {
Vectorizer fitted() {
  VectorizerOptions o;
  o.analyzer.stemmer = "german";
  o.analyzer.stop_words = {"die"};
  o.analyzer.ngram_max = 2;
  o.prune.max_features = 50;
  o.weighting.sublinear_tf = true;
  Vectorizer v(o);
  const std::vector<std::string> texts = {"Die Stra\xC3\x9F" "e ist lang", "Die Investitionen steigen",
                                          "KI und Chips"};
  std::vector<TextRef> refs;
  for (const auto& t : texts) refs.push_back(TextRef::utf8(t));
  v.fit(Documents{refs, {}}, {});
  v.set_metadata("{\"k\": 1}");
  return v;
}
}  // namespace

TEST(Serialization, Crc32KnownValue) { EXPECT_EQ(crc32("123456789"), 0xCBF43926u); }

TEST(Serialization, RoundTripKeepsEverything) {
  const Vectorizer v = fitted();
  const Vectorizer w = Vectorizer::from_bytes(v.to_bytes());
  EXPECT_EQ(w.to_bytes(), v.to_bytes());
  EXPECT_EQ(w.state().vocabulary.terms(), v.state().vocabulary.terms());
  EXPECT_EQ(w.state().idf, v.state().idf);
  EXPECT_EQ(w.metadata(), "{\"k\": 1}");
  EXPECT_EQ(w.options().analyzer.stemmer, "german");
}

TEST(Serialization, EveryTruncationIsRejected) {
  const std::string b = fitted().to_bytes();
  for (std::size_t n = 0; n < b.size(); ++n)
    EXPECT_THROW((void)Vectorizer::from_bytes(std::string_view(b).substr(0, n)), FormatError) << n;
}

TEST(Serialization, EverySingleBitFlipIsRejected) {
  const std::string b = fitted().to_bytes();
  for (std::size_t i = 0; i < b.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string c = b;
      c[i] = static_cast<char>(c[i] ^ (1 << bit));
      EXPECT_THROW((void)Vectorizer::from_bytes(c), FormatError) << i << ":" << bit;
    }
  }
}

TEST(Serialization, NewerVersionAndForeignFiles) {
  std::string b = fitted().to_bytes();
  b[8] = 2;  // format version 2
  try {
    (void)Vectorizer::from_bytes(b);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)Vectorizer::from_bytes("PK\x03\x04 a zip file"), FormatError);
  EXPECT_THROW((void)Vectorizer::from_bytes(""), FormatError);
}
