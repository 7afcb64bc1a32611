// newsim (private) — an open-addressing hash map from byte strings to 32-bit values, keys kept
// in one arena. The hot path of analysis: one lookup per token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
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

/// A fast non-cryptographic hash of a byte string.
inline std::uint64_t hash_bytes(std::string_view s) noexcept {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0x87c37b91114253d5ULL);
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ (v * 0x87c37b91114253d5ULL));
    h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937fULL;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    h ^= v * 0x4cf5ad432745937fULL;
    h = ((h << 29) | (h >> 35)) * 0x87c37b91114253d5ULL;
  }
  return mix64(h);
}

/// Maps strings to values. Entries are numbered in insertion order; key(i) is entry i's key.
class StringMap {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  StringMap() { rehash(64); }

  [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }

  /// Index of the entry for `key`, or npos.
  [[nodiscard]] std::uint32_t find(std::string_view key, std::uint64_t h) const noexcept {
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t pos = static_cast<std::size_t>(h) & mask_;
    for (;;) {
      const Slot& s = slots_[pos];
      if (s.entry == npos) return npos;
      if (s.tag == tag && key_equals(s.entry, key)) return s.entry;
      pos = (pos + 1) & mask_;
    }
  }

  /// Inserts `key` (which must be absent) with `value`; returns its entry index.
  std::uint32_t insert(std::string_view key, std::uint64_t h, std::uint32_t value) {
    if ((values_.size() + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    const auto entry = static_cast<std::uint32_t>(values_.size());
    offsets_.push_back(arena_.size());
    arena_.append(key);
    values_.push_back(value);
    hashes_.push_back(h);
    place(entry, h);
    return entry;
  }

  [[nodiscard]] std::string_view key(std::uint32_t entry) const noexcept {
    const std::size_t b = offsets_[entry];
    const std::size_t e = entry + 1 < offsets_.size() ? offsets_[entry + 1] : arena_.size();
    return {arena_.data() + b, e - b};
  }
  [[nodiscard]] std::uint32_t value(std::uint32_t entry) const noexcept { return values_[entry]; }
  void set_value(std::uint32_t entry, std::uint32_t v) noexcept { values_[entry] = v; }

  void clear() {
    arena_.clear();
    offsets_.clear();
    values_.clear();
    hashes_.clear();
    rehash(64);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t entry = npos;
  };

  [[nodiscard]] bool key_equals(std::uint32_t entry, std::string_view k) const noexcept {
    const std::string_view have = key(entry);
    return have.size() == k.size() && std::memcmp(have.data(), k.data(), k.size()) == 0;
  }

  void place(std::uint32_t entry, std::uint64_t h) noexcept {
    std::size_t pos = static_cast<std::size_t>(h) & mask_;
    while (slots_[pos].entry != npos) pos = (pos + 1) & mask_;
    slots_[pos] = Slot{static_cast<std::uint32_t>(h >> 32), entry};
  }

  void rehash(std::size_t n_slots) {
    slots_.assign(n_slots, Slot{});
    mask_ = n_slots - 1;
    for (std::uint32_t e = 0; e < values_.size(); ++e) place(e, hashes_[e]);
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::string arena_;
  std::vector<std::size_t> offsets_;
  std::vector<std::uint32_t> values_;
  std::vector<std::uint64_t> hashes_;
};

}  // namespace newsim::detail
