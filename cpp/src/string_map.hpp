// newsim (private) — an open-addressing hash map from byte strings to 32-bit values, keys kept
// in one arena. The hot path of analysis: one lookup per token, touching one 16-byte slot and
// the key's bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace newsim::detail {

inline std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/// A fast non-cryptographic hash of a byte string (word-sized loads only; short keys are read
/// with overlapping loads instead of a byte loop).
inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  const char* p = s.data();
  const std::size_t n = s.size();
  constexpr std::uint64_t k1 = 0x87c37b91114253d5ULL;
  constexpr std::uint64_t k2 = 0x4cf5ad432745937fULL;
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * k1);
  auto load64 = [](const char* q) {
    std::uint64_t v;
    std::memcpy(&v, q, 8);
    return v;
  };
  auto load32 = [](const char* q) {
    std::uint32_t v;
    std::memcpy(&v, q, 4);
    return static_cast<std::uint64_t>(v);
  };
  auto round = [&](std::uint64_t v) {
    h ^= v * k1;
    h = ((h << 31) | (h >> 33)) * k2;
  };
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) round(load64(p + i));
    if (i < n) round(load64(p + n - 8));  // the tail, overlapping the last block
  } else if (n >= 4) {
    round((load32(p) << 32) | load32(p + n - 4));
  } else if (n > 0) {
    const auto b = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])); };
    round((b(0) << 16) | (b(n >> 1) << 8) | b(n - 1));
  }
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
  static constexpr std::size_t kInline = 16;
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
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(n_slots, Slot{});
    mask_ = n_slots - 1;
    for (const Slot& s : old)
      if (s.len != kEmpty) place(s, hash_of(s));
  }

  [[nodiscard]] std::uint64_t hash_of(const Slot& s) const noexcept {
    return hash_bytes(std::string_view(arena_.data() + s.offset, s.len));
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::string arena_;
  std::vector<Entry> entries_;
};

}  // namespace newsim::detail
