// newsim — an allocator for large arrays (hash tables, per-term counters, the output matrix):
// blocks of at least 2 MiB are mapped directly, aligned to 2 MiB and advised for transparent
// huge pages, so that a random lookup walks no 4 KiB page tables and a fresh block faults in once
// per 2 MiB instead of once per 4 KiB. Smaller blocks, and systems without mmap, use
// std::allocator; where the kernel ignores the advice, the mapping works with 4 KiB pages.
//
// resize(n) without a value default-initializes: trivial elements are left as they are (zero in
// a fresh mapping, unspecified on the heap), so that an array the caller fills in parallel is
// not first zeroed by one thread. Pass a value (resize(n, x), assign(n, x)) to fill.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace newsim::detail {

inline constexpr std::size_t kHugePage = std::size_t{1} << 21;

/// True where map_huge is available (Linux); elsewhere BigAllocator is std::allocator.
bool huge_maps_supported() noexcept;
/// Maps `bytes` (a multiple of kHugePage) of zeroed memory aligned to kHugePage, advised for
/// huge pages; throws std::bad_alloc when the system has no memory for it.
void* map_huge(std::size_t bytes);
/// Unmaps a block from map_huge.
void unmap_huge(void* p, std::size_t bytes) noexcept;

template <class T>
class BigAllocator {
 public:
  using value_type = T;

  BigAllocator() noexcept = default;
  template <class U>
  BigAllocator(const BigAllocator<U>& /*other*/) noexcept {}  // NOLINT: converting, as std::allocator

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > max_size()) throw std::bad_array_new_length();
    if (const std::size_t bytes = mapped_bytes(n); bytes != 0) return static_cast<T*>(map_huge(bytes));
    return std::allocator<T>{}.allocate(n);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (const std::size_t bytes = mapped_bytes(n); bytes != 0) {
      unmap_huge(p, bytes);
      return;
    }
    std::allocator<T>{}.deallocate(p, n);
  }

  [[nodiscard]] static constexpr std::size_t max_size() noexcept {
    return static_cast<std::size_t>(PTRDIFF_MAX) / sizeof(T);
  }

  /// Default-initialization for resize(n) (see the file comment); other forms construct as usual.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;  // placement: the storage is the vector's
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::construct_at(p, std::forward<Args>(args)...);
  }

  template <class U>
  bool operator==(const BigAllocator<U>& /*other*/) const noexcept {
    return true;
  }

 private:
  /// The mapping's size for n elements, or 0 for a block that stays on the heap (the size
  /// alone decides, so deallocate knows how allocate got the block).
  static std::size_t mapped_bytes(std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePage || !huge_maps_supported()) return 0;
    return (bytes + kHugePage - 1) & ~(kHugePage - 1);
  }
};

template <class T>
using BigVector = std::vector<T, BigAllocator<T>>;

}  // namespace newsim::detail
