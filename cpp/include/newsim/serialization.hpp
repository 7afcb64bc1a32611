// newsim — the model file format.
//
//   offset  size  field
//   0       8     magic "NEWSIM\x00\x1a"
//   8       4     format version (little-endian u32), currently 4 (1 to 3 still load)
//   12      8     payload length in bytes (u64)
//   20      n     payload: options, vocabulary, statistics (see serialization.cpp)
//   20+n    4     CRC-32 (IEEE) of the payload
//
// Loading never executes code; any truncation, bit flip, unknown version or foreign file throws
// FormatError with a specific message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newsim {

/// 1: options, metadata, fitted state. 2 (newsim 0.2): also the corpus statistics (TermStats),
/// from which loading recomputes the fitted state. 3: the decompound and ngram_min_df options,
/// the compound candidates' statistics and (without statistics) the compound lexicon. 4: the
/// options as keyed fields (name, type, value; see options.hpp), so that a new option needs no
/// new version: a file without it loads with the option's declared default. Every version
/// keeps loading; models are written in the current one.
inline constexpr std::uint32_t kFormatVersion = 4;

/// CRC-32 (IEEE 802.3, reflected, as zlib's crc32).
std::uint32_t crc32(std::string_view bytes) noexcept;

}  // namespace newsim
