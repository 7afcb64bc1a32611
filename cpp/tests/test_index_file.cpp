// The index file in the core: CRC-32C against its published check value, on both code paths;
// round trips through bytes and files (mapped and read) that give the same answers; every
// truncation and every flipped byte of a small file refused with FormatError (the Python tests
// and the fuzz target craft the structural damage); labels that do not fit refused at save.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>
#include <algorithm>
#include <system_error>

#include "../src/crc32c.hpp"
#include "../src/index_file.hpp"
#include "newsim/errors.hpp"
#include "newsim/similarity.hpp"

using namespace newsim;

namespace {

struct Matrix {
  std::vector<std::int32_t> indptr{0}, indices;
  std::vector<float> data;
  std::size_t rows = 0, cols = 0;
  [[nodiscard]] CsrInput input() const {
    return {rows, cols, indptr.data(), false, indices.data(), false, data.data(), false};
  }
};

/// A small deterministic matrix: row r holds columns (r * 7 + j * 3) % cols for j < 4.
Matrix sample(std::size_t rows, std::size_t cols) {
  Matrix m;
  m.rows = rows;
  m.cols = cols;
  for (std::size_t r = 0; r < rows; ++r) {
    std::vector<std::int32_t> c;
    for (std::size_t j = 0; j < 4; ++j) c.push_back(static_cast<std::int32_t>((r * 7 + j * 3) % cols));
    std::sort(c.begin(), c.end());
    c.erase(std::unique(c.begin(), c.end()), c.end());
    for (const auto col : c) {
      m.indices.push_back(col);
      m.data.push_back(0.25f + 0.125f * static_cast<float>((r + static_cast<std::size_t>(col)) % 5));
    }
    m.indptr.push_back(static_cast<std::int32_t>(m.indices.size()));
  }
  return m;
}

void expect_same(const SimilarityIndex& a, const SimilarityIndex& b) {
  const RunContext ctx{1, nullptr};
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.nnz(), b.nnz());
  EXPECT_EQ(a.document_frequencies(), b.document_frequencies());
  EXPECT_EQ(a.normalized(), b.normalized());
  for (const auto m : {SimilarityMethod::automatic, SimilarityMethod::brute}) {
    const TopK x = a.top_k(3, m, ctx), y = b.top_k(3, m, ctx);
    EXPECT_EQ(x.ids, y.ids);
    EXPECT_EQ(x.scores, y.scores);
    const Pairs p = a.pairs(0.1, m, ctx), q = b.pairs(0.1, m, ctx);
    EXPECT_EQ(p.i, q.i);
    EXPECT_EQ(p.score, q.score);
  }
}

}  // namespace

TEST(IndexFile, Crc32cMatchesItsCheckValueOnBothPaths) {
  const std::string nine = "123456789";
  EXPECT_EQ(detail::crc32c(0, nine.data(), nine.size()), 0xE3069283u);
  EXPECT_EQ(detail::crc32c_by_table(0, nine.data(), nine.size()), 0xE3069283u);
  std::string long_text;
  for (int i = 0; i < 1000; ++i) long_text += static_cast<char>(i * 31 + 7);
  for (std::size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 1000u}) {
    const std::uint32_t whole = detail::crc32c(0, long_text.data(), long_text.size());
    EXPECT_EQ(detail::crc32c(detail::crc32c(0, long_text.data(), cut), long_text.data() + cut, long_text.size() - cut),
              whole);
    EXPECT_EQ(detail::crc32c_by_table(0, long_text.data(), long_text.size()), whole);
  }
  // Inputs long enough for the three-lane path (blocks of 3 x 4096 bytes), at lengths and
  // offsets around the block's edges: the same value as the table's.
  std::string big;
  for (int i = 0; i < 3 * 3 * 4096 + 100; ++i) big += static_cast<char>((i * 2654435761u) >> 13);
  for (std::size_t start : {0u, 1u, 5u}) {
    for (std::size_t len : {3u * 4096 - 1, 3u * 4096, 3u * 4096 + 1, 3u * 4096 + 9, 6u * 4096 + 17, 9u * 4096 + 99}) {
      EXPECT_EQ(detail::crc32c(7, big.data() + start, len), detail::crc32c_by_table(7, big.data() + start, len))
          << start << " " << len;
    }
  }
}

TEST(IndexFile, RoundTripsThroughBytesAndFiles) {
  const Matrix m = sample(50, 23);
  const SimilarityIndex index(m.input());
  const std::vector<std::int64_t> ids = [] {
    std::vector<std::int64_t> v;
    for (std::int64_t i = 0; i < 50; ++i) v.push_back(1000 - i);
    return v;
  }();
  IndexLabels labels;
  labels.ids = IndexLabels::Ids::integers;
  labels.integer_ids = ids;
  const std::string bytes = index.to_bytes(labels);
  const SimilarityIndex back = SimilarityIndex::from_bytes(bytes);
  expect_same(index, back);
  EXPECT_FALSE(back.mapped());
  ASSERT_EQ(back.labels().ids, IndexLabels::Ids::integers);
  EXPECT_EQ(std::vector<std::int64_t>(back.labels().integer_ids.begin(), back.labels().integer_ids.end()), ids);
  EXPECT_EQ(back.to_bytes(back.labels()), bytes);  // canonical

  const auto path = (std::filesystem::temp_directory_path() / ("newsim-index-" + std::to_string(::getpid()) + ".nsi")).string();
  index.save(path, labels);
  for (const bool mmap : {true, false}) {
    const SimilarityIndex loaded = SimilarityIndex::load(path, mmap);
    EXPECT_EQ(loaded.mapped(), mmap);
    expect_same(index, loaded);
  }
  std::filesystem::remove(path);
  EXPECT_THROW((void)SimilarityIndex::load(path, true), std::system_error);
}

TEST(IndexFile, EveryTruncationAndEveryFlippedByteIsRefused) {
  const Matrix m = sample(12, 9);
  const SimilarityIndex index(m.input());
  const std::string bytes = index.to_bytes({});
  for (std::size_t cut = 0; cut < bytes.size(); ++cut)
    EXPECT_THROW((void)SimilarityIndex::from_bytes(bytes.substr(0, cut)), FormatError) << "cut at " << cut;
  // Every byte counts: the header and each section have a checksum, the padding between
  // sections must be zero.
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x10);
    EXPECT_THROW((void)SimilarityIndex::from_bytes(flipped), FormatError) << "byte " << at;
  }
}

TEST(IndexFile, ThePlainAndTheWideLoopsAcceptAndRefuseAlike) {
  // The loader checks stored values with a loop the compiler vectorizes for AVX-512 where the
  // CPU has it, else a plain one: damaged files (checksums resealed, so that the structural
  // checks see them) are refused by both with the same message, sound ones accepted.
  const Matrix m = sample(40, 13);
  const SimilarityIndex index(m.input());
  const std::string bytes = index.to_bytes({});
  const auto section = [&](std::uint32_t kind) {
    for (std::size_t at = 64;; at += 32) {
      std::uint32_t k = 0;
      std::uint64_t offset = 0;
      std::memcpy(&k, bytes.data() + at, 4);
      std::memcpy(&offset, bytes.data() + at + 8, 8);
      if (k == kind) return static_cast<std::size_t>(offset);
    }
  };
  const auto outcome = [](const std::string& file, bool plain) {
    const bool before = detail::use_plain_scan(plain);
    std::string what;
    try {
      (void)SimilarityIndex::from_bytes(file);
    } catch (const FormatError& e) {
      what = e.what();
    }
    detail::use_plain_scan(before);
    return what;
  };
  const auto put32 = [](std::string& file, std::size_t at, auto v) { std::memcpy(file.data() + at, &v, 4); };
  struct Damage {
    std::uint32_t section;
    std::size_t entry;
    std::uint32_t value;  // bits
    const char* expected;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<Damage> damages{
      {2, 0, 13, "row 0's columns are not increasing or out of range"},
      {2, 1, 0, "row 0's columns are not increasing or out of range"},
      {2, 70, 0xFFFFFFFFu, "row 17's columns are not increasing or out of range"},
      {3, 5, std::bit_cast<std::uint32_t>(nan), "has a weight that is zero, infinite or NaN"},
      {3, 159, 0, "row 39 has a weight that is zero, infinite or NaN"},
      {3, 80, 0x80000000u, "has a weight that is zero, infinite or NaN"},  // -0
      {3, 81, 0x7F800000u, "has a weight that is zero, infinite or NaN"},  // inf
      {3, 82, std::bit_cast<std::uint32_t>(-0.5f), "not the transpose of the rows"},
      {5, 3, 40, "out of range"},
      {6, 100, std::bit_cast<std::uint32_t>(0.125f), "not the transpose of the rows"},
      {1, 7, 1000, "row offsets"},
      {4, 13, 0, "column offsets"},
  };
  EXPECT_EQ(outcome(bytes, true), "");
  EXPECT_EQ(outcome(bytes, false), "");
  for (const Damage& d : damages) {
    std::string file = bytes;
    put32(file, section(d.section) + 4 * d.entry, d.value);
    detail::reseal_index_file(file);
    const std::string plain = outcome(file, true), wide = outcome(file, false);
    EXPECT_EQ(plain, wide) << d.section << ":" << d.entry;
    EXPECT_NE(plain.find(d.expected), std::string::npos) << d.section << ":" << d.entry << " " << plain;
  }
}

TEST(IndexFile, LabelsThatDoNotFitAreRefusedAtSave) {
  const Matrix m = sample(3, 5);
  const SimilarityIndex index(m.input());
  const std::vector<std::int64_t> two{1, 2};
  IndexLabels labels;
  labels.ids = IndexLabels::Ids::integers;
  labels.integer_ids = two;
  EXPECT_THROW((void)index.to_bytes(labels), InvalidOptionError);
  const std::vector<std::int64_t> same{4, 4, 5};
  labels.integer_ids = same;
  try {
    (void)index.to_bytes(labels);
    ADD_FAILURE() << "duplicate ids accepted";
  } catch (const InvalidOptionError& e) {
    EXPECT_EQ(e.option(), "ids");
    EXPECT_NE(std::string(e.what()).find("the id 4 is given to more than one article"), std::string::npos) << e.what();
  }
}

TEST(IndexFile, IdsAreUniqueWhetherInOrderOrNot) {
  // Uniqueness has two paths: ids in increasing order pass on the way, any others are sorted.
  // Both, for integer and string ids, at save and at load (the same check).
  const Matrix m = sample(5, 7);
  const SimilarityIndex index(m.input());
  const auto accepted = [&](const IndexLabels& labels) {
    const SimilarityIndex back = SimilarityIndex::from_bytes(index.to_bytes(labels));
    EXPECT_EQ(back.labels().ids, labels.ids);
  };
  const auto refused = [&](const IndexLabels& labels, const std::string& id) {
    try {
      (void)index.to_bytes(labels);
      ADD_FAILURE() << "duplicate id " << id << " accepted";
    } catch (const InvalidOptionError& e) {
      EXPECT_NE(std::string(e.what()).find(id + " is given to more than one article"), std::string::npos) << e.what();
    }
  };
  IndexLabels labels;
  labels.ids = IndexLabels::Ids::integers;
  using Ids = std::vector<std::int64_t>;
  for (const Ids& ok : std::initializer_list<Ids>{{1, 2, 3, 8, 9}, {9, 1, 3, 8, 2}}) {
    labels.integer_ids = ok;
    accepted(labels);
  }
  for (const Ids& twice : std::initializer_list<Ids>{{1, 2, 2, 8, 9}, {9, 2, 3, 8, 9}}) {
    labels.integer_ids = twice;
    refused(labels, "the id " + std::to_string(twice[2] == 2 ? 2 : 9));
  }
  labels = {};
  labels.ids = IndexLabels::Ids::strings;
  std::vector<std::uint64_t> offsets;
  std::string bytes;
  const auto strings = [&](const std::vector<std::string>& ids) {
    offsets.assign(1, 0);
    bytes.clear();
    for (const std::string& s : ids) {
      bytes += s;
      offsets.push_back(bytes.size());
    }
    labels.string_ids = StringList{offsets, bytes};
  };
  strings({"a", "ab", "b", "c\xc3\xa9", "d"});  // increasing byte by byte
  accepted(labels);
  strings({"d", "a", "c\xc3\xa9", "ab", "b"});
  accepted(labels);
  strings({"a", "ab", "ab", "c", "d"});
  refused(labels, "the id 'ab'");
  strings({"d", "a", "c", "ab", "d"});
  refused(labels, "the id 'd'");
}

TEST(IndexFile, MergedEqualsAnIndexBuiltFromTheKeptRows) {
  const Matrix all = sample(30, 11);
  const SimilarityIndex whole(all.input());
  // main: rows 0-19, delta: rows 20-29; remove rows 3 and 25
  Matrix head = all, tail;
  head.rows = 20;
  head.indptr.resize(21);
  tail.rows = 10;
  tail.cols = all.cols;
  for (std::size_t r = 20; r <= 30; ++r) tail.indptr.push_back(all.indptr[r] - all.indptr[20]);
  tail.indptr.erase(tail.indptr.begin());  // the {0} it started with, now pushed again
  tail.indices.assign(all.indices.begin() + all.indptr[20], all.indices.end());
  tail.data.assign(all.data.begin() + all.indptr[20], all.data.end());
  const SimilarityIndex main_part(head.input());
  const SimilarityIndex delta(tail.input());
  expect_same(main_part.merged(&delta, {}), whole);
  std::vector<std::uint8_t> removed(30, 0);
  removed[3] = removed[25] = 1;
  Matrix kept;
  kept.cols = all.cols;
  for (std::size_t r = 0; r < 30; ++r) {
    if (removed[r] != 0) continue;
    for (std::int32_t p = all.indptr[r]; p < all.indptr[r + 1]; ++p) {
      kept.indices.push_back(all.indices[static_cast<std::size_t>(p)]);
      kept.data.push_back(all.data[static_cast<std::size_t>(p)]);
    }
    kept.indptr.push_back(static_cast<std::int32_t>(kept.indices.size()));
    ++kept.rows;
  }
  expect_same(main_part.merged(&delta, removed), SimilarityIndex(kept.input()));
  const Matrix narrow = sample(4, 5);
  const SimilarityIndex other(narrow.input());
  EXPECT_THROW((void)main_part.merged(&other, {}), InvalidOptionError);
  EXPECT_THROW((void)main_part.merged(&delta, std::vector<std::uint8_t>(7, 0)), InvalidOptionError);
}
