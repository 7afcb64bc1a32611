#include "newsim/big_alloc.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace newsim::detail {

#if defined(__linux__)

bool huge_maps_supported() noexcept { return true; }

void* map_huge(std::size_t bytes) {
  // Over-map by one huge page, then cut the unaligned head and tail away.
  const std::size_t span = bytes + kHugePage;
  void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  if (const std::size_t head = aligned - start; head != 0)
    ::munmap(raw, head);
  if (const std::size_t tail = start + span - (aligned + bytes); tail != 0)
    ::munmap(reinterpret_cast<void*>(aligned + bytes), tail);
  void* p = reinterpret_cast<void*>(aligned);
#if defined(MADV_HUGEPAGE)
  ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: a kernel without THP keeps 4 KiB pages
#endif
  return p;
}

void unmap_huge(void* p, std::size_t bytes) noexcept { ::munmap(p, bytes); }

#else

bool huge_maps_supported() noexcept { return false; }
void* map_huge(std::size_t /*bytes*/) { throw std::bad_alloc(); }
void unmap_huge(void* /*p*/, std::size_t /*bytes*/) noexcept {}

#endif

}  // namespace newsim::detail
