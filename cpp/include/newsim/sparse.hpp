// newsim — compressed sparse row matrices as three owned arrays (scipy.sparse's layout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "newsim/big_alloc.hpp"

namespace newsim {

template <class T, class I>
struct Csr {
  using value_type = T;
  using index_type = I;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<I> indptr;   // rows + 1
  detail::BigVector<I> indices;  // nnz, sorted within each row
  detail::BigVector<T> data;     // nnz
};

/// The value type is the user's dtype; the index type is int32 while nnz and the column count
/// fit, else int64 (scipy would copy int64 arrays that fit in int32).
using CsrAny = std::variant<Csr<float, std::int32_t>, Csr<float, std::int64_t>,
                            Csr<double, std::int32_t>, Csr<double, std::int64_t>>;

}  // namespace newsim
