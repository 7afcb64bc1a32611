// Similarity core: top-k (every method), pairs, queries and explanations on a hand-built CSR
// matrix whose dot products are exact in binary floating point, plus input validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "newsim/errors.hpp"
#include "newsim/similarity.hpp"

using namespace newsim;

namespace {

/// A CSR matrix owned by the test, viewed as a CsrInput.
template <class I = std::int32_t, class T = float>
struct Csr {
  std::size_t rows = 0, cols = 0;
  std::vector<I> indptr{0};
  std::vector<I> indices;
  std::vector<T> data;

  Csr(std::size_t n_cols, const std::vector<std::vector<std::pair<I, T>>>& row_entries) : cols(n_cols) {
    for (const auto& row : row_entries) {
      for (const auto& [c, v] : row) {
        indices.push_back(c);
        data.push_back(v);
      }
      indptr.push_back(static_cast<I>(indices.size()));
      ++rows;
    }
  }
  [[nodiscard]] CsrInput input() const {
    return CsrInput{rows,           cols, indptr.data(), sizeof(I) == 8, indices.data(), sizeof(I) == 8,
                    data.data(),    sizeof(T) == 8};
  }
};

//       c0    c1    c2    c3
// r0  1.0   .     0.5   .
// r1  0.5   0.5   .     .
// r2  .     0.75  0.25  .
// r3  0.5   0.5   .     .      (a duplicate of r1: ties)
// r4  .     .     .     2.0    (shares no term)
//
// s01 = 0.5, s02 = 0.125, s03 = 0.5, s12 = 0.375, s13 = 0.5, s23 = 0.375; r4 shares nothing.
template <class I = std::int32_t, class T = float>
Csr<I, T> hand() {
  return Csr<I, T>(4, {{{0, 1.0}, {2, 0.5}},
                       {{0, 0.5}, {1, 0.5}},
                       {{1, 0.75}, {2, 0.25}},
                       {{0, 0.5}, {1, 0.5}},
                       {{3, 2.0}}});
}

const std::vector<std::vector<std::int64_t>> kIds3 = {{1, 3, 2}, {0, 3, 2}, {1, 3, 0}, {0, 1, 2}, {-1, -1, -1}};
const std::vector<std::vector<float>> kScores3 = {
    {0.5f, 0.5f, 0.125f}, {0.5f, 0.5f, 0.375f}, {0.375f, 0.375f, 0.125f}, {0.5f, 0.5f, 0.375f}, {0, 0, 0}};

constexpr SimilarityMethod kMethods[] = {SimilarityMethod::automatic, SimilarityMethod::pruned,
                                         SimilarityMethod::brute};

std::string name(SimilarityMethod m) {
  switch (m) {
    case SimilarityMethod::automatic: return "auto";
    case SimilarityMethod::pruned: return "pruned";
    case SimilarityMethod::brute: return "brute";
  }
  return "?";
}

RunContext jobs(std::size_t n) {
  RunContext ctx;
  ctx.n_jobs = n;
  return ctx;
}

void expect_rows(const TopK& t, const std::vector<std::vector<std::int64_t>>& ids,
                 const std::vector<std::vector<float>>& scores, const std::string& what) {
  ASSERT_EQ(t.rows, ids.size()) << what;
  ASSERT_EQ(t.ids.size(), t.rows * t.k) << what;
  ASSERT_EQ(t.scores.size(), t.rows * t.k) << what;
  for (std::size_t r = 0; r < t.rows; ++r)
    for (std::size_t c = 0; c < t.k; ++c) {
      EXPECT_EQ(t.ids[r * t.k + c], ids[r][c]) << what << " row " << r << " rank " << c;
      EXPECT_FLOAT_EQ(t.scores[r * t.k + c], scores[r][c]) << what << " row " << r << " rank " << c;
    }
}

template <class F>
void expect_invalid_option(F&& f, const std::string& fragment) {
  try {
    f();
    FAIL() << "expected InvalidOptionError containing '" << fragment << "'";
  } catch (const InvalidOptionError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Similarity, Properties) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  EXPECT_EQ(index.rows(), 5u);
  EXPECT_EQ(index.cols(), 4u);
  EXPECT_EQ(index.nnz(), 9u);
  EXPECT_FALSE(index.normalized());
  EXPECT_TRUE(index.non_negative());
  EXPECT_EQ(index.document_frequencies(), (std::vector<std::int64_t>{3, 3, 2, 1}));

  const Csr<> unit(2, {{{0, 0.6f}, {1, 0.8f}}, {}, {{1, 1.0f}}});
  EXPECT_TRUE(SimilarityIndex(unit.input()).normalized());  // empty rows do not count
  const Csr<> signed_rows(2, {{{0, -1.0f}}, {{0, 1.0f}}});
  EXPECT_FALSE(SimilarityIndex(signed_rows.input()).non_negative());
}

TEST(Similarity, TopKEveryMethodMatchesHandComputedAnswer) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    for (const std::size_t n_jobs : {1u, 2u}) {
      const std::string what = name(method) + " n_jobs=" + std::to_string(n_jobs);
      expect_rows(index.top_k(3, method, jobs(n_jobs)), kIds3, kScores3, what);
    }
  }
}

TEST(Similarity, TiesGoToTheLowerId) {
  // Row 0 scores 0.5 against rows 1 and 3 and 3 against row 0; row 3 scores 0.5 against 0 and 1.
  const auto m = hand();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    const TopK t = index.top_k(1, method, jobs(1));
    EXPECT_EQ(t.ids[0], 1) << name(method);
    EXPECT_EQ(t.ids[1], 0) << name(method);
    EXPECT_EQ(t.ids[2], 1) << name(method);
    EXPECT_EQ(t.ids[3], 0) << name(method);
    EXPECT_EQ(t.ids[4], -1) << name(method);
  }
  // Four identical rows: every row's neighbours are the other three in id order.
  const Csr<> same(2, {{{0, 1.0f}}, {{0, 1.0f}}, {{0, 1.0f}}, {{0, 1.0f}}});
  const SimilarityIndex dup(same.input());
  for (const auto method : kMethods)
    expect_rows(dup.top_k(3, method, jobs(1)), {{1, 2, 3}, {0, 2, 3}, {0, 1, 3}, {0, 1, 2}},
                {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}}, name(method));
}

TEST(Similarity, PaddingAndDegenerateK) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    const TopK t = index.top_k(6, method, jobs(1));  // k > n - 1
    ASSERT_EQ(t.k, 6u);
    for (std::size_t r = 0; r < 5; ++r)
      for (std::size_t c = 3; c < 6; ++c) {
        EXPECT_EQ(t.ids[r * 6 + c], -1) << name(method);
        EXPECT_EQ(t.scores[r * 6 + c], 0.0f) << name(method);
      }
    const TopK zero = index.top_k(0, method, jobs(1));
    EXPECT_EQ(zero.rows, 5u);
    EXPECT_EQ(zero.k, 0u);
    EXPECT_TRUE(zero.ids.empty());
  }
  const Csr<> empty(4, {});
  const SimilarityIndex none(empty.input());
  const Csr<> one_row(4, {{{0, 1.0f}}});
  const SimilarityIndex single(one_row.input());
  for (const auto method : kMethods) {
    const TopK t = none.top_k(3, method, jobs(1));
    EXPECT_EQ(t.rows, 0u);
    EXPECT_TRUE(t.ids.empty());
    EXPECT_TRUE(none.pairs(0.5, method, jobs(1)).i.empty());
    expect_rows(single.top_k(2, method, jobs(1)), {{-1, -1}}, {{0, 0}}, name(method));
  }
}

TEST(Similarity, LargeKTakesThePerRowPath) {
  // k > 255 is beyond the symmetric kernel's lists: the answer must not change.
  const auto m = hand();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    const TopK t = index.top_k(300, method, jobs(1));
    for (std::size_t r = 0; r < 5; ++r)
      for (std::size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(t.ids[r * 300 + c], kIds3[r][c]) << name(method);
        EXPECT_FLOAT_EQ(t.scores[r * 300 + c], kScores3[r][c]) << name(method);
      }
  }
}

TEST(Similarity, Pairs) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    for (const std::size_t n_jobs : {1u, 2u}) {
      const Pairs p = index.pairs(0.375, method, jobs(n_jobs));
      const std::vector<std::int64_t> i = {0, 0, 1, 1, 2};
      const std::vector<std::int64_t> j = {1, 3, 2, 3, 3};
      const std::vector<float> s = {0.5f, 0.5f, 0.375f, 0.5f, 0.375f};
      EXPECT_EQ(p.i, i) << name(method);
      EXPECT_EQ(p.j, j) << name(method);
      EXPECT_EQ(p.score, s) << name(method);
      const Pairs high = index.pairs(0.4, method, jobs(n_jobs));
      EXPECT_EQ(high.i, (std::vector<std::int64_t>{0, 0, 1})) << name(method);
      EXPECT_EQ(high.j, (std::vector<std::int64_t>{1, 3, 3})) << name(method);
      EXPECT_TRUE(index.pairs(0.6, method, jobs(n_jobs)).i.empty());
    }
  }
  EXPECT_THROW((void)index.pairs(0.0, SimilarityMethod::automatic, jobs(1)), InvalidOptionError);
  EXPECT_THROW((void)index.pairs(-1.0, SimilarityMethod::brute, jobs(1)), InvalidOptionError);
  EXPECT_THROW((void)index.pairs(std::nan(""), SimilarityMethod::pruned, jobs(1)), InvalidOptionError);
}

TEST(Similarity, Query) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  // q = c1: r2 0.75, r1 0.5, r3 0.5 (tie: lower id first); nothing is excluded.
  const Csr<> q(4, {{{1, 1.0f}}, {{0, 1.0f}, {2, 0.5f}}, {}});
  for (const auto method : kMethods)
    expect_rows(index.query(q.input(), 4, method, jobs(1)),
                {{2, 1, 3, -1}, {0, 1, 3, 2}, {-1, -1, -1, -1}},
                {{0.75f, 0.5f, 0.5f, 0}, {1.25f, 0.5f, 0.5f, 0.125f}, {0, 0, 0, 0}}, name(method));
  // negative query weights: exact results by falling back to scoring every posting
  const Csr<> neg(4, {{{0, -1.0f}, {1, 1.0f}}});
  for (const auto method : kMethods)
    expect_rows(index.query(neg.input(), 3, method, jobs(1)), {{2, 1, 3}}, {{0.75f, 0.0f, 0.0f}},
                name(method) + " negative");
}

TEST(Similarity, QueryWithWrongColumnCountThrows) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  const Csr<> q(3, {{{1, 1.0f}}});
  for (const auto method : kMethods)
    expect_invalid_option([&] { (void)index.query(q.input(), 2, method, jobs(1)); }, "Q has 3 columns, the index has 4");
}

TEST(Similarity, ExplainSumsToTheScore) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  const auto c = index.explain(1, 3);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].column, 0);  // equal contributions: lower column first
  EXPECT_EQ(c[1].column, 1);
  EXPECT_DOUBLE_EQ(c[0].value + c[1].value, 0.5);
  const auto d = index.explain(2, 0);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].column, 2);
  EXPECT_DOUBLE_EQ(d[0].value, 0.125);
  EXPECT_TRUE(index.explain(0, 4).empty());
  // every pair: the contributions sum to the top-k score, largest first, and s(a, b) = s(b, a)
  const TopK t = index.top_k(4, SimilarityMethod::brute, jobs(1));
  for (std::size_t r = 0; r < 5; ++r)
    for (std::size_t k = 0; k < 4; ++k) {
      const std::int64_t other = t.ids[r * 4 + k];
      if (other < 0) continue;
      const auto e = index.explain(r, static_cast<std::size_t>(other));
      double sum = 0.0;
      for (std::size_t x = 0; x < e.size(); ++x) {
        sum += e[x].value;
        if (x > 0) {
          EXPECT_GE(e[x - 1].value, e[x].value);
        }
      }
      EXPECT_NEAR(sum, t.scores[r * 4 + k], 1e-6);
      double back = 0.0;
      for (const auto& y : index.explain(static_cast<std::size_t>(other), r)) back += y.value;
      EXPECT_EQ(sum, back);
    }
  EXPECT_THROW((void)index.explain(5, 0), std::out_of_range);
  EXPECT_THROW((void)index.explain(0, 99), std::out_of_range);
}

TEST(Similarity, ExplainRowsWithoutAnIndexEqualsTheIndexsExplain) {
  // Unsorted rows, a duplicate column, a stored zero, float64 weights that round to float32.
  const Csr<std::int64_t, double> m(5, {{{2, 0.5}, {0, 1.0}, {4, 0.0}},
                                         {{1, 0.25}, {0, 0.5}, {1, 0.25}, {4, 3.0}},
                                         {{1, 0.1}, {2, 0.3}, {4, 1.0}},
                                         {{0, 0.5}, {1, 0.5}},
                                         {{3, 2.0}}});
  const SimilarityIndex index(m.input());
  for (std::size_t a = 0; a < m.rows; ++a)
    for (std::size_t b = 0; b < m.rows; ++b) {
      const auto expected = index.explain(a, b);
      const auto got = explain_rows(m.input(), a, b);
      ASSERT_EQ(got.size(), expected.size()) << a << ", " << b;
      for (std::size_t t = 0; t < got.size(); ++t) {
        EXPECT_EQ(got[t].column, expected[t].column) << a << ", " << b;
        EXPECT_EQ(got[t].value, expected[t].value) << a << ", " << b;
      }
    }
  // The stored zero of row 0 is no term: rows 0 and 1 share column 0 only.
  const auto zero = explain_rows(m.input(), 0, 1);
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero[0].column, 0);
  EXPECT_EQ(explain_rows(m.input(), 2, 2).front().value, 1.0);
  EXPECT_THROW((void)explain_rows(m.input(), 5, 0), std::out_of_range);
  expect_invalid_option([&] { (void)explain_rows(CsrInput{2, 2, nullptr, false, nullptr, false, nullptr, false}, 0, 1); },
                        "missing indptr");
}

TEST(Similarity, Int64IndicesAndFloat64Data) {
  const auto m = hand<std::int64_t, double>();
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) expect_rows(index.top_k(3, method, jobs(1)), kIds3, kScores3, name(method));
}

TEST(Similarity, UnsortedAndDuplicateEntriesAreCanonicalized) {
  // r1 of hand() as (c1, 0.25), (c0, 0.5), (c1, 0.25): unsorted with a duplicate column
  const Csr<> m(4, {{{2, 0.5f}, {0, 1.0f}},
                    {{1, 0.25f}, {0, 0.5f}, {1, 0.25f}},
                    {{1, 0.75f}, {2, 0.25f}},
                    {{0, 0.5f}, {1, 0.5f}},
                    {{3, 2.0f}}});
  const SimilarityIndex index(m.input());
  EXPECT_EQ(index.nnz(), 9u);
  EXPECT_EQ(index.document_frequencies(), (std::vector<std::int64_t>{3, 3, 2, 1}));  // r1's c1 once
  for (const auto method : kMethods) expect_rows(index.top_k(3, method, jobs(1)), kIds3, kScores3, name(method));
}

TEST(Similarity, NegativeWeightsGiveExactResults) {
  // s01 = -1 + 2 = 1, s02 = -0.5, s12 = -1: scores may be negative; every method must agree
  const Csr<> m(2, {{{0, -1.0f}, {1, 1.0f}}, {{0, 1.0f}, {1, 2.0f}}, {{1, -0.5f}}});
  const SimilarityIndex index(m.input());
  EXPECT_FALSE(index.non_negative());
  for (const auto method : kMethods) {
    expect_rows(index.top_k(2, method, jobs(1)), {{1, 2}, {0, 2}, {0, 1}}, {{1.0f, -0.5f}, {1.0f, -1.0f}, {-0.5f, -1.0f}},
                name(method));
    const Pairs p = index.pairs(0.5, method, jobs(1));
    EXPECT_EQ(p.i, (std::vector<std::int64_t>{0})) << name(method);
    EXPECT_EQ(p.j, (std::vector<std::int64_t>{1})) << name(method);
  }
}

TEST(Similarity, InvalidCsrThrowsInvalidOptionError) {
  auto bad_column = hand();
  bad_column.indices[3] = 4;  // == cols
  expect_invalid_option([&] { SimilarityIndex x(bad_column.input()); }, "column index 4");
  auto negative_column = hand();
  negative_column.indices[0] = -1;
  expect_invalid_option([&] { SimilarityIndex x(negative_column.input()); }, "column index -1");
  auto decreasing = hand();
  decreasing.indptr[2] = 1;  // indptr = 0, 2, 1, 6, ...
  decreasing.indptr[3] = 0;
  expect_invalid_option([&] { SimilarityIndex x(decreasing.input()); }, "non-decreasing");
  auto bad_start = hand();
  bad_start.indptr[0] = 1;
  expect_invalid_option([&] { SimilarityIndex x(bad_start.input()); }, "start at 0");
  try {
    SimilarityIndex x(bad_column.input());
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "X");
  }
}

TEST(Similarity, NanOrInfThrowsDocumentErrorWithTheRow) {
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
    auto m = hand();
    m.data[5] = bad;  // row 2 (entries 4, 5)
    try {
      SimilarityIndex x(m.input());
      FAIL() << "expected DocumentError";
    } catch (const DocumentError& e) {
      EXPECT_EQ(e.index(), 2u);
      EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
    }
    const auto ok = hand();
    const SimilarityIndex index(ok.input());
    Csr<> q(4, {{{0, 1.0f}}, {{1, bad}}});
    try {
      (void)index.query(q.input(), 2, SimilarityMethod::automatic, jobs(1));
      FAIL() << "expected DocumentError";
    } catch (const DocumentError& e) {
      EXPECT_EQ(e.index(), 1u);
      EXPECT_NE(std::string(e.what()).find("Q: row 1"), std::string::npos) << e.what();
    }
  }
}

TEST(Similarity, EqualFloatScoresAreOrderedById) {
  // s(1, 0) and s(1, 2) differ by 2e-8 in double and are the same float: the returned scores
  // are equal, so the lower id must come first, for every method (as documented for TopK).
  const Csr<> m(3, {{{0, 1.0f}},
                    {{0, 0.70710677f}, {1, 0.70710677f}},
                    {{0, 1.0f / 3.0f}, {1, 2.0f / 3.0f}, {2, 2.0f / 3.0f}}});
  const SimilarityIndex index(m.input());
  for (const auto method : kMethods) {
    const TopK t = index.top_k(2, method, jobs(1));
    ASSERT_EQ(t.scores[2], t.scores[3]) << name(method);
    EXPECT_EQ(t.ids[2], 0) << name(method);
    EXPECT_EQ(t.ids[3], 2) << name(method);
  }
}

TEST(TopEntries, LargestFirstTiesToLowerColumnPadded) {
  const Csr<> m(4, {{{0, 0.5f}, {1, 2.0f}, {3, 0.5f}}, {}, {{2, 1.0f}}});
  const TopK t = top_entries(m.input(), 2);
  EXPECT_EQ(t.ids, (std::vector<std::int64_t>{1, 0, -1, -1, 2, -1}));
  EXPECT_EQ(t.scores, (std::vector<float>{2.0f, 0.5f, 0, 0, 1.0f, 0}));
}

namespace {

/// Random non-negative rows over a few common columns (each in a row with probability
/// `p_common` / 100) and many rare ones, with weights in multiples of 1/8, so that every dot
/// product is exact in any order of summation and the kernels must agree bit for bit, ties
/// included.
Csr<> mixed(std::size_t n, std::uint32_t seed, std::int32_t n_common = 4, std::uint32_t p_common = 70) {
  std::uint32_t state = seed;
  const auto next = [&](std::uint32_t bound) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % bound;
  };
  const std::int32_t kCommon = n_common;
  const std::int32_t kCols = 56 + n_common;
  std::vector<std::vector<std::pair<std::int32_t, float>>> rows(n);
  for (auto& r : rows) {
    if (next(20) == 0) continue;  // an empty row now and then
    for (std::int32_t c = 0; c < kCommon; ++c)
      if (next(100) < p_common) r.emplace_back(c, 0.125f * static_cast<float>(1 + next(16)));
    if (next(4) == 0) continue;  // only common terms: found by the bounds, never scanned
    for (std::uint32_t e = next(4); e-- > 0;) {
      const auto c = static_cast<std::int32_t>(kCommon + next(kCols - kCommon));
      if (std::none_of(r.begin(), r.end(), [&](const auto& x) { return x.first == c; }))
        r.emplace_back(c, 0.125f * static_cast<float>(1 + next(16)));
    }
    std::sort(r.begin(), r.end());
  }
  return Csr<>(kCols, rows);
}

TEST(Similarity, PrunedSymmetricTopKEqualsBruteForceBitForBit) {
  // Common terms (df > 20 %): 4 in most rows, 12 in most rows, or 4 in about a quarter of the
  // rows (close to the limit: some of them are common, some not).
  struct Common {
    std::int32_t n;
    std::uint32_t percent;
  };
  for (const auto [n_common, p_common] : {Common{4, 70}, Common{12, 70}, Common{4, 23}}) {
    for (const std::size_t n : {2u, 7u, 60u, 400u}) {
      for (std::uint32_t seed = 1; seed <= 4; ++seed) {
        const auto m = mixed(n, seed, n_common, p_common);
        const SimilarityIndex index(m.input());
        for (const std::size_t k : {1u, 3u, 10u}) {
          const TopK brute = index.top_k(k, SimilarityMethod::brute, jobs(1));
          for (const auto method : {SimilarityMethod::automatic, SimilarityMethod::pruned})
            for (const std::size_t n_jobs : {1u, 2u}) {
              const TopK t = index.top_k(k, method, jobs(n_jobs));
              const std::string what = "common " + std::to_string(n_common) + " at " + std::to_string(p_common) +
                                       "% n=" + std::to_string(n) + " seed=" + std::to_string(seed) +
                                       " k=" + std::to_string(k) + " " + name(method) +
                                       " n_jobs=" + std::to_string(n_jobs);
              EXPECT_EQ(t.ids, brute.ids) << what;
              EXPECT_EQ(t.scores, brute.scores) << what;
            }
        }
      }
    }
  }
}

TEST(Similarity, DenseQueryScoringEqualsBruteForceBitForBit) {
  // method 'auto' scores queries that reach many rows in a dense array (no touched-row marks);
  // 'brute' keeps the marked accumulator: same sums in the same order, so the same bits, ties
  // to the lower id included. Queries: the index's own rows (identical rows tie) and others.
  for (const std::size_t n : {2u, 7u, 60u, 400u}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      const auto m = mixed(n, seed);
      const SimilarityIndex index(m.input());
      const auto other = mixed(n + 5, seed + 100);
      for (const auto* q : {&m, &other})
        for (const std::size_t k : {1u, 3u, 10u, 500u})
          for (const std::size_t n_jobs : {1u, 2u}) {
            const TopK brute = index.query(q->input(), k, SimilarityMethod::brute, jobs(1));
            const TopK t = index.query(q->input(), k, SimilarityMethod::automatic, jobs(n_jobs));
            const std::string what = "n=" + std::to_string(n) + " seed=" + std::to_string(seed) +
                                     " k=" + std::to_string(k) + " n_jobs=" + std::to_string(n_jobs) +
                                     (q == &m ? " own rows" : " other rows");
            EXPECT_EQ(t.ids, brute.ids) << what;
            EXPECT_EQ(t.scores, brute.scores) << what;
          }
      // All-pairs top-k with k > 255 (beyond the symmetric kernel) scores rows as queries
      // with themselves excluded.
      const TopK all_brute = index.top_k(300, SimilarityMethod::brute, jobs(1));
      const TopK all = index.top_k(300, SimilarityMethod::automatic, jobs(2));
      EXPECT_EQ(all.ids, all_brute.ids) << "top_k(300) n=" << n << " seed=" << seed;
      EXPECT_EQ(all.scores, all_brute.scores) << "top_k(300) n=" << n << " seed=" << seed;
    }
  }
}

TEST(Similarity, StoredZeroQueryWeightsShareNoTerm) {
  // A row that shares only a term of weight 0 with the query shares no term: it is no
  // neighbour (issue 18: a score of 0 from a stored zero listed phantom neighbours).
  const Csr<> m(3, {{{0, 1.0f}}, {{0, 0.5f}, {1, 0.5f}}, {{1, 1.0f}}});
  const SimilarityIndex index(m.input());
  const Csr<> q(3, {{{0, 1.0f}, {1, 0.0f}}});
  const TopK a = index.query(q.input(), 3, SimilarityMethod::automatic, jobs(1));
  const TopK b = index.query(q.input(), 3, SimilarityMethod::brute, jobs(1));
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_EQ(a.scores, b.scores);
  EXPECT_EQ(a.ids, (std::vector<std::int64_t>{0, 1, -1}));
  // The same with the zero stored in the index: rows 0 and 1 share only a stored zero.
  const Csr<> z(2, {{{0, 1.0f}}, {{0, 0.0f}, {1, 1.0f}}, {{1, 1.0f}}});
  const SimilarityIndex zi(z.input());
  for (const auto method : {SimilarityMethod::automatic, SimilarityMethod::brute}) {
    const TopK t = zi.top_k(2, method, jobs(1));
    EXPECT_EQ(t.ids, (std::vector<std::int64_t>{-1, -1, 2, -1, 1, -1}));
  }
  EXPECT_EQ(zi.nnz(), 3u);
}

}  // namespace

namespace {

using SparseRows = std::vector<std::vector<std::pair<std::int32_t, float>>>;

/// The k best rows for `query` by plain dot products (double), best first, ties to the lower
/// id: (id, score as float), padded with (-1, 0). Rows scoring 0 and row `exclude` are left out.
std::vector<std::pair<std::int64_t, float>> reference_top(const SparseRows& rows,
                                                          const std::vector<std::pair<std::int32_t, float>>& query,
                                                          std::int32_t n_cols, std::size_t k, std::size_t exclude) {
  std::vector<double> dense(static_cast<std::size_t>(n_cols), 0.0);
  for (const auto& [c, v] : query) dense[static_cast<std::size_t>(c)] = v;
  std::vector<std::pair<double, std::int64_t>> scored;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    double s = 0.0;
    for (const auto& [c, v] : rows[r]) s += dense[static_cast<std::size_t>(c)] * v;
    if (r != exclude && s > 0.0) scored.emplace_back(-s, static_cast<std::int64_t>(r));
  }
  const std::size_t keep = std::min(k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep), scored.end());
  std::vector<std::pair<std::int64_t, float>> top(k, {-1, 0.0f});
  for (std::size_t j = 0; j < keep; ++j) top[j] = {scored[j].second, static_cast<float>(-scored[j].first)};
  return top;
}

}  // namespace

TEST(Similarity, AllPairsTopKOnEitherSideOfSixteenBitRowIds) {
  // The all-pairs kernel reads row ids as 16-bit numbers up to n = 65,536 and as 32-bit ones
  // beyond: on both sides of that limit, each row's top-k (pruned and brute force) must equal a
  // plain dot product against every row. The weights are multiples of 1/8, so every score is
  // exact and ties (many) must go to the lower id.
  for (const std::size_t n_rows : {std::size_t{65536}, std::size_t{65537}}) {
    std::uint32_t state = 17;
    const auto next = [&](std::uint32_t bound) {
      state = state * 1664525u + 1013904223u;
      return (state >> 8) % bound;
    };
    constexpr std::int32_t kCols = 5000;
    SparseRows rows(n_rows);
    for (std::size_t r = 0; r < n_rows; ++r) {
      if (r % 4 == 0) rows[r].emplace_back(0, 0.125f * static_cast<float>(1 + next(4)));  // common
      for (std::uint32_t e = 1 + next(3); e-- > 0;) {
        const auto c = static_cast<std::int32_t>(1 + next(kCols - 1));
        if (std::none_of(rows[r].begin(), rows[r].end(), [&](const auto& x) { return x.first == c; }))
          rows[r].emplace_back(c, 0.125f * static_cast<float>(1 + next(8)));
      }
      std::sort(rows[r].begin(), rows[r].end());
    }
    const Csr<> m(kCols, rows);
    const SimilarityIndex index(m.input());
    constexpr std::size_t k = 4;
    // Rows at both ends (ids 0 and 65,535 / 65,536 included) and in between.
    std::vector<std::size_t> picked{0, 1, n_rows - 2, n_rows - 1};
    for (std::size_t q = 0; q < 20; ++q) picked.push_back(next(static_cast<std::uint32_t>(n_rows)));
    for (const auto method : {SimilarityMethod::automatic, SimilarityMethod::brute}) {
      const TopK got = index.top_k(k, method, jobs(2));
      for (const std::size_t i : picked) {
        const auto want = reference_top(rows, rows[i], kCols, k, i);
        for (std::size_t j = 0; j < k; ++j) {
          EXPECT_EQ(got.ids[i * k + j], want[j].first) << n_rows << " rows, row " << i << " rank " << j;
          EXPECT_EQ(got.scores[i * k + j], want[j].second) << n_rows << " rows, row " << i << " rank " << j;
        }
      }
    }
  }
}

TEST(Similarity, PostingsOfLargeMatricesMatchARowByRowReference) {
  // The index's column-major copy is built block by block (at most 2^16 entries or 2^16 columns
  // per block, a column with more entries alone): a matrix with a column in every row (70,000
  // entries, a block of its own), 200,000 columns (several blocks by column count) and rare
  // columns must give the neighbours a plain dot product over the test's own rows gives.
  constexpr std::size_t kRows = 70000;
  constexpr std::int32_t kCols = 200000;
  std::uint32_t state = 9;
  const auto next = [&](std::uint32_t bound) {
    state = state * 1664525u + 1013904223u;
    return (state >> 8) % bound;
  };
  SparseRows rows(kRows);
  for (std::size_t r = 0; r < kRows; ++r) {
    rows[r].emplace_back(0, 0.125f * static_cast<float>(1 + next(8)));
    for (std::uint32_t e = next(3); e-- > 0;) {
      // Rare columns, clustered so that rows share them: 0..2047 and the far end.
      const auto c = static_cast<std::int32_t>(next(2) == 0 ? 1 + next(2047) : kCols - 1 - next(4096));
      if (std::none_of(rows[r].begin(), rows[r].end(), [&](const auto& x) { return x.first == c; }))
        rows[r].emplace_back(c, 0.125f * static_cast<float>(1 + next(8)));
    }
    std::sort(rows[r].begin(), rows[r].end());
  }
  const Csr<> m(kCols, rows);
  const SimilarityIndex index(m.input());
  std::vector<std::int64_t> df(kCols, 0);
  for (const auto& row : rows)
    for (const auto& [c, v] : row) ++df[static_cast<std::size_t>(c)];
  EXPECT_EQ(index.document_frequencies(), df);
  // 40 rows as queries, brute force in the index against dot products here.
  std::vector<std::size_t> picked;
  for (std::size_t q = 0; q < 40; ++q) picked.push_back(next(kRows));
  std::vector<std::vector<std::pair<std::int32_t, float>>> q_rows;
  for (const std::size_t i : picked) q_rows.push_back(rows[i]);
  const Csr<> q(kCols, q_rows);
  constexpr std::size_t k = 5;
  const TopK got = index.query(q.input(), k, SimilarityMethod::brute, jobs(1));
  for (std::size_t t = 0; t < picked.size(); ++t) {
    // Every row has column 0: every score is > 0, and the query's own row is one of them.
    const auto want = reference_top(rows, q_rows[t], kCols, k, kRows);
    for (std::size_t j = 0; j < k; ++j) {
      EXPECT_EQ(got.ids[t * k + j], want[j].first) << "query " << t << " rank " << j;
      EXPECT_EQ(got.scores[t * k + j], want[j].second) << "query " << t;
    }
  }
}

// A window over the articles' dates (not in row order: the kernel runs on a copy in date order)
// and sources. Dates: r0 10, r1 0, r2 5, r3 20, r4 0; a window of 10 keeps the pairs at most 10
// apart: (0,1), (0,3), (1,2), (0,2) and r4's, and drops (1,3) and (2,3).
namespace {

/// A filter of these dates, window, sources and exclusion (designated initializers would leave
/// members out, which -Wextra reports).
ArticleFilter article_filter(std::span<const std::int64_t> dates, std::optional<std::int64_t> window,
                             std::span<const std::int32_t> sources = {}, bool exclude = false) {
  ArticleFilter f;
  f.dates = dates;
  f.window = window;
  f.sources = sources;
  f.exclude_same_source = exclude;
  return f;
}

}  // namespace

TEST(Similarity, WindowAndSourcesLimitTopKAndPairs) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  const std::vector<std::int64_t> dates = {10, 0, 5, 20, 0};
  const std::vector<std::int32_t> sources = {0, 0, 1, 0, -1};
  const ArticleFilter window = article_filter(dates, 10);
  const ArticleFilter both = article_filter(dates, 10, sources, true);
  for (const auto method : kMethods) {
    for (const std::size_t n_jobs : {1u, 2u}) {
      const Pairs p = index.pairs(0.375, method, jobs(n_jobs), window);
      EXPECT_EQ(p.i, (std::vector<std::int64_t>{0, 0, 1})) << name(method);
      EXPECT_EQ(p.j, (std::vector<std::int64_t>{1, 3, 2})) << name(method);
      EXPECT_EQ(p.score, (std::vector<float>{0.5f, 0.5f, 0.375f})) << name(method);
      const Pairs q = index.pairs(0.375, method, jobs(n_jobs), both);  // (0,1), (0,3): one source
      EXPECT_EQ(q.i, (std::vector<std::int64_t>{1})) << name(method);
      EXPECT_EQ(q.j, (std::vector<std::int64_t>{2})) << name(method);
      expect_rows(index.top_k(2, method, jobs(n_jobs), window), {{1, 3}, {0, 2}, {1, 0}, {0, -1}, {-1, -1}},
                  {{0.5f, 0.5f}, {0.5f, 0.375f}, {0.375f, 0.125f}, {0.5f, 0}, {0, 0}}, name(method));
      expect_rows(index.top_k(2, method, jobs(n_jobs), both), {{2, -1}, {2, -1}, {1, 0}, {-1, -1}, {-1, -1}},
                  {{0.125f, 0}, {0.375f, 0}, {0.375f, 0.125f}, {0, 0}, {0, 0}}, name(method));
      // A window wider than the dates' span leaves every pair in: the plain kernels serve it.
      const ArticleFilter wide = article_filter(dates, std::numeric_limits<std::int64_t>::max());
      const TopK plain = index.top_k(3, method, jobs(n_jobs));
      const TopK limited = index.top_k(3, method, jobs(n_jobs), wide);
      EXPECT_EQ(plain.ids, limited.ids) << name(method);
      EXPECT_EQ(plain.scores, limited.scores) << name(method);
    }
  }
  // Queries: r1's row dated 0 against the index: r0 (10) and r2 (5) within 10, r3 (20) not.
  const auto q = Csr<>(4, {{{0, 0.5}, {1, 0.5}}});
  const std::vector<std::int64_t> query_dates = {0};
  ArticleFilter for_queries = window;
  for_queries.query_dates = query_dates;
  const Pairs qp = index.query_pairs(q.input(), 0.3, SimilarityMethod::automatic, jobs(1), {}, for_queries);
  EXPECT_EQ(qp.j, (std::vector<std::int64_t>{0, 1, 2}));
  expect_rows(index.query(q.input(), 2, SimilarityMethod::brute, jobs(1), {}, for_queries), {{0, 1}},
              {{0.5f, 0.5f}}, "query");
}

TEST(Similarity, ArticleFiltersThatDoNotFitAreNamed) {
  const auto m = hand();
  const SimilarityIndex index(m.input());
  const std::vector<std::int64_t> dates = {10, 0, 5, 20, 0};
  const std::vector<std::int32_t> bad_codes = {0, -2, 0, 0, 0};
  const auto run = [&](const ArticleFilter& f) { (void)index.pairs(0.3, SimilarityMethod::automatic, jobs(1), f); };
  expect_invalid_option([&] { run(article_filter(dates, -1)); }, "window must be a duration >= 0, got -1 ns");
  expect_invalid_option([&] { run(article_filter(std::span(dates).first(3), 1)); },
                        "a window needs one date per article: 3 dates for 5 articles");
  expect_invalid_option([&] { run(article_filter({}, std::nullopt, {}, true)); },
                        "exclude_same_source needs one source per article: 0 sources for 5 articles");
  expect_invalid_option([&] { run(article_filter({}, std::nullopt, bad_codes, true)); },
                        "sources[1] = -2 is not a source's code");
  const auto q = Csr<>(4, {{{0, 1.0}}});
  expect_invalid_option(
      [&] {
        (void)index.query_pairs(q.input(), 0.3, SimilarityMethod::automatic, jobs(1), {}, article_filter(dates, 1));
      },
      "a window needs one date per query: 0 dates for 1 queries");
}
