// The hashing mode (HashingVectorizer): terms hashed to columns, no vocabulary. It reuses the
// counting stage and assembly's choice of CSR types; compounds do not apply (validate()).
#include "newsim/vectorizer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "assembly.hpp"
#include "counting.hpp"

namespace newsim {

std::int32_t murmurhash3_32(std::string_view bytes, std::uint32_t seed) noexcept {
  // MurmurHash3_x86_32 (Austin Appleby's public-domain algorithm), little-endian blocks.
  constexpr std::uint32_t c1 = 0xcc9e2d51u;
  constexpr std::uint32_t c2 = 0x1b873593u;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::uint32_t h = seed;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    std::uint32_t k = static_cast<std::uint32_t>(p[i]) | (static_cast<std::uint32_t>(p[i + 1]) << 8) |
                      (static_cast<std::uint32_t>(p[i + 2]) << 16) | (static_cast<std::uint32_t>(p[i + 3]) << 24);
    k *= c1;
    k = std::rotl(k, 15);
    k *= c2;
    h ^= k;
    h = std::rotl(h, 13);
    h = h * 5 + 0xe6546b64u;
  }
  std::uint32_t k = 0;
  switch (n & 3) {
    case 3: k ^= static_cast<std::uint32_t>(p[i + 2]) << 16; [[fallthrough]];
    case 2: k ^= static_cast<std::uint32_t>(p[i + 1]) << 8; [[fallthrough]];
    case 1:
      k ^= p[i];
      k *= c1;
      k = std::rotl(k, 15);
      k *= c2;
      h ^= k;
      break;
    default: break;
  }
  h ^= static_cast<std::uint32_t>(n);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return static_cast<std::int32_t>(h);
}

namespace {

using detail::Analysis;
using detail::ChunkCounts;
using detail::TermId;
using detail::Worker;

/// Rows of hashed columns with their summed (signed) counts, per chunk.
struct HashedRows {
  std::vector<std::uint32_t> cols;  // sorted within a row
  std::vector<double> vals;
  std::vector<std::uint32_t> row_nnz;
};

std::vector<HashedRows> hash_rows(const Analysis& a, const HashingOptions& h, bool binary,
                                  const RunContext& ctx) {
  // Each worker's local term -> (column << 1 | negative).
  std::vector<std::vector<std::uint64_t>> code(a.workers.size());
  const auto n_features = static_cast<std::int64_t>(h.n_features);
  for (std::size_t w = 0; w < a.workers.size(); ++w) {
    const Worker& wk = a.workers[w];
    if (!wk.session) continue;
    code[w].resize(wk.session->n_terms());
    for (TermId id = 0; id < code[w].size(); ++id) {
      const std::int32_t x = murmurhash3_32(wk.session->term(id));
      const std::int64_t col = x == std::numeric_limits<std::int32_t>::min()
                                   ? (std::int64_t{2147483647} - (n_features - 1)) % n_features
                                   : std::abs(static_cast<std::int64_t>(x)) % n_features;
      code[w][id] = (static_cast<std::uint64_t>(col) << 1) | (h.alternate_sign && x < 0 ? 1u : 0u);
    }
  }
  std::vector<HashedRows> out(a.chunks.size());
  parallel_chunks(a.chunks.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<std::pair<std::uint64_t, double>> row;
    for (std::size_t c = b; c < e; ++c) {
      const ChunkCounts& ch = a.chunks[c];
      const auto& map = code[ch.worker];
      HashedRows& r = out[c];
      r.row_nnz.reserve(ch.n_rows());
      std::size_t k = 0;
      for (const std::uint32_t len : ch.terms.row_nnz) {
        row.clear();
        for (std::size_t t = 0; t < len; ++t, ++k) {
          const std::uint64_t cs = map[ch.terms.ids[k]];
          const auto count = static_cast<double>(ch.terms.counts[k]);
          row.emplace_back(cs >> 1, (cs & 1u) != 0 ? -count : count);
        }
        std::sort(row.begin(), row.end(),
                  [](const auto& x, const auto& y) { return x.first < y.first; });
        std::uint32_t nnz = 0;
        for (std::size_t j = 0; j < row.size();) {
          double sum = 0.0;
          const std::uint64_t col = row[j].first;
          for (; j < row.size() && row[j].first == col; ++j) sum += row[j].second;
          // Colliding terms that cancel out leave an explicit zero (binary: a 1), as in
          // scikit-learn, where it also counts towards the column's document frequency.
          r.cols.push_back(static_cast<std::uint32_t>(col));
          r.vals.push_back(binary ? 1.0 : sum);
          ++nnz;
        }
        r.row_nnz.push_back(nnz);
      }
    }
  });
  return out;
}

template <class T, class I>
Csr<T, I> write_hashed(const std::vector<HashedRows>& rows, std::size_t n_cols,
                       const WeightingOptions& w, std::span<const double> idf,
                       const RunContext& ctx) {
  Csr<T, I> m;
  std::size_t n_rows = 0;
  for (const auto& r : rows) n_rows += r.row_nnz.size();
  m.rows = n_rows;
  m.cols = n_cols;
  m.indptr.assign(n_rows + 1, 0);
  std::vector<std::size_t> row0(rows.size() + 1, 0);
  for (std::size_t c = 0, r = 0; c < rows.size(); ++c) {
    row0[c + 1] = row0[c] + rows[c].row_nnz.size();
    for (const std::uint32_t nnz : rows[c].row_nnz) {
      m.indptr[r + 1] = m.indptr[r] + static_cast<I>(nnz);
      ++r;
    }
  }
  m.indices.resize(static_cast<std::size_t>(m.indptr[n_rows]));
  m.data.resize(m.indices.size());
  WeightingOptions plain = w;  // binary is applied already; sublinear keeps the sign here
  plain.binary = false;
  plain.sublinear_tf = false;
  plain.use_idf = w.use_idf && !idf.empty();
  parallel_chunks(rows.size(), 1, ctx, [&](std::size_t, std::size_t b, std::size_t e) {
    std::vector<std::int64_t> cols;
    std::vector<double> vals;
    for (std::size_t c = b; c < e; ++c) {
      const HashedRows& h = rows[c];
      std::size_t k = 0;
      for (std::size_t r = 0; r < h.row_nnz.size(); ++r) {
        const std::size_t len = h.row_nnz[r];
        cols.assign(h.cols.begin() + static_cast<std::ptrdiff_t>(k), h.cols.begin() + static_cast<std::ptrdiff_t>(k + len));
        vals.assign(h.vals.begin() + static_cast<std::ptrdiff_t>(k), h.vals.begin() + static_cast<std::ptrdiff_t>(k + len));
        if (w.sublinear_tf)  // a count cancelled to 0 by colliding signs stays 0
          for (double& v : vals)
            if (v != 0.0) v = std::copysign(std::log(std::fabs(v)) + 1.0, v);
        weight_row(plain, cols, vals, idf, 0.0, 0.0);
        const auto out = static_cast<std::size_t>(m.indptr[row0[c] + r]);
        for (std::size_t j = 0; j < len; ++j) {
          m.indices[out + j] = static_cast<I>(cols[j]);
          m.data[out + j] = static_cast<T>(vals[j]);
        }
        k += len;
      }
    }
  });
  return m;
}

}  // namespace

CsrAny Vectorizer::hashed(const Documents& docs, const RunContext& ctx, FittedState* learn,
                          bool want_matrix) const {
  const HashingOptions& h = *options_.hashing;
  const Analysis a = detail::analyze_all(analyzer_.impl(), docs, ctx, false);  // binary after collisions
  const std::vector<HashedRows> rows = hash_rows(a, h, options_.weighting.binary, ctx);
  if (learn != nullptr) {
    if (learn->df.empty()) learn->df.assign(h.n_features, 0);
    for (const HashedRows& r : rows)
      for (const std::uint32_t c : r.cols) ++learn->df[c];
    learn->n_docs += static_cast<std::int64_t>(docs.size());
    learn->idf = compute_idf(options_.weighting, learn->df, learn->n_docs);
  }
  if (!want_matrix) return {};
  std::span<const double> idf;
  std::shared_ptr<const FittedState> current;  // the published state, kept while this runs
  if (options_.weighting.use_idf && learn == nullptr) current = snapshot();
  if (options_.weighting.use_idf) idf = learn != nullptr ? learn->idf : current->idf;
  std::size_t nnz = 0;
  for (const auto& r : rows) nnz += r.cols.size();
  return detail::with_csr_types(options_.float64, nnz, h.n_features, [&]<class T, class I>() {
    return write_hashed<T, I>(rows, h.n_features, options_.weighting, idf, ctx);
  });
}

}  // namespace newsim
