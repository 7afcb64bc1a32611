#include "crc32c.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define NEWSIM_CRC32C_SSE42 1
#endif

namespace newsim::detail {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // Castagnoli, reflected

std::array<std::uint32_t, 256> make_table() noexcept {
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? kPolynomial ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

std::uint32_t by_table(std::uint32_t c, const unsigned char* p, std::size_t n) noexcept {
  static const auto table = make_table();
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c;
}

#if defined(NEWSIM_CRC32C_SSE42)
__attribute__((target("sse4.2"))) std::uint64_t by_words(std::uint64_t c, const unsigned char* p, std::size_t words) noexcept {
  for (; words > 0; --words, p += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);  // unaligned, little-endian as the table reads bytes
    c = _mm_crc32_u64(c, word);
  }
  return c;
}

// Long inputs in blocks of three lanes of kLane bytes, each lane's CRC computed at once (the
// crc32 instruction has a latency of 3 cycles and a throughput of 1: one lane waits on itself,
// three keep it busy), then joined: the CRC state is linear, so the state after lanes a b c is
// shift(shift(a) ^ b) ^ c, where shift(s) is the state s after kLane zero bytes and the lanes b and c
// start from 0. shift is a linear map of 32 bits: four tables of 256 entries (by byte of s).
constexpr std::size_t kLane = 4096;

struct Shift {
  std::array<std::array<std::uint32_t, 256>, 4> table{};
  __attribute__((target("sse4.2"))) Shift() noexcept {
    static constexpr std::array<unsigned char, kLane> kZeros{};
    std::array<std::uint32_t, 32> bit{};  // shift of each single bit; the rest by linearity
    for (std::size_t j = 0; j < 32; ++j)
      bit[j] = static_cast<std::uint32_t>(by_words(std::uint64_t{1} << j, kZeros.data(), kLane / 8));
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t b = 0; b < 256; ++b) {
        std::uint32_t s = 0;
        for (std::size_t j = 0; j < 8; ++j)
          if ((b >> j) & 1) s ^= bit[8 * k + j];
        table[k][b] = s;
      }
  }
  [[nodiscard]] std::uint64_t operator()(std::uint64_t s) const noexcept {
    return table[0][s & 0xFF] ^ table[1][(s >> 8) & 0xFF] ^ table[2][(s >> 16) & 0xFF] ^ table[3][(s >> 24) & 0xFF];
  }
};

__attribute__((target("sse4.2"))) std::uint32_t by_instruction(std::uint32_t c, const unsigned char* p,
                                                               std::size_t n) noexcept {
  std::uint64_t c64 = c;
  if (n >= 3 * kLane) {
    static const Shift shift;
    for (; n >= 3 * kLane; n -= 3 * kLane, p += 3 * kLane) {
      std::uint64_t a = c64, b = 0, d = 0;
      for (std::size_t i = 0; i < kLane; i += 8) {
        std::uint64_t wa = 0, wb = 0, wd = 0;
        std::memcpy(&wa, p + i, 8);
        std::memcpy(&wb, p + kLane + i, 8);
        std::memcpy(&wd, p + 2 * kLane + i, 8);
        a = _mm_crc32_u64(a, wa);
        b = _mm_crc32_u64(b, wb);
        d = _mm_crc32_u64(d, wd);
      }
      c64 = shift(shift(a) ^ b) ^ d;
    }
  }
  c64 = by_words(c64, p, n / 8);
  p += n / 8 * 8;
  n %= 8;
  auto c32 = static_cast<std::uint32_t>(c64);
  for (; n > 0; --n, ++p) c32 = _mm_crc32_u8(c32, *p);
  return c32;
}

bool has_sse42() noexcept {
  static const bool yes = __builtin_cpu_supports("sse4.2");
  return yes;
}
#endif

}  // namespace

std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t bytes) noexcept {
  const auto* p = static_cast<const unsigned char*>(data);
  const std::uint32_t c = ~crc;
#if defined(NEWSIM_CRC32C_SSE42)
  if (has_sse42()) return ~by_instruction(c, p, bytes);
#endif
  return ~by_table(c, p, bytes);
}

std::uint32_t crc32c_by_table(std::uint32_t crc, const void* data, std::size_t bytes) noexcept {
  return ~by_table(~crc, static_cast<const unsigned char*>(data), bytes);
}

}  // namespace newsim::detail
