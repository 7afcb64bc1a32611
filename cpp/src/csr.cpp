#include "csr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "newsim/errors.hpp"

namespace newsim::detail {

RowMatrix canonical_rows(const CsrInput& in, const char* name) {
  const auto fail = [&](const std::string& what) {
    throw InvalidOptionError(name, std::string(name) + ": " + what);
  };
  if (in.rows > 0 && in.indptr == nullptr) fail("missing indptr");
  const auto ptr = [&](std::size_t r) { return csr_offset(in, r); };
  const auto idx = [&](std::size_t k) { return csr_column(in, k); };
  const auto val = [&](std::size_t k) { return csr_value(in, k); };
  const std::int64_t nnz = in.rows == 0 ? 0 : ptr(in.rows);
  if (in.rows > 0 && ptr(0) != 0) fail("indptr must start at 0");
  if (nnz < 0 || nnz >= std::numeric_limits<std::int32_t>::max())
    fail("too many stored values (at most 2^31 - 1 are supported)");
  if (in.cols >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
    fail("too many columns (at most 2^31 - 1 are supported)");
  RowMatrix m(static_cast<Eigen::Index>(in.rows), static_cast<Eigen::Index>(in.cols));
  m.resizeNonZeros(static_cast<Eigen::Index>(nnz));
  std::int32_t* outer = m.mutable_outer();
  std::int32_t* inner = m.mutable_inner();
  float* values = m.mutable_values();
  std::vector<std::pair<std::int32_t, double>> row;
  std::int32_t out = 0;
  outer[0] = 0;
  for (std::size_t r = 0; r < in.rows; ++r) {
    const std::int64_t b = ptr(r), e = ptr(r + 1);
    if (e < b || e > nnz) fail("indptr must be non-decreasing and end at the number of stored values");
    // Fast path: columns strictly increasing (scipy's canonical form) and no stored zero, copied
    // as they come. A stored zero is no entry: two rows that share only a zero share no term.
    bool canonical = true;
    for (std::int64_t k = b; k < e && canonical; ++k) {
      const std::int64_t c = idx(static_cast<std::size_t>(k));
      const double v = val(static_cast<std::size_t>(k));
      canonical = c >= 0 && c < static_cast<std::int64_t>(in.cols) && std::isfinite(v) &&
                  static_cast<float>(v) != 0.0f && (k == b || c > inner[out + (k - b) - 1]);
      if (canonical) {
        inner[out + (k - b)] = static_cast<std::int32_t>(c);
        values[out + (k - b)] = static_cast<float>(v);
      }
    }
    if (canonical) {
      out += static_cast<std::int32_t>(e - b);
      outer[r + 1] = out;
      continue;
    }
    row.clear();
    bool sorted = true;
    for (std::int64_t k = b; k < e; ++k) {
      const std::int64_t c = idx(static_cast<std::size_t>(k));
      if (c < 0 || c >= static_cast<std::int64_t>(in.cols))
        fail("row " + std::to_string(r) + " has column index " + std::to_string(c) +
             ", outside [0, " + std::to_string(in.cols) + ")");
      const double v = val(static_cast<std::size_t>(k));
      if (!std::isfinite(v))
        throw DocumentError(r, std::string(name) + ": row " + std::to_string(r) +
                                   " contains a NaN or infinite value");
      if (!row.empty() && c <= row.back().first) sorted = false;
      row.emplace_back(static_cast<std::int32_t>(c), v);
    }
    if (!sorted) std::sort(row.begin(), row.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    const std::int32_t start = out;
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (out > start && row[k].first == inner[out - 1]) {
        values[out - 1] += static_cast<float>(row[k].second);  // duplicate entry: sum
        continue;
      }
      if (out > start && values[out - 1] == 0.0f) --out;  // a zero (or duplicates that cancel)
      inner[out] = row[k].first;
      values[out] = static_cast<float>(row[k].second);
      ++out;
    }
    if (out > start && values[out - 1] == 0.0f) --out;
    outer[r + 1] = out;
  }
  m.resizeNonZeros(out);
  return m;
}

RowMatrix reordered_rows(const RowMatrix& m, std::span<const std::int32_t> order) {
  RowMatrix out(static_cast<Eigen::Index>(order.size()), m.cols());
  out.resizeNonZeros(m.nonZeros());
  const std::int32_t* outer = m.outerIndexPtr();
  std::int32_t* o_outer = out.mutable_outer();
  std::int32_t at = 0;
  o_outer[0] = 0;
  for (std::size_t r = 0; r < order.size(); ++r) {
    const std::int32_t b = outer[order[r]];
    const std::int32_t n = outer[order[r] + 1] - b;
    std::copy_n(m.innerIndexPtr() + b, n, out.mutable_inner() + at);
    std::copy_n(m.valuePtr() + b, n, out.mutable_values() + at);
    at += n;
    o_outer[r + 1] = at;
  }
  return out;
}

}  // namespace newsim::detail
