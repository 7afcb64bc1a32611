// The similarity core's memory figures against what it allocates: the test binary's operator
// new counts the bytes live and their peak, so that a call's scratch is measured, not guessed.
// The matrices are small enough that every array stays on the heap (arrays of 2 MiB and more
// are mapped by BigAllocator, past operator new).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "newsim/parallel.hpp"
#include "newsim/similarity.hpp"

namespace {

std::atomic<std::size_t> g_live{0};
std::atomic<std::size_t> g_peak{0};
constexpr std::size_t kHeader = 16;  // keeps malloc's 16-byte alignment

void* counted_new(std::size_t n) {
  void* block = std::malloc(n + kHeader);
  if (block == nullptr) throw std::bad_alloc();
  *static_cast<std::size_t*>(block) = n;
  const std::size_t live = g_live.fetch_add(n) + n;
  std::size_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return static_cast<char*>(block) + kHeader;
}

void counted_delete(void* p) noexcept {
  if (p == nullptr) return;
  char* block = static_cast<char*>(p) - kHeader;
  g_live.fetch_sub(*reinterpret_cast<std::size_t*>(block));
  std::free(block);
}

}  // namespace

void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }
// The nothrow forms too (std::stable_sort's temporary buffer takes one, and frees it with the
// sized delete above): under AddressSanitizer they do not fall back on the forms replaced here.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return counted_new(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { counted_delete(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { counted_delete(p); }

using namespace newsim;

namespace {

/// The bytes `f` allocates at its peak beyond what was live before it.
template <class F>
std::size_t peak_of(F&& f) {
  const std::size_t before = g_live.load();
  g_peak.store(before);
  f();
  return g_peak.load() - before;
}

/// A rows x cols CSR matrix: each row holds `per_row` spread columns and, in most rows, the
/// first three columns (common terms: in more than 20 % of the rows); weights in (0, 1], or
/// some negative with `negative`.
struct Matrix {
  std::size_t rows, cols;
  std::vector<std::int32_t> indptr{0}, indices;
  std::vector<float> data;
  Matrix(std::size_t n, std::size_t n_cols, std::size_t per_row, bool negative) : rows(n), cols(n_cols) {
    std::uint32_t state = 12345;
    const auto next = [&] { return state = state * 1664525u + 1013904223u; };
    for (std::size_t r = 0; r < n; ++r) {
      std::vector<std::int32_t> row;
      if (r % 4 != 0) row = {0, 1, 2};
      for (std::size_t j = 0; j < per_row; ++j) row.push_back(static_cast<std::int32_t>(3 + next() % (n_cols - 3)));
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      for (const std::int32_t c : row) {
        indices.push_back(c);
        float v = static_cast<float>(next() % 1000 + 1) / 1000.0f;
        if (negative && next() % 7 == 0) v = -v;
        data.push_back(v);
      }
      indptr.push_back(static_cast<std::int32_t>(indices.size()));
    }
  }
  [[nodiscard]] CsrInput input() const {
    return CsrInput{rows, cols, indptr.data(), false, indices.data(), false, data.data(), false};
  }
};

std::string label(std::size_t k, SimilarityMethod m, std::size_t n_jobs, bool negative) {
  return "k=" + std::to_string(k) + " method=" + std::to_string(static_cast<int>(m)) +
         " n_jobs=" + std::to_string(n_jobs) + (negative ? " negative weights" : " positive weights");
}

}  // namespace

TEST(SimilarityMemory, NbytesIsWhatTheIndexHolds) {
  const Matrix m(3000, 2000, 20, false);
  std::size_t held = 0;
  {
    std::unique_ptr<SimilarityIndex> index;
    const std::size_t before = g_live.load();
    index = std::make_unique<SimilarityIndex>(m.input());
    held = g_live.load() - before;
    EXPECT_EQ(index->nbytes(), index_nbytes(m.rows, m.indices.size(), m.cols));
    EXPECT_GE(held, index->nbytes());
    // The object itself: the Impl (the inverted index's headers and the labels' views: ids,
    // terms, model, archive, dates, sources) and the unique_ptr, a few hundred bytes.
    EXPECT_LE(held, index->nbytes() + sizeof(SimilarityIndex) + 1024) << "the index object itself: a few hundred bytes";
  }
}

TEST(SimilarityMemory, TopKScratchBoundsWhatTheCallAllocates) {
  for (const bool negative : {false, true}) {
    const Matrix m(3000, 2000, 20, negative);
    const SimilarityIndex index(m.input());
    for (const std::size_t n_jobs : {1, 2})
      for (const std::size_t k : {1, 10, 300})
        for (const SimilarityMethod method : {SimilarityMethod::automatic, SimilarityMethod::brute}) {
          const std::string what = label(k, method, n_jobs, negative);
          RunContext ctx;
          ctx.n_jobs = n_jobs;
          TopK result;
          const std::size_t used = peak_of([&] { result = index.top_k(k, method, ctx); });
          const std::size_t scratch = used - top_k_result_bytes(m.rows, k);
          const std::size_t bound = index.top_k_scratch_bytes(k, method, n_jobs);
          EXPECT_LE(scratch, bound) << what;
          // An honest bound, not a blanket one: within a factor of two of the use.
          EXPECT_LE(bound, 2 * scratch) << what << ": " << scratch << " used";
          EXPECT_LE(bound, top_k_scratch_bytes(m.rows, m.indices.size(), m.cols, k, method, n_jobs)) << what;
        }
  }
}

TEST(SimilarityMemory, QueryScratchBoundsWhatTheCallAllocates) {
  const Matrix m(3000, 2000, 20, false);
  const Matrix q(500, 2000, 30, false);
  const SimilarityIndex index(m.input());
  for (const std::size_t n_jobs : {1, 2})
    for (const std::size_t k : {1, 10})
      for (const SimilarityMethod method : {SimilarityMethod::automatic, SimilarityMethod::pruned}) {
        RunContext ctx;
        ctx.n_jobs = n_jobs;
        TopK result;
        const std::size_t used = peak_of([&] { result = index.query(q.input(), k, method, ctx); });
        const std::size_t scratch = used - top_k_result_bytes(q.rows, k);
        const std::size_t bound = index.query_scratch_bytes(q.input(), k, n_jobs);
        const std::string what = label(k, method, n_jobs, false);
        EXPECT_LE(scratch, bound) << what;
        EXPECT_LE(bound, 2 * scratch) << what << ": " << scratch << " used";
        EXPECT_LE(bound, query_scratch_bytes(m.rows, q.rows, q.indices.size(), q.cols, k, n_jobs)) << what;
      }
}
