// Corpus-driven compound splitting (the decompound option) and n-gram document-frequency floor.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/serialization.hpp"
#include "../src/decompound.hpp"
#include "corpus.hpp"
#include "newsim/vectorizer.hpp"

using namespace newsim;
using newsim::testing::as;
using newsim::testing::Corpus;

namespace {

// The documents of tests/fixtures/decompound_de.txt (shared with the Python tests).
std::vector<std::string> german_texts() {
  std::ifstream in(std::string(NEWSIM_SOURCE_DIR) + "/tests/fixtures/decompound_de.txt");
  EXPECT_TRUE(in.good()) << "cannot read tests/fixtures/decompound_de.txt";
  std::vector<std::string> texts;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') texts.push_back(line);
  return texts;
}

VectorizerOptions german(bool decompound) {
  VectorizerOptions o;
  o.analyzer.stemmer = "german";
  o.analyzer.min_token_len = 2;
  o.analyzer.stop_words = {"das", "ist", "die", "und", "sind", "der", "auch", "am", "ein",
                           "eine", "wurde", "steht", "kommt", "wartet", "den"};
  o.analyzer.decompound = decompound;
  o.weighting.sublinear_tf = true;
  return o;
}


void expect_same(const CsrAny& a, const CsrAny& b) {
  const auto& x = as<float, std::int32_t>(a);
  const auto& y = as<float, std::int32_t>(b);
  EXPECT_EQ(x.cols, y.cols);
  EXPECT_EQ(x.indptr, y.indptr);
  EXPECT_EQ(x.indices, y.indices);
  EXPECT_EQ(x.data, y.data);
}

std::vector<std::string> row_terms(const Vectorizer& v, const CsrAny& any, std::size_t row) {
  const auto& m = as<float, std::int32_t>(any);
  std::vector<std::string> out;
  for (auto k = m.indptr[row]; k < m.indptr[row + 1]; ++k)
    out.emplace_back(v.state().vocabulary.term(static_cast<std::size_t>(m.indices[static_cast<std::size_t>(k)])));
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& t) {
  return std::find(v.begin(), v.end(), t) != v.end();
}

}  // namespace

TEST(Decompound, SplitsIntoPartsKnownFromTheCorpus) {
  const Corpus c(german_texts());
  Vectorizer v(german(true));
  const CsrAny m = v.fit_transform(c.docs(), {});
  EXPECT_EQ(v.compound_parts("Wasserversorgungsplan"), (std::vector<std::string>{"wass", "versorg", "plan"}));
  EXPECT_EQ(v.compound_parts("WASSERVERSORGUNG"), (std::vector<std::string>{"wass", "versorg"}));
  EXPECT_EQ(v.compound_parts("Bahnhof"), std::vector<std::string>{});  // 7 letters: too short
  EXPECT_EQ(v.compound_parts("Versorgung"), std::vector<std::string>{});  // no known head
  EXPECT_EQ(v.compound_parts("zwei Worte"), std::vector<std::string>{});
  // Tokens longer than any word are not searched (the search is quadratic in the length).
  std::string long_word;
  for (int i = 0; i < 9; ++i) long_word += "Wasserplan";
  EXPECT_EQ(v.compound_parts(long_word), std::vector<std::string>{});
  EXPECT_EQ(v.compound_parts("Wasserplan"), (std::vector<std::string>{"wass", "plan"}));
  // The row of "Wasserversorgungsplan" has the compound's own term and its parts.
  const auto row = row_terms(v, m, 4);
  for (const char* t : {"wasserversorgungsplan", "wass", "versorg", "plan"}) EXPECT_TRUE(has(row, t)) << t;
  // Splitting adds no terms: the parts are terms of the corpus.
  Vectorizer plain(german(false));
  (void)plain.fit_transform(c.docs(), {});
  EXPECT_EQ(v.state().vocabulary.terms(), plain.state().vocabulary.terms());
}

TEST(Decompound, PartDocumentFrequencyIsTheMergeableSumEstimate) {
  const Corpus c(german_texts());
  Vectorizer v(german(true));
  (void)v.fit_transform(c.docs(), {});
  Vectorizer plain(german(false));
  (void)plain.fit_transform(c.docs(), {});
  const auto df = [](const Vectorizer& x, const std::string& t) {
    return x.state().df[static_cast<std::size_t>(x.state().vocabulary.find(t))];
  };
  // wass: 2 documents alone + wasserversorgung (1) + wasserversorgungsplan (1).
  EXPECT_EQ(df(plain, "wass"), 2);
  EXPECT_EQ(df(v, "wass"), 4);
  // versorg: 2 alone + wasserversorgung + wasserversorgungsplan; "Versorgungsplanung" stays
  // whole (its head "planung" occurs nowhere else).
  EXPECT_EQ(v.compound_parts("Versorgungsplanung"), std::vector<std::string>{});
  EXPECT_EQ(df(plain, "versorg"), 2);
  EXPECT_EQ(df(v, "versorg"), 4);
  // A word whose own term is one of its parts (entscheidende -> entscheid + end) does not add
  // its documents to that part again.
  EXPECT_EQ(df(v, "entscheid"), df(plain, "entscheid"));
  // Unsplit terms keep their frequency.
  EXPECT_EQ(df(v, "wasserversorgungsplan"), 1);
}

TEST(Decompound, PartialFitsAndMergesEqualOneFitAndTransformEqualsFitTransform) {
  const Corpus all(german_texts());
  const Corpus p1(std::vector<std::string>(all.text.begin(), all.text.begin() + 4));
  const Corpus p2(std::vector<std::string>(all.text.begin() + 4, all.text.end()));
  for (const int ngram_max : {1, 2}) {
    VectorizerOptions o = german(true);
    o.analyzer.ngram_max = static_cast<std::size_t>(ngram_max);
    o.prune.ngram_min_df = 2;
    Vectorizer one(o);
    const CsrAny expected = one.fit_transform(all.docs(), RunContext{2, nullptr});
    expect_same(one.transform(all.docs(), {}), expected);

    Vectorizer a(o), b(o);
    a.fit(p1.docs(), {});
    b.partial_fit(p2.docs(), {});
    Vectorizer merged = b.merge(a);
    merged.finalize();
    EXPECT_EQ(*merged.stats(), *one.stats());
    EXPECT_EQ(*merged.compound_stats(), *one.compound_stats());
    EXPECT_EQ(merged.state().vocabulary.terms(), one.state().vocabulary.terms());
    EXPECT_EQ(merged.state().df, one.state().df);
    EXPECT_EQ(merged.state().idf, one.state().idf);
    expect_same(merged.transform(all.docs(), {}), expected);

    // Saved with statistics, and without them (the lexicon is then stored).
    const Vectorizer loaded = Vectorizer::from_bytes(one.to_bytes());
    expect_same(loaded.transform(all.docs(), {}), expected);
    Vectorizer lean = one;
    lean.discard_stats();
    const std::string bytes = lean.to_bytes();
    const Vectorizer lean_loaded = Vectorizer::from_bytes(bytes);
    EXPECT_EQ(lean_loaded.state().lexicon, one.state().lexicon);
    expect_same(lean_loaded.transform(all.docs(), {}), expected);
  }
}

TEST(Decompound, ThreadsGiveTheSameMatrix) {
  std::vector<std::string> texts;
  const auto base = german_texts();
  for (int i = 0; i < 400; ++i) texts.push_back(base[static_cast<std::size_t>(i) % base.size()] + " Nummer" + std::to_string(i % 17));
  const Corpus c(texts);
  Vectorizer one(german(true)), two(german(true));
  expect_same(one.fit_transform(c.docs(), RunContext{1, nullptr}), two.fit_transform(c.docs(), RunContext{2, nullptr}));
  expect_same(one.transform(c.docs(), RunContext{2, nullptr}), two.transform(c.docs(), RunContext{1, nullptr}));
}

TEST(Decompound, OptionsAreValidated) {
  VectorizerOptions o = german(true);
  o.analyzer.analyzer = AnalyzerKind::chars_wb;
  try {
    Vectorizer v(o);
    FAIL();
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "decompound");
  }
  o = german(true);
  o.analyzer.tokenization = Tokenization::regex_word;
  EXPECT_THROW(Vectorizer{o}, InvalidOptionError);
  o = german(true);
  o.hashing = HashingOptions{};
  EXPECT_THROW(Vectorizer{o}, InvalidOptionError);
  o = german(false);
  o.prune.ngram_min_df = 0;
  try {
    Vectorizer v(o);
    FAIL();
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "ngram_min_df");
  }
}

TEST(NgramMinDf, AppliesToWordNgramsOnly) {
  const Corpus c({"rote rosen blühen", "rote rosen welken", "gelbe tulpen"});
  VectorizerOptions o;
  o.analyzer.ngram_max = 2;
  o.prune.ngram_min_df = 2;
  Vectorizer v(o);
  (void)v.fit_transform(c.docs(), {});
  EXPECT_EQ(v.state().vocabulary.terms(),
            (std::vector<std::string>{"blühen", "gelbe", "rosen", "rote", "rote rosen", "tulpen", "welken"}));
  const std::string bytes = v.to_bytes();
  EXPECT_EQ(static_cast<unsigned char>(bytes[8]), kFormatVersion);
  EXPECT_EQ(Vectorizer::from_bytes(bytes).state().vocabulary.terms(), v.state().vocabulary.terms());
}

// The German filter skips stemming a substring that cannot stem to a lexicon term (a stem is a
// prefix of the word with ä, ö, ü as a, o, u, followed by a chain of Snowball's suffixes). It
// must never change a split: every compound candidate of the German corpus splits the same way
// with and without it.
TEST(Decompound, GermanFilterChangesNoSplitOnTheCorpus) {
  const char* dir = std::getenv("NEWSIM_DATA_DIR");
  if (dir == nullptr) GTEST_SKIP() << "NEWSIM_DATA_DIR is not set (make test sets it)";
  std::ifstream in(std::string(dir) + "/10kgnad_test.csv", std::ios::binary);
  if (!in) GTEST_SKIP() << "10kgnad_test.csv not found in " << dir;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  lines.emplace_back("Kenntnisse Ärztekammer Ölförderung Übergangsfrist Säulenhalle Bürgerinitiativen");
  const Corpus c(lines);
  Vectorizer v(german(true));
  (void)v.fit_transform(c.docs(), {});
  const CompoundLexicon& lex = *v.state().lexicon;
  const detail::CompiledLexicon compiled(v.analyzer().impl(), lex);
  ASSERT_TRUE(compiled.german);
  detail::Decompounder fast(v.analyzer().impl(), compiled, /*filter=*/true);
  detail::Decompounder plain(v.analyzer().impl(), compiled, /*filter=*/false);
  const TermStats& cand = *v.compound_stats();
  std::size_t split = 0;
  for (std::size_t i = 0; i < cand.size(); ++i) {
    const auto a = fast.split(cand.term(i));
    const std::vector<std::uint32_t> got(a.begin(), a.end());
    const auto b = plain.split(cand.term(i));
    ASSERT_EQ(got, std::vector<std::uint32_t>(b.begin(), b.end())) << cand.term(i);
    split += !got.empty();
  }
  EXPECT_GT(cand.size(), 20000u);
  EXPECT_GT(split, 5000u);
}
