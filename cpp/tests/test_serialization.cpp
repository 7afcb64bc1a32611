#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/serialization.hpp"
#include "newsim/vectorizer.hpp"
#include "corpus.hpp"

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
constexpr std::size_t kHeader = 20;

/// `bytes` (a whole model file) with a new payload, length and CRC: a well-sealed file.
std::string sealed(std::string bytes, const std::string& payload) {
  bytes = bytes.substr(0, kHeader) + payload + "CRC!";
  for (int k = 0; k < 8; ++k) bytes[12 + k] = static_cast<char>((payload.size() >> (8 * k)) & 0xFF);
  const std::uint32_t c = crc32(payload);
  for (int k = 0; k < 4; ++k) bytes[bytes.size() - 4 + k] = static_cast<char>((c >> (8 * k)) & 0xFF);
  return bytes;
}

std::string payload_of(const std::string& bytes) { return bytes.substr(kHeader, bytes.size() - kHeader - 4); }

/// Where the keyed option `name` starts in `payload` (its length prefix).
std::size_t option_at(const std::string& payload, const std::string& name) {
  std::string key(8, '\0');
  key[0] = static_cast<char>(name.size());
  key += name;
  const std::size_t at = payload.find(key);
  EXPECT_NE(at, std::string::npos) << name;
  return at;
}

/// `bytes` with every occurrence of `from` in the payload replaced by `to` (same length).
std::string replaced(const std::string& bytes, const std::string& from, const std::string& to) {
  std::string p = payload_of(bytes);
  for (std::size_t at = p.find(from); at != std::string::npos; at = p.find(from, at + 1)) p.replace(at, from.size(), to);
  return sealed(bytes, p);
}

void expect_format_error(const std::string& bytes, const std::string& says) {
  try {
    (void)Vectorizer::from_bytes(bytes);
    ADD_FAILURE() << "loaded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(Serialization, OptionsAreKeyedFields) {
  VectorizerOptions o;
  o.prune.ngram_min_df = 3;
  o.weighting.k1 = 1.5;
  const std::string b = Vectorizer(o).to_bytes();
  // A file without an option (written before it existed) loads with the declared default.
  std::string p = payload_of(b);
  const std::size_t at = option_at(p, "ngram_min_df");
  p.erase(at, 8 + 12 + 1 + 8);  // name, type tag, int64 value
  p[0] = static_cast<char>(p[0] - 1);  // one option fewer
  const Vectorizer without = Vectorizer::from_bytes(sealed(b, p));
  EXPECT_EQ(without.options().prune.ngram_min_df, PruneOptions{}.ngram_min_df);
  EXPECT_EQ(without.options().weighting.k1, 1.5);
  EXPECT_EQ(Vectorizer::from_bytes(b).options().prune.ngram_min_df, 3);
}

TEST(Serialization, ResealedInconsistenciesAreRejected) {
  const std::string b = Vectorizer(VectorizerOptions{}).to_bytes();
  EXPECT_NO_THROW((void)Vectorizer::from_bytes(replaced(b, "binary", "binary")));
  // An option this newsim does not know: a newer newsim wrote it.
  expect_format_error(replaced(b, "binary", "binarx"), "option 'binarx' is unknown to this newsim");
  // A choice this newsim does not know.
  std::string p = payload_of(b);
  const std::size_t norm = option_at(p, "norm") + 8 + 4 + 1 + 8;  // the value's text
  ASSERT_EQ(p.substr(norm, 2), "l2");
  p[norm + 1] = '3';
  expect_format_error(sealed(b, p), "option 'norm' has the value 'l3', unknown to this newsim");
  // An option stored twice, and one of the wrong type.
  expect_format_error(replaced(b, "float64", "use_idf"), "an option is stored twice");
  // Two options swapped (newsim writes them in their declared order: not a file it wrote).
  expect_format_error(replaced(replaced(replaced(b, "use_idf", "@@@@@@@"), "float64", "use_idf"), "@@@@@@@", "float64"),
                      "the options are not in their declared order");
  p = payload_of(b);
  p[option_at(p, "k1") + 8 + 2] = 2;  // real -> integer (both 8 bytes)
  expect_format_error(sealed(b, p), "option 'k1' has the wrong type");
  // A value that breaks its declared rule.
  p = payload_of(b);
  const std::size_t k1 = option_at(p, "k1") + 8 + 2 + 1;
  const double minus = -1.0;
  for (int k = 0; k < 8; ++k) p[k1 + k] = static_cast<char>((std::bit_cast<std::uint64_t>(minus) >> (8 * k)) & 0xFF);
  expect_format_error(sealed(b, p), "invalid option: k1 must be >= 0, got -1.0.");
  // An option that does not apply, at a value newsim never writes for it (the loader fuzzer's
  // finding: such a file loaded and wrote back other bytes).
  const std::string flag_true("alternate_sign\x01\x01", 16);
  ASSERT_NE(b.find(flag_true), std::string::npos);
  expect_format_error(replaced(b, flag_true, std::string("alternate_sign\x01\x00", 16)),
                      "invalid option: alternate_sign=False applies to hashing only");
}

TEST(Serialization, FixedVocabularyEntriesMustBeUtf8AndTheirColumnsTerms) {
  // The fuzzer's finding: a file whose fixed vocabulary is not UTF-8 must be refused when read
  // (the core analyzes entries, and Python decodes them), not when it is written back.
  VectorizerOptions o;
  o.analyzer.stemmer = "german";
  o.normalize_vocabulary = true;
  o.vocabulary = std::vector<std::string>{"Zzhäuser", "zzregierung"};
  Vectorizer v(o);
  const newsim::testing::Corpus c({"die Zzhäuser", "zzregierung"});
  v.fit(c.docs(), {});
  const std::string b = v.to_bytes();
  EXPECT_NO_THROW((void)Vectorizer::from_bytes(b));
  expect_format_error(replaced(b, "Zzhäuser", std::string("Zz\xFF\xFE\xFDuser")), "vocabulary term 0 is not valid UTF-8");
  // Without statistics the file stores each column's term: it must be the column's entry or
  // the entry's alias (here the alias: the corpus has no 'Zzhäuser' term).
  v.discard_stats();
  const std::string lean = v.to_bytes();
  ASSERT_EQ(v.state().vocabulary.term(0), "zzhaus");
  EXPECT_NO_THROW((void)Vectorizer::from_bytes(lean));
  expect_format_error(replaced(lean, "zzhaus", "zzhaux"), "the fitted vocabulary differs from the fixed one");
}
