#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <unordered_set>
#include <vector>

#include <string>

#include "../src/string_map.hpp"
#include "newsim/big_alloc.hpp"

using newsim::detail::BigVector;
using newsim::detail::kHugePage;

namespace {
bool huge_aligned(const void* p) {
  return (reinterpret_cast<std::uintptr_t>(p) & (kHugePage - 1)) == 0;
}
}  // namespace

TEST(BigAlloc, LargeBlocksAreMappedOnHugePageBoundariesAndStartZeroed) {
  if (!newsim::detail::huge_maps_supported()) GTEST_SKIP() << "no mmap on this system";
  BigVector<std::uint32_t> v;
  v.resize(kHugePage / sizeof(std::uint32_t) * 3 + 5);  // 6 MiB + 20 bytes: a mapping
  EXPECT_TRUE(huge_aligned(v.data()));
  EXPECT_TRUE(std::all_of(v.begin(), v.end(), [](std::uint32_t x) { return x == 0; }));
  std::iota(v.begin(), v.end(), 0u);  // every byte writable, up to the last element
  EXPECT_EQ(v.back(), v.size() - 1);
}

TEST(BigAlloc, GrowthKeepsValuesAcrossHeapAndMappedBlocks) {
  BigVector<std::uint64_t> v;
  std::vector<std::uint64_t> ref;
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {  // 8 MB: from heap blocks into mappings
    v.push_back(i * 2654435761u);
    ref.push_back(i * 2654435761u);
  }
  EXPECT_TRUE(std::equal(v.begin(), v.end(), ref.begin(), ref.end()));
  BigVector<std::uint64_t> copy = v;  // a second mapping, same contents
  EXPECT_NE(copy.data(), v.data());
  EXPECT_TRUE(std::equal(copy.begin(), copy.end(), ref.begin(), ref.end()));
  v.clear();
  v.shrink_to_fit();  // the mapping is returned
  EXPECT_EQ(v.capacity(), 0u);
  EXPECT_EQ(copy[123'456], ref[123'456]);
}

TEST(BigAlloc, FillValuesAreWrittenEverywhere) {
  // assign/resize with a value fill; only resize(n) without one leaves trivial elements as found.
  BigVector<std::int32_t> small;
  small.assign(1000, -7);
  EXPECT_TRUE(std::all_of(small.begin(), small.end(), [](std::int32_t x) { return x == -7; }));
  BigVector<std::int32_t> large;
  large.assign(kHugePage, -7);  // 8 MiB
  EXPECT_TRUE(std::all_of(large.begin(), large.end(), [](std::int32_t x) { return x == -7; }));
  large.resize(large.size() + 10, 3);
  EXPECT_EQ(large[kHugePage - 1], -7);
  EXPECT_EQ(large.back(), 3);
}

TEST(StringSet, AgreesWithStdSetOnShortAndLongKeys) {
  // Keys of 0-40 bytes around the 16-byte short-key boundary, with shared prefixes and bytes
  // that are zero (a short key is zero-padded: "a" and "a\0" must differ).
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> len(0, 40), byte(0, 3);
  newsim::detail::StringSet set;
  std::unordered_set<std::string> ref;
  for (int i = 0; i < 20000; ++i) {
    std::string s(static_cast<std::size_t>(len(rng)), 'a');
    for (char& c : s) c = static_cast<char>("a\0\xC3\xFF"[byte(rng)]);
    if (i % 2 == 0) {
      set.insert(s);
      ref.insert(s);
    } else {
      EXPECT_EQ(set.contains(s), ref.count(s) == 1) << "key of " << s.size() << " bytes";
    }
  }
  EXPECT_EQ(set.size(), ref.size());
  for (std::size_t i = 0; i < set.size(); ++i) EXPECT_EQ(ref.count(std::string(set[i])), 1u);
}
