// newsim — the similarity kernels' inner loops on SSE2 (x86-64's baseline, so no run-time
// dispatch), each with a portable fallback that gives the same results.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernel_common.hpp"

namespace newsim::detail {

/// acc[rows[p]] += qv * vals[p] for p < count (the rows of one postings list are distinct).
/// The products (float x float in double) are exact, so computing them two at a time changes
/// no result; the sums are added one by one in the same order as before.
template <class Row>
inline void scatter(double* acc, const Row* rows, const float* vals, std::ptrdiff_t count, double qv) {
  std::ptrdiff_t p = 0;
#if defined(__SSE2__)
  const __m128d q = _mm_set1_pd(qv);
  const auto add = [acc](std::size_t d, __m128d x) __attribute__((always_inline)) {
    double* a = acc + d;
    _mm_store_sd(a, _mm_add_sd(_mm_load_sd(a), x));
  };
  for (; p + 4 <= count; p += 4) {
    const __m128 v = _mm_loadu_ps(vals + p);
    const __m128d lo = _mm_mul_pd(_mm_cvtps_pd(v), q);
    const __m128d hi = _mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(v, v)), q);
    add(rows[p], lo);
    add(rows[p + 1], _mm_unpackhi_pd(lo, lo));
    add(rows[p + 2], hi);
    add(rows[p + 3], _mm_unpackhi_pd(hi, hi));
  }
#else
  for (; p + 4 <= count; p += 4) {
    const double a = qv * static_cast<double>(vals[p]);
    const double b = qv * static_cast<double>(vals[p + 1]);
    const double c = qv * static_cast<double>(vals[p + 2]);
    const double d = qv * static_cast<double>(vals[p + 3]);
    acc[static_cast<std::size_t>(rows[p])] += a;
    acc[static_cast<std::size_t>(rows[p + 1])] += b;
    acc[static_cast<std::size_t>(rows[p + 2])] += c;
    acc[static_cast<std::size_t>(rows[p + 3])] += d;
  }
#endif
  for (; p < count; ++p) acc[static_cast<std::size_t>(rows[p])] += qv * static_cast<double>(vals[p]);
}

/// Rows tested at once by bound_test.
constexpr std::size_t kBlock = 8;

/// Bit u set for each row d + u of a block (u < kBlock) that the pruned symmetric kernel must
/// complete: it shares a scanned term with row i (partial score acc > 0) and its bound
/// (acc + norm_i * norm_d) * kSlack reaches row i's k-th score or its own (worst_d). The same
/// double arithmetic as the one-row test, so the same rows pass.
inline unsigned bound_test(const double* acc, const double* norm, const float* worst_d,
                           double norm_i, float worst_i) {
#if defined(__SSE2__)
  const __m128d ni = _mm_set1_pd(norm_i);
  const __m128d wi = _mm_set1_pd(static_cast<double>(worst_i));
  const __m128d slack = _mm_set1_pd(kSlack);
  const __m128d zero = _mm_setzero_pd();
  unsigned pass = 0;
  for (std::size_t u = 0; u < kBlock; u += 2) {
    const __m128d a = _mm_loadu_pd(acc + u);
    const __m128d bound = _mm_mul_pd(_mm_add_pd(a, _mm_mul_pd(ni, _mm_loadu_pd(norm + u))), slack);
    const __m128d wd = _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(worst_d + u))));
    const __m128d reach = _mm_or_pd(_mm_cmpge_pd(bound, wi), _mm_cmpge_pd(bound, wd));
    pass |= static_cast<unsigned>(_mm_movemask_pd(_mm_and_pd(_mm_cmpneq_pd(a, zero), reach))) << u;
  }
  return pass;
#else
  unsigned pass = 0;
  for (std::size_t u = 0; u < kBlock; ++u) {
    const double bound = (acc[u] + norm_i * norm[u]) * kSlack;
    const bool reach = !(bound < static_cast<double>(worst_i) && bound < static_cast<double>(worst_d[u]));
    pass |= static_cast<unsigned>(acc[u] != 0.0 && reach) << u;
  }
  return pass;
#endif
}

/// Rows per block in partial_floor.
constexpr std::size_t kMaxBlock = 32;

/// A lower bound of the kk-th largest of acc[lo..hi] (partial scores >= 0 of distinct rows), as
/// a float, or minus infinity: the kk-th largest of the maxima of blocks of kMaxBlock
/// rows (kk values of distinct rows are at least that high). One branch-free pass over the
/// range and a selection among range / kMaxBlock values (a running exact top-kk over the range
/// made the whole top-k 12 % slower), nearly as tight where the best rows are far apart: on the
/// defaults' matrix 0.64 M pairs completed, 0.61 M with the exact kk-th partial score.
inline float partial_floor(const double* acc, std::size_t lo, std::size_t hi, std::size_t kk, std::vector<double>& maxima) {
  maxima.clear();
  for (std::size_t u = lo; u + kMaxBlock <= hi + 1; u += kMaxBlock) {
#if defined(__SSE2__)
    __m128d m0 = _mm_loadu_pd(acc + u), m1 = _mm_loadu_pd(acc + u + 2);
    __m128d m2 = _mm_loadu_pd(acc + u + 4), m3 = _mm_loadu_pd(acc + u + 6);
    for (std::size_t v = 8; v < kMaxBlock; v += 8) {
      m0 = _mm_max_pd(m0, _mm_loadu_pd(acc + u + v));
      m1 = _mm_max_pd(m1, _mm_loadu_pd(acc + u + v + 2));
      m2 = _mm_max_pd(m2, _mm_loadu_pd(acc + u + v + 4));
      m3 = _mm_max_pd(m3, _mm_loadu_pd(acc + u + v + 6));
    }
    const __m128d m = _mm_max_pd(_mm_max_pd(m0, m1), _mm_max_pd(m2, m3));
    maxima.push_back(_mm_cvtsd_f64(_mm_max_sd(m, _mm_unpackhi_pd(m, m))));
#else
    maxima.push_back(*std::max_element(acc + u, acc + u + kMaxBlock));
#endif
  }
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  if (kk == 0 || maxima.size() < kk) return kNone;
  std::nth_element(maxima.begin(), maxima.begin() + static_cast<std::ptrdiff_t>(kk - 1), maxima.end(),
                   std::greater<>());
  const double th = maxima[kk - 1];
  // Rounding is monotonic: kk rows score at least float(th) as floats too.
  return th > 0.0 ? static_cast<float>(th) : kNone;
}

}  // namespace newsim::detail
