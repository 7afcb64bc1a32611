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

TEST(Serialization, StatisticsAndPartialStatesRoundTrip) {
  const Vectorizer v = fitted();
  const Vectorizer w = Vectorizer::from_bytes(v.to_bytes());
  ASSERT_NE(w.stats(), nullptr);
  EXPECT_EQ(*w.stats(), *v.stats());
  EXPECT_EQ(w.state().df, v.state().df);
  EXPECT_EQ(w.state().avg_doc_len, v.state().avg_doc_len);
  // Merged, not yet finalized: the statistics survive, and finalize after loading works.
  const Vectorizer m = v.merge(v);
  const Vectorizer n = Vectorizer::from_bytes(m.to_bytes());
  EXPECT_FALSE(n.finalized());
  EXPECT_EQ(*n.stats(), *m.stats());
  Vectorizer f = n;
  f.finalize();
  EXPECT_EQ(f.state().n_docs, 2 * v.state().n_docs);
}

TEST(Serialization, FixedVocabularyKeepsItsOrderThroughFormat2) {
  VectorizerOptions o;
  o.vocabulary = std::vector<std::string>{"zz", "aa", "never"};
  Vectorizer v(o);
  const std::vector<std::string> texts = {"aa zz", "zz"};
  std::vector<TextRef> refs;
  for (const auto& t : texts) refs.push_back(TextRef::utf8(t));
  v.fit(Documents{refs, {}}, {});
  const Vectorizer w = Vectorizer::from_bytes(v.to_bytes());
  EXPECT_EQ(w.state().vocabulary.terms(), *o.vocabulary);
  EXPECT_EQ(w.state().df, (std::vector<std::int64_t>{2, 1, 0}));
  EXPECT_EQ(w.state().idf, v.state().idf);
  // An unfitted vectorizer with a fixed vocabulary keeps it too.
  const Vectorizer u = Vectorizer::from_bytes(Vectorizer(o).to_bytes());
  EXPECT_EQ(*u.options().vocabulary, *o.vocabulary);
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
  b[8] = static_cast<char>(kFormatVersion + 1);  // a format from the future
  try {
    (void)Vectorizer::from_bytes(b);
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("version " + std::to_string(kFormatVersion + 1)),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)Vectorizer::from_bytes("PK\x03\x04 a zip file"), FormatError);
  EXPECT_THROW((void)Vectorizer::from_bytes(""), FormatError);
}

namespace {
/// `bytes` with payload byte `at` (counted from the payload's start) set to `value` and the CRC
/// recomputed: a well-sealed file with one deliberate inconsistency.
std::string resealed(std::string bytes, std::size_t at, char value) {
  constexpr std::size_t kHeader = 20;
  bytes[kHeader + at] = value;
  const std::string_view payload(bytes.data() + kHeader, bytes.size() - kHeader - 4);
  const std::uint32_t c = crc32(payload);
  for (int k = 0; k < 4; ++k) bytes[bytes.size() - 4 + k] = static_cast<char>((c >> (8 * k)) & 0xFF);
  return bytes;
}
}  // namespace

TEST(Serialization, ResealedInconsistenciesAreRejected) {
  // An unfitted vectorizer without max_features: the u64 after its flag must be 0.
  VectorizerOptions o;
  const std::string b = Vectorizer(o).to_bytes();
  // payload: 4 option bytes, stop-word count (8), stemmer (8 + 0), 4 sizes (32), compounds (1),
  // min_df (8), flag (1), max_df (8), flag (1), max_features flag (1), then its value (8).
  const std::size_t value_at = 4 + 8 + 8 + 32 + 1 + 8 + 1 + 8 + 1 + 1;
  ASSERT_EQ(b[20 + value_at - 1], 0);  // the flag
  try {
    (void)Vectorizer::from_bytes(resealed(b, value_at, 7));
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("max_features value without its flag"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW((void)Vectorizer::from_bytes(resealed(b, value_at, 0)));
}
