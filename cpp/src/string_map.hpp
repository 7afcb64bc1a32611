// newsim (private) — an open-addressing hash map from byte strings to 32-bit values, keys kept
// in one arena. The hot path of analysis: one lookup per token, touching one 16-byte slot and
// the key's bytes.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "newsim/big_alloc.hpp"

namespace newsim::detail {

/// Eight bytes as a little-endian integer, whatever the machine's byte order.
inline std::uint64_t load_le64(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

/// A key of at most 16 bytes as two little-endian words, zero-padded.
struct ShortKey {
  std::uint64_t w0 = 0;
  std::uint64_t w1 = 0;
};
inline constexpr std::size_t kShortKey = 16;

/// The short key of `n <= 16` bytes at `p`, where 16 bytes are readable from `p` (two whole
/// loads, masked: no branch on the length).
inline ShortKey short_key_padded(const char* p, std::size_t n) noexcept {
  static constexpr auto masks = [] {
    std::array<std::uint64_t, 2 * (kShortKey + 1)> m{};
    for (std::size_t k = 0; k <= kShortKey; ++k) {
      const std::size_t lo = std::min<std::size_t>(k, 8);
      const std::size_t hi = k > 8 ? k - 8 : 0;
      m[2 * k] = lo == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * lo)) - 1;
      m[2 * k + 1] = hi == 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * hi)) - 1;
    }
    return m;
  }();
  return {load_le64(p) & masks[2 * n], load_le64(p + 8) & masks[2 * n + 1]};
}

/// The short key of `s` (at most 16 bytes), reading only its own bytes.
inline ShortKey short_key(std::string_view s) noexcept {
  char buf[2 * 8] = {};
  std::memcpy(buf, s.data(), std::min(s.size(), kShortKey));
  return {load_le64(buf), load_le64(buf + 8)};
}

inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/// hash_bytes of a key of `n <= 16` bytes given as its short key.
inline std::uint64_t hash_short(ShortKey k, std::size_t n) noexcept {
  constexpr std::uint64_t k1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t k2 = 0x4cf5ad432745937fULL;
  constexpr std::uint64_t k3 = 0x9E3779B97F4A7C15ULL;
  return mix64((k.w0 * k1) ^ std::rotl(k.w1 * k2, 31) ^ (static_cast<std::uint64_t>(n) * k3));
}

/// A fast non-cryptographic hash of a byte string: keys of up to 16 bytes through their short
/// key (hash_short), longer ones with word-sized loads.
inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  const std::size_t n = s.size();
  if (n <= kShortKey) return hash_short(short_key(s), n);
  const char* p = s.data();
  constexpr std::uint64_t k1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t k2 = 0x4cf5ad432745937fULL;
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * k1);
  auto round = [&](std::uint64_t v) {
    h ^= v * k1;
    h = ((h << 31) | (h >> 33)) * k2;
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) round(load_le64(p + i));
  if (i < n) round(load_le64(p + n - 8));  // the tail, overlapping the last block
  return mix64(h);
}

/// Maps strings to values. Entries are numbered in insertion order; key(i) is entry i's key.
class StringMap {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  StringMap() { rehash(64); }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

  /// Makes room for `n` entries without rehashing.
  void reserve(std::size_t n) {
    std::size_t slots = slots_.size();
    while (n * 4 > slots * 3) slots *= 2;
    if (slots != slots_.size()) rehash(slots);
    entries_.reserve(n);
  }

  /// A pointer to the value stored for `key`, or nullptr.
  [[nodiscard]] const std::uint32_t* find(std::string_view key, std::uint64_t h) const noexcept {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const auto len = static_cast<std::uint32_t>(key.size());
    std::size_t pos = static_cast<std::size_t>(h) & mask_;
    for (;;) {
      const Slot& s = slots_[pos];
      if (s.len == kEmpty) return nullptr;
      if (s.tag == tag && s.len == len &&
          equal(len <= kInline ? s.head : arena_.data() + s.offset, key.data(), len))
        return &s.value;
      pos = (pos + 1) & mask_;
    }
  }

  /// find() for a key of at most 16 bytes given as its short key (one comparison of whole
  /// words, the key's bytes untouched).
  [[nodiscard]] const std::uint32_t* find_short(ShortKey key, std::size_t n,
                                                std::uint64_t h) const noexcept {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    const auto len = static_cast<std::uint32_t>(n);
    std::size_t pos = static_cast<std::size_t>(h) & mask_;
    for (;;) {
      const Slot& s = slots_[pos];
      if (s.len == kEmpty) return nullptr;
      if (((s.tag ^ tag) | (s.len ^ len)) == 0 &&
          ((load_le64(s.head) ^ key.w0) | (load_le64(s.head + 8) ^ key.w1)) == 0)
        return &s.value;
      pos = (pos + 1) & mask_;
    }
  }

  /// Starts loading the slot where `h` begins its probe (lookups in flight hide memory latency).
  void prefetch(std::uint64_t h) const noexcept {
    __builtin_prefetch(&slots_[static_cast<std::size_t>(h) & mask_]);
  }

  /// Inserts `key` (which must be absent) with `value`; returns its entry index.
  std::uint32_t insert(std::string_view key, std::uint64_t h, std::uint32_t value) {
    if (key.size() >= kEmpty || arena_.size() + key.size() > 0xFFFFFFFFull)
      throw std::length_error("newsim: term table exceeds 4 GiB");
    if ((entries_.size() + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    const auto entry = static_cast<std::uint32_t>(entries_.size());
    Slot slot{static_cast<std::uint32_t>(h >> 32), static_cast<std::uint32_t>(key.size()),
              static_cast<std::uint32_t>(arena_.size()), value, {}};
    std::memcpy(slot.head, key.data(), std::min<std::size_t>(key.size(), kInline));
    arena_.append(key);
    entries_.push_back(Entry{slot.offset, slot.len});
    place(slot, h);
    return entry;
  }

  [[nodiscard]] std::string_view key(std::uint32_t entry) const noexcept {
    const Entry& e = entries_[entry];
    return {arena_.data() + e.offset, e.len};
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr std::size_t kInline = kShortKey;
  /// Two slots per cache line; keys of up to 16 bytes compare without touching the arena.
  struct alignas(32) Slot {
    std::uint32_t tag = 0;
    std::uint32_t len = kEmpty;
    std::uint32_t offset = 0;
    std::uint32_t value = 0;
    char head[kInline] = {};
  };
  struct Entry {
    std::uint32_t offset;
    std::uint32_t len;
  };

  /// Equality of n bytes with word loads (overlapping for lengths that are not a multiple).
  static bool equal(const char* a, const char* b, std::size_t n) noexcept {
    if (n >= 8) {
      std::size_t i = 0;
      for (; i + 8 <= n; i += 8)
        if (load<std::uint64_t>(a + i) != load<std::uint64_t>(b + i)) return false;
      return i == n || load<std::uint64_t>(a + n - 8) == load<std::uint64_t>(b + n - 8);
    }
    if (n >= 4)
      return load<std::uint32_t>(a) == load<std::uint32_t>(b) &&
             load<std::uint32_t>(a + n - 4) == load<std::uint32_t>(b + n - 4);
    for (std::size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  template <class U>
  static U load(const char* p) noexcept {
    U v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  void place(const Slot& slot, std::uint64_t h) noexcept {
    std::size_t pos = static_cast<std::size_t>(h) & mask_;
    while (slots_[pos].len != kEmpty) pos = (pos + 1) & mask_;
    slots_[pos] = slot;
  }

  void rehash(std::size_t n_slots) {
    BigVector<Slot> old = std::move(slots_);
    slots_.assign(n_slots, Slot{});
    mask_ = n_slots - 1;
    for (const Slot& s : old)
      if (s.len != kEmpty) place(s, hash_of(s));
  }

  [[nodiscard]] std::uint64_t hash_of(const Slot& s) const noexcept {
    // A key of up to 16 bytes is whole (zero-padded) in the slot: no trip to the arena.
    if (s.len <= kInline) return hash_short({load_le64(s.head), load_le64(s.head + 8)}, s.len);
    return hash_bytes(std::string_view(arena_.data() + s.offset, s.len));
  }

  BigVector<Slot> slots_;
  std::size_t mask_ = 0;
  std::string arena_;
  std::vector<Entry> entries_;
};

/// A set of strings for lookups on the hot path (a StringMap: open addressing, keys of up to
/// 16 bytes compared as two words). Iterates in insertion order.
class StringSet {
 public:
  void insert(std::string_view s) {
    const std::uint64_t h = hash_bytes(s);
    if (map_.find(s, h) == nullptr) map_.insert(s, h, 0);
  }
  [[nodiscard]] bool contains(std::string_view s) const noexcept {
    if (s.size() <= kShortKey) {
      const ShortKey k = short_key(s);
      return map_.find_short(k, s.size(), hash_short(k, s.size())) != nullptr;
    }
    return map_.find(s, hash_bytes(s)) != nullptr;
  }
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
  [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
    return map_.key(static_cast<std::uint32_t>(i));
  }

 private:
  StringMap map_;
};

}  // namespace newsim::detail
