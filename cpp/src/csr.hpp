// newsim — CSR matrices inside the similarity core: the compressed storage the kernels read
// (Eigen's layout on BigVector arrays), views of a caller's CSR input of any index and value
// types, and its validated canonical copy.
#pragma once

#include <Eigen/SparseCore>

#include <cstddef>
#include <cstdint>
#include <span>

#include "newsim/big_alloc.hpp"
#include "newsim/similarity.hpp"

namespace newsim::detail {

/// Compressed sparse storage (Eigen's layout: outer offsets, inner indices, values), either
/// owned, on BigVector arrays (so that the large arrays of an index sit on 2 MiB pages and are
/// filled without being zeroed first), or borrowed: read-only views of arrays that something
/// else keeps alive (a mapped index file, see index_file.cpp). eigen() views it as an Eigen
/// sparse matrix; the mutable accessors are for filling an owned matrix.
template <int Order>
class Compressed {
 public:
  using EigenMatrix = ::Eigen::SparseMatrix<float, Order, std::int32_t>;

  Compressed() : outer_(1, 0) {}
  /// An empty matrix of the given shape: offsets zero, no stored values.
  Compressed(::Eigen::Index rows, ::Eigen::Index cols)
      : rows_(rows), cols_(cols), outer_(static_cast<std::size_t>(outerSize()) + 1, 0) {}
  /// A borrowed matrix over arrays the caller has validated and keeps alive as long as this
  /// matrix and its copies (outer: outerSize() + 1 offsets, inner and values: nnz each).
  static Compressed borrow(::Eigen::Index rows, ::Eigen::Index cols, const std::int32_t* outer,
                           const std::int32_t* inner, const float* values, ::Eigen::Index nnz) {
    Compressed m;
    m.rows_ = rows;
    m.cols_ = cols;
    m.borrowed_ = Borrowed{outer, inner, values, nnz};
    return m;
  }

  [[nodiscard]] ::Eigen::Index rows() const noexcept { return rows_; }
  [[nodiscard]] ::Eigen::Index cols() const noexcept { return cols_; }
  [[nodiscard]] ::Eigen::Index outerSize() const noexcept {
    return Order == ::Eigen::RowMajor ? rows_ : cols_;
  }
  [[nodiscard]] ::Eigen::Index nonZeros() const noexcept {
    return borrowed_.outer ? borrowed_.nnz : static_cast<::Eigen::Index>(inner_.size());
  }
  [[nodiscard]] bool borrowed() const noexcept { return borrowed_.outer != nullptr; }
  /// Room for exactly n stored values (their contents unspecified until written). Owned only.
  void resizeNonZeros(::Eigen::Index n) {
    inner_.resize(static_cast<std::size_t>(n));
    values_.resize(static_cast<std::size_t>(n));
  }
  /// The owned arrays, to fill (never of a borrowed matrix).
  [[nodiscard]] std::int32_t* mutable_outer() noexcept { return outer_.data(); }
  [[nodiscard]] const std::int32_t* outerIndexPtr() const noexcept {
    return borrowed_.outer ? borrowed_.outer : outer_.data();
  }
  [[nodiscard]] std::int32_t* mutable_inner() noexcept { return inner_.data(); }
  [[nodiscard]] const std::int32_t* innerIndexPtr() const noexcept {
    return borrowed_.outer ? borrowed_.inner : inner_.data();
  }
  [[nodiscard]] float* mutable_values() noexcept { return values_.data(); }
  [[nodiscard]] const float* valuePtr() const noexcept {
    return borrowed_.outer ? borrowed_.values : values_.data();
  }

  /// What a matrix with `outer` rows (row-major) or columns and nnz stored values allocates.
  static std::size_t bytes(std::size_t outer, std::size_t nnz) noexcept {
    return (outer + 1) * sizeof(std::int32_t) + nnz * (sizeof(std::int32_t) + sizeof(float));
  }

  [[nodiscard]] ::Eigen::Map<const EigenMatrix> eigen() const {
    return {rows_, cols_, nonZeros(), outerIndexPtr(), innerIndexPtr(), valuePtr()};
  }

 private:
  struct Borrowed {
    const std::int32_t* outer = nullptr;  // null: owned
    const std::int32_t* inner = nullptr;
    const float* values = nullptr;
    ::Eigen::Index nnz = 0;
  };
  ::Eigen::Index rows_ = 0;
  ::Eigen::Index cols_ = 0;
  detail::BigVector<std::int32_t> outer_;
  detail::BigVector<std::int32_t> inner_;
  detail::BigVector<float> values_;
  Borrowed borrowed_;
};
using RowMatrix = Compressed<Eigen::RowMajor>;
using ColMatrix = Compressed<Eigen::ColMajor>;

/// One row of a RowMatrix as parallel arrays: columns (increasing) and weights.
struct RowView {
  const std::int32_t* cols;
  const float* vals;
  std::size_t n;
};

[[nodiscard]] inline RowView row_view(const RowMatrix& m, std::size_t r) noexcept {
  const std::int32_t b = m.outerIndexPtr()[r];
  const std::int32_t e = m.outerIndexPtr()[r + 1];
  return {m.innerIndexPtr() + b, m.valuePtr() + b, static_cast<std::size_t>(e - b)};
}

/// Row r's first stored value, stored value p's column and value, whatever the input's types.
/// Inline: called per stored value, and an exported function is not inlined under -fPIC (a call
/// through the PLT each; canonical_rows took ~20 % longer that way, measured with perf).
[[nodiscard]] inline std::int64_t csr_offset(const CsrInput& in, std::size_t r) {
  return in.indptr64 ? static_cast<const std::int64_t*>(in.indptr)[r]
                     : static_cast<std::int64_t>(static_cast<const std::int32_t*>(in.indptr)[r]);
}
[[nodiscard]] inline std::int64_t csr_column(const CsrInput& in, std::size_t p) {
  return in.indices64 ? static_cast<const std::int64_t*>(in.indices)[p]
                      : static_cast<std::int64_t>(static_cast<const std::int32_t*>(in.indices)[p]);
}
[[nodiscard]] inline double csr_value(const CsrInput& in, std::size_t p) {
  return in.data64 ? static_cast<const double*>(in.data)[p]
                   : static_cast<double>(static_cast<const float*>(in.data)[p]);
}
/// The stored values of a CSR input.
[[nodiscard]] inline std::size_t csr_nnz(const CsrInput& in) {
  return in.rows == 0 ? 0 : static_cast<std::size_t>(csr_offset(in, in.rows));
}

/// The canonical copy of a CSR input (float32 weights, columns increasing within rows,
/// duplicate entries summed: scipy allows both; entries that are zero as float32 dropped, so
/// that a stored zero never makes two rows neighbours), validated: throws InvalidOptionError(name)
/// for malformed arrays and DocumentError (row index) for a NaN or infinite value.
RowMatrix canonical_rows(const CsrInput& in, const char* name);

/// A copy of `m` with its rows in `order` (row r of the copy is row order[r] of m).
RowMatrix reordered_rows(const RowMatrix& m, std::span<const std::int32_t> order);

}  // namespace newsim::detail
