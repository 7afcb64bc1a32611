#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "../src/assembly.hpp"
#include "../src/fit_statistics.hpp"
#include "corpus.hpp"
#include "newsim/vectorizer.hpp"

using namespace newsim;
using newsim::testing::as;
using newsim::testing::Corpus;
using newsim::testing::plain;

namespace {

VectorizerOptions sklearn_options() {
  VectorizerOptions o;
  o.analyzer.tokenization = Tokenization::regex_word;
  o.float64 = true;
  return o;
}

}  // namespace

TEST(Weighting, IdfFormulas) {
  WeightingOptions w;
  const std::vector<std::int64_t> df = {1, 2, 4};
  auto idf = compute_idf(w, df, 4);
  EXPECT_DOUBLE_EQ(idf[0], std::log(5.0 / 2.0) + 1.0);
  EXPECT_DOUBLE_EQ(idf[2], 1.0);
  w.smooth_idf = false;
  idf = compute_idf(w, df, 4);
  EXPECT_DOUBLE_EQ(idf[0], std::log(4.0) + 1.0);
  w.scheme = Scheme::bm25;
  idf = compute_idf(w, df, 4);
  EXPECT_DOUBLE_EQ(idf[0], std::log(1.0 + 3.5 / 1.5));
}

TEST(Weighting, SublinearTfAndNorms) {
  WeightingOptions w;
  w.use_idf = false;
  w.sublinear_tf = true;
  const std::vector<std::int64_t> cols = {0, 1};
  std::vector<double> v = {1.0, std::exp(1.0)};
  weight_row(w, cols, v, {}, 0, 0);
  EXPECT_NEAR(v[0], 1.0 / std::sqrt(5.0), 1e-15);
  EXPECT_NEAR(v[1], 2.0 / std::sqrt(5.0), 1e-15);
  w.norm = Norm::l1;
  v = {1.0, std::exp(1.0)};
  weight_row(w, cols, v, {}, 0, 0);
  EXPECT_NEAR(v[0] + v[1], 1.0, 1e-15);
  std::vector<double> zero = {0.0, 0.0};
  w.norm = Norm::l2;
  w.sublinear_tf = false;
  weight_row(w, cols, zero, {}, 0, 0);
  EXPECT_EQ(zero, (std::vector<double>{0.0, 0.0}));  // zero rows stay zero, no NaN
}

TEST(Vectorizer, MatchesHandComputedTfidf) {
  Corpus c({"a1 b2 b2", "b2 c3", "zz"});
  Vectorizer v(sklearn_options());
  const CsrAny any = v.fit_transform(c.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(v.state().vocabulary.terms(), (std::vector<std::string>{"a1", "b2", "c3", "zz"}));
  EXPECT_EQ(m.indptr, (std::vector<std::int32_t>{0, 2, 4, 5}));
  EXPECT_EQ(plain(m.indices), (std::vector<std::int32_t>{0, 1, 1, 2, 3}));
  const double idf_a = std::log(4.0 / 2.0) + 1, idf_b = std::log(4.0 / 3.0) + 1;
  const double n0 = std::sqrt(idf_a * idf_a + 4 * idf_b * idf_b);
  EXPECT_NEAR(m.data[0], idf_a / n0, 1e-15);
  EXPECT_NEAR(m.data[1], 2 * idf_b / n0, 1e-15);
  EXPECT_NEAR(m.data[4], 1.0, 1e-15);
}

TEST(Vectorizer, EmptyDocumentsGiveZeroRowsNotErrors) {
  Corpus c({"", "ab cd", "!!"});
  Vectorizer v(sklearn_options());
  const CsrAny any = v.fit_transform(c.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(m.rows, 3u);
  EXPECT_EQ(m.indptr, (std::vector<std::int32_t>{0, 0, 2, 2}));
}

TEST(Vectorizer, PruningFollowsScikitLearn) {
  Corpus c({"aa bb cc", "aa bb", "aa dd", "aa"});
  auto o = sklearn_options();
  o.prune.max_df = 0.75;  // drops aa (4 of 4 documents)
  o.prune.min_df = 2;     // drops cc, dd
  Vectorizer v(o);
  v.fit(c.docs(), {});
  EXPECT_EQ(v.state().vocabulary.terms(), (std::vector<std::string>{"bb"}));
  o.prune.max_df = 1;
  o.prune.max_df_is_count = true;
  EXPECT_THROW(Vectorizer(o).fit(c.docs(), {}), InvalidOptionError);
  o = sklearn_options();
  o.prune.min_df = 2;
  const Corpus distinct({"aa", "bb"});
  try {
    Vectorizer(o).fit(distinct.docs(), {});
    FAIL();
  } catch (const EmptyVocabularyError& e) {
    EXPECT_STREQ(e.what(), "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
  }
}

TEST(Vectorizer, MaxFeaturesTiesGoToTheTermSortingFirst) {
  Corpus c({"cc bb aa dd dd"});
  auto o = sklearn_options();
  o.prune.max_features = 2;
  Vectorizer v(o);
  v.fit(c.docs(), {});
  EXPECT_EQ(v.state().vocabulary.terms(), (std::vector<std::string>{"aa", "dd"}));
}

TEST(Vectorizer, EmptyVocabularyMessage) {
  Corpus c({"the of", "a"});
  auto o = sklearn_options();
  o.analyzer.stop_words = {"the", "of"};
  try {
    Vectorizer(o).fit(c.docs(), {});
    FAIL();
  } catch (const EmptyVocabularyError& e) {
    EXPECT_STREQ(e.what(), "empty vocabulary; perhaps the documents only contain stop words");
  }
}

TEST(Vectorizer, ThreadsGiveTheSameMatrix) {
  std::vector<std::string> texts;
  for (int i = 0; i < 3000; ++i)
    texts.push_back("doc " + std::to_string(i % 97) + " Wort" + std::to_string(i % 13) +
                    " gemeinsam K\xC3\xA4se " + std::to_string(i));
  Corpus c(texts);
  VectorizerOptions o;
  Vectorizer one(o), two(o);
  const auto a = one.fit_transform(c.docs(), RunContext{1, nullptr});
  const auto b = two.fit_transform(c.docs(), RunContext{2, nullptr});
  const auto& ma = as<float, std::int32_t>(a);
  const auto& mb = as<float, std::int32_t>(b);
  EXPECT_EQ(one.state().vocabulary.terms(), two.state().vocabulary.terms());
  EXPECT_EQ(ma.indptr, mb.indptr);
  EXPECT_EQ(ma.indices, mb.indices);
  EXPECT_EQ(ma.data, mb.data);
}

TEST(Vectorizer, ThreadsMergeTermsThatShareLongPrefixes) {
  // The per-thread term lists are merged by their first 8 bytes and then by the whole term:
  // words that share 8 or more leading bytes (and words that end inside them) come out in byte
  // order and with the document frequencies of one thread, however the threads split them.
  std::mt19937 rng(11);
  const std::vector<std::string> stems = {"bundesregierung", "bundesreg", "bundes", "bu", "b\xC3\xA4r",
                                          "abcdefgh", "abcdefg", "abcdefghi"};
  std::uniform_int_distribution<std::size_t> pick(0, stems.size() - 1);
  std::uniform_int_distribution<int> tail(0, 40), words(1, 12);
  std::vector<std::string> texts;
  for (int i = 0; i < 4000; ++i) {
    std::string doc;
    for (int k = words(rng); k > 0; --k) {
      const int t = tail(rng);
      const std::string suffix(t < 10 ? 0 : static_cast<std::size_t>(t % 4 + 1),
                               static_cast<char>('a' + t % 26));
      doc += stems[pick(rng)] + suffix + " ";
    }
    texts.push_back(doc);
  }
  Corpus c(texts);
  VectorizerOptions o;
  o.analyzer.stop_words.clear();
  o.analyzer.stemmer.clear();
  Vectorizer one(o);
  const auto a = one.fit_transform(c.docs(), RunContext{1, nullptr});
  for (const std::size_t jobs : {2u, 3u, 5u}) {
    Vectorizer many(o);
    const auto b = many.fit_transform(c.docs(), RunContext{jobs, nullptr});
    EXPECT_EQ(one.state().vocabulary.terms(), many.state().vocabulary.terms()) << jobs << " threads";
    EXPECT_EQ(one.state().df, many.state().df) << jobs << " threads";
    const auto& ma = as<float, std::int32_t>(a);
    const auto& mb = as<float, std::int32_t>(b);
    EXPECT_EQ(ma.indices, mb.indices) << jobs << " threads";
    EXPECT_EQ(ma.data, mb.data) << jobs << " threads";
  }
  const auto& terms = one.state().vocabulary.terms();
  EXPECT_TRUE(std::is_sorted(terms.begin(), terms.end()));
  EXPECT_TRUE(std::adjacent_find(terms.begin(), terms.end()) == terms.end());
}

namespace {
template <class T, class I>
void expect_same(const CsrAny& a, const CsrAny& b) {
  const auto& x = as<T, I>(a);
  const auto& y = as<T, I>(b);
  EXPECT_EQ(x.cols, y.cols);
  EXPECT_EQ(x.indptr, y.indptr);
  EXPECT_EQ(x.indices, y.indices);
  EXPECT_EQ(x.data, y.data);
}

std::vector<std::string> varied_texts(int n) {
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i)
    texts.push_back("doc" + std::to_string(i % 7) + " Wort" + std::to_string(i % 13) + " gemeinsam " +
                    std::to_string(i % 5) + " selten" + std::to_string(i) + " K\xC3\xA4se");
  return texts;
}
}  // namespace

TEST(Vectorizer, PartialFitsAndMergesEqualOneFit) {
  const Corpus all(varied_texts(300));
  const Corpus part1(std::vector<std::string>(all.text.begin(), all.text.begin() + 100));
  const Corpus part2(std::vector<std::string>(all.text.begin() + 100, all.text.begin() + 170));
  const Corpus part3(std::vector<std::string>(all.text.begin() + 170, all.text.end()));
  for (int setting = 0; setting < 4; ++setting) {
    VectorizerOptions o;
    o.weighting.sublinear_tf = true;
    if (setting == 1) o.prune.min_df = 2;
    if (setting == 2) {
      o.prune.max_df = 0.5;
      o.prune.max_features = 9;
    }
    if (setting == 3) {
      o.weighting.scheme = Scheme::bm25;
      o.analyzer.ngram_max = 2;
      o.prune.min_df = 3;
    }
    Vectorizer one(o);
    const CsrAny expected = one.fit_transform(all.docs(), RunContext{2, nullptr});

    Vectorizer streamed(o);  // partial fits, finalized once
    streamed.partial_fit(part1.docs(), {});
    streamed.partial_fit(part2.docs(), RunContext{2, nullptr});
    streamed.partial_fit(part3.docs(), {});
    EXPECT_FALSE(streamed.finalized());
    streamed.finalize();
    EXPECT_EQ(*streamed.stats(), *one.stats()) << setting;
    EXPECT_EQ(streamed.state().vocabulary.terms(), one.state().vocabulary.terms()) << setting;
    EXPECT_EQ(streamed.state().idf, one.state().idf) << setting;
    expect_same<float, std::int32_t>(streamed.transform(all.docs(), {}), expected);

    Vectorizer a(o), b(o), c(o);  // merged in two orders and groupings
    a.fit(part1.docs(), {});
    b.partial_fit(part2.docs(), {});
    c.fit(part3.docs(), {});
    Vectorizer left = a.merge(b).merge(c);
    Vectorizer right = c.merge(b.merge(a));
    left.finalize();
    right.finalize();
    EXPECT_EQ(*left.stats(), *one.stats()) << setting;
    EXPECT_EQ(*right.stats(), *one.stats()) << setting;
    expect_same<float, std::int32_t>(left.transform(all.docs(), {}), expected);
    expect_same<float, std::int32_t>(right.transform(all.docs(), {}), expected);
  }
}

TEST(Vectorizer, MergeNamesTheDifferingOption) {
  const Corpus c({"aa bb", "bb"});
  VectorizerOptions o;
  Vectorizer a(o);
  a.fit(c.docs(), {});
  o.analyzer.stemmer = "german";
  Vectorizer b(o);
  b.fit(c.docs(), {});
  try {
    (void)a.merge(b);
    FAIL();
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "stemmer");
  }
  Vectorizer unfitted{VectorizerOptions{}};
  EXPECT_THROW((void)a.merge(unfitted), NotFittedError);
  EXPECT_THROW(unfitted.finalize(), NotFittedError);
}

TEST(Vectorizer, TransformUsesFittedVocabularyAndIdf) {
  Corpus fit({"aa bb", "bb cc"});
  Corpus other({"aa zz zz", "qq"});
  Vectorizer v(sklearn_options());
  v.fit(fit.docs(), {});
  const CsrAny any = v.transform(other.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(m.cols, 3u);
  EXPECT_EQ(m.indptr, (std::vector<std::int32_t>{0, 1, 1}));
  EXPECT_NEAR(m.data[0], 1.0, 1e-15);
  EXPECT_THROW((void)Vectorizer(sklearn_options()).transform(other.docs(), {}), NotFittedError);
}

TEST(Vectorizer, FixedVocabularyKeepsItsOrder) {
  Corpus c({"aa bb", "bb"});
  auto o = sklearn_options();
  o.vocabulary = std::vector<std::string>{"bb", "aa", "never"};
  Vectorizer v(o);
  const CsrAny any = v.fit_transform(c.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(m.cols, 3u);
  EXPECT_EQ(v.state().df, (std::vector<std::int64_t>{2, 1, 0}));
  for (const double x : v.state().idf) EXPECT_TRUE(std::isfinite(x));
  o.vocabulary = std::vector<std::string>{"aa", "aa"};
  EXPECT_THROW(Vectorizer{o}, InvalidOptionError);
}

TEST(Vectorizer, NormalizedVocabularyCountsWhatTheAnalyzerMakesOfAnEntry) {
  Corpus c({"Die Häuser der Regierung", "Ein Haus, kein Haus", "haus"});
  VectorizerOptions o;
  o.analyzer.stemmer = "german";
  o.analyzer.stop_words = {"die", "der", "ein", "kein"};
  o.analyzer.ngram_max = 2;
  o.normalize_vocabulary = true;
  o.vocabulary = std::vector<std::string>{"Häuser", "Regierung", "Die", "Haus", "haus", "häuser regierung"};
  Vectorizer v(o);
  // 'Häuser' is the term 'haus' (its alias); 'Haus' and 'haus' are the same term: 'haus' is
  // column 4's verbatim, so 'Haus' has no alias, and capitalized it never occurs.
  std::vector<std::string> messages;
  for (const auto& issue : v.vocabulary_issues()) messages.push_back(issue.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "'Häuser' (column 0) is the term 'haus', as 'haus' (column 4) is",
                          "'Die' (column 2) is a stop word",
                          "'Haus' (column 3) is the term 'haus', as 'haus' (column 4) is"}));
  v.fit(c.docs(), {});
  // The corpus has 'haus' verbatim: column 4 counts it; column 1 counts its alias 'regier'.
  EXPECT_EQ(v.state().vocabulary.terms(),
            (std::vector<std::string>{"Häuser", "regier", "Die", "Haus", "haus", "haus regier"}));
  EXPECT_EQ(v.feature_names(), *o.vocabulary);
  EXPECT_EQ(v.state().df, (std::vector<std::int64_t>{0, 1, 0, 0, 3, 1}));
  // A saved model keeps the terms each column counts; a file whose terms are no column's
  // entry or alias is refused.
  const Vectorizer back = Vectorizer::from_bytes(v.to_bytes());
  EXPECT_EQ(back.state().vocabulary.terms(), v.state().vocabulary.terms());
  // Off, entries are terms as given (scikit-learn's vocabulary).
  o.normalize_vocabulary = false;
  Vectorizer verbatim(o);
  EXPECT_TRUE(verbatim.vocabulary_issues().empty());
  verbatim.fit(c.docs(), {});
  EXPECT_EQ(verbatim.state().vocabulary.terms(), *o.vocabulary);
}

TEST(Vectorizer, Bm25SaturatesTermFrequency) {
  Corpus c({"aa aa aa aa bb", "bb cc"});
  auto o = sklearn_options();
  o.weighting.scheme = Scheme::bm25;
  o.weighting.norm = Norm::none;
  Vectorizer v(o);
  const CsrAny any = v.fit_transform(c.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  const double idf_a = std::log(1.0 + 1.5 / 1.5);
  const double avg = (5.0 + 2.0) / 2.0;
  const double tf = 4.0 * 2.2 / (4.0 + 1.2 * (0.25 + 0.75 * 5.0 / avg));
  EXPECT_NEAR(m.data[0], tf * idf_a, 1e-12);
}

TEST(Vectorizer, DocumentErrorsNameThePosition) {
  const std::uint16_t bad[] = {'a', 'b', 0xDC00};
  const std::string ok = "ok";
  const std::vector<TextRef> refs = {TextRef::utf8(ok), TextRef::utf8(ok), {bad, 3, Encoding::ucs2}};
  Vectorizer v(sklearn_options());
  try {
    v.fit(Documents{refs, {}}, {});
    FAIL();
  } catch (const DocumentError& e) {
    EXPECT_EQ(e.index(), 2u);
  }
}

TEST(Hashing, MurmurHashMatchesTheReference) {
  // Values of scikit-learn's murmurhash3_32(bytes, seed) (the reference MurmurHash3_x86_32).
  EXPECT_EQ(murmurhash3_32("", 0), 0);
  EXPECT_EQ(murmurhash3_32("", 1), 1364076727);
  EXPECT_EQ(murmurhash3_32("hello"), 613153351);
  EXPECT_EQ(murmurhash3_32("The quick brown fox jumps over the lazy dog"), 776992547);
  EXPECT_EQ(murmurhash3_32("Stra\xC3\x9F" "e"), 1561572846);
}

TEST(Hashing, CollisionsAddWithSignsAndCancelledEntriesStayAsZeros) {
  auto o = sklearn_options();
  o.weighting.norm = Norm::none;
  o.weighting.use_idf = false;
  o.hashing = HashingOptions{1, true};  // every term lands in column 0
  const Vectorizer v(o);
  EXPECT_FALSE(v.needs_fit());
  const Corpus c({"hello", "hello hello", ""});
  const auto any = v.transform(c.docs(), {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(m.cols, 1u);
  const double s = murmurhash3_32("hello") < 0 ? -1.0 : 1.0;
  EXPECT_EQ(m.indptr, (std::vector<std::int32_t>{0, 1, 2, 2}));
  EXPECT_EQ(plain(m.data), (std::vector<double>{s, 2 * s}));
  // Two terms of opposite sign in one column cancel: pick such a pair.
  std::string pos, neg;
  for (int i = 0; pos.empty() || neg.empty(); ++i) {
    const std::string t = std::string("w").append(std::to_string(i));  // GCC 12 -Wrestrict on "w" + s
    (murmurhash3_32(t) < 0 ? neg : pos) = t;
  }
  const Corpus d({pos + " " + neg});
  const auto cancelled = v.transform(d.docs(), {});
  EXPECT_EQ(plain(as<double, std::int32_t>(cancelled).data), (std::vector<double>{0.0}));
  // With sublinear tf and l2 norm the cancelled entry stays 0, not 1 + ln(0) = -inf (found by
  // the model-loader fuzzer).
  o.weighting.sublinear_tf = true;
  o.weighting.norm = Norm::l2;
  const Vectorizer sub(o);
  const auto m2 = sub.transform(d.docs(), {});
  EXPECT_EQ(plain(as<double, std::int32_t>(m2).data), (std::vector<double>{0.0}));
}

TEST(Hashing, IdfFromPartialFitsAndMergesEqualsOneFit) {
  auto o = sklearn_options();
  o.hashing = HashingOptions{64, false};
  const Corpus all(varied_texts(120));
  const Corpus a(std::vector<std::string>(all.text.begin(), all.text.begin() + 50));
  const Corpus b(std::vector<std::string>(all.text.begin() + 50, all.text.end()));
  Vectorizer one(o), x(o), y(o);
  const CsrAny expected = one.fit_transform(all.docs(), {});
  x.partial_fit(a.docs(), {});
  y.fit(b.docs(), {});
  const Vectorizer m = y.merge(x);
  EXPECT_EQ(m.state().df, one.state().df);
  expect_same<double, std::int32_t>(m.transform(all.docs(), {}), expected);
  x.partial_fit(b.docs(), {});
  expect_same<double, std::int32_t>(x.transform(all.docs(), {}), expected);
  const Vectorizer loaded = Vectorizer::from_bytes(m.to_bytes());
  expect_same<double, std::int32_t>(loaded.transform(all.docs(), {}), expected);
  o.hashing->n_features = 0;
  EXPECT_THROW(Vectorizer{o}, InvalidOptionError);
}

// The stages on their own: the seams between them are the contract the Vectorizer relies on.

TEST(Assembly, ExtraColumnsAddToTheRowsTermCounts) {
  // One chunk of two rows counted by worker 0. Row 0: terms 0 (twice) and 1, candidate 0 once;
  // row 1: term 2 (pruned), candidate 0 twice. Candidate 0 adds columns 3 and 0.
  detail::Analysis a;
  a.workers.resize(1);
  detail::ChunkCounts ch;
  ch.terms = {{0, 1, 2}, {2, 1, 1}, {2, 1}};
  ch.candidates = {{0, 0}, {1, 2}, {1, 1}};
  ch.doc_len = {4, 3};
  a.chunks.push_back(std::move(ch));
  const detail::Remap remap = {{3, 1, -1}};
  detail::ColumnLists extra(1);
  extra[0].ptr = {0, 2};
  extra[0].cols = {3, 0};
  VectorizerOptions o = sklearn_options();
  o.weighting.use_idf = false;
  o.weighting.norm = Norm::none;
  const CsrAny any = detail::assemble(a, remap, extra, 4, o, {}, 0.0, {});
  const auto& m = as<double, std::int32_t>(any);
  EXPECT_EQ(m.indptr, (std::vector<std::int32_t>{0, 3, 5}));
  EXPECT_EQ(plain(m.indices), (std::vector<std::int32_t>{0, 1, 3, 0, 3}));
  EXPECT_EQ(plain(m.data), (std::vector<double>{1, 1, 3, 2, 2}));
}

TEST(FitStatistics, PrunesByTheCountsItIsGivenNotTheStatistics) {
  TermStats stats;
  stats.push_back("aa", 1, 1);
  stats.push_back("bb", 2, 2);
  stats.push_back("cc", 1, 1);
  stats.add_documents(3, 4);
  detail::EntryCounts counts(stats);
  counts.df[2] = 2;  // as the compound expansion adds a part's candidates
  counts.tf[2] = 3;
  VectorizerOptions o = sklearn_options();
  o.prune.min_df = 2;
  const detail::Finalized f = detail::finalize_stats(o, stats, counts, nullptr);
  EXPECT_EQ(f.state.vocabulary.terms(), (std::vector<std::string>{"bb", "cc"}));
  EXPECT_EQ(f.state.df, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(f.column, (std::vector<std::int64_t>{-1, 0, 1}));
  EXPECT_EQ(f.state.n_docs, 3);
  EXPECT_DOUBLE_EQ(f.state.avg_doc_len, 4.0 / 3.0);
}
