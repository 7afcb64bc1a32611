// newsim — CRC-32C (Castagnoli), the checksum of the index file's sections: the SSE4.2 crc32
// instruction where the CPU has it (chosen at run time), a table otherwise; both give the same
// value. Several GB/s, so that checking a mapped index of a million articles takes a fraction
// of a second (the model file's CRC-32 by table runs at ~0.4 GB/s).
#pragma once

#include <cstddef>
#include <cstdint>

namespace newsim::detail {

/// Continues a CRC-32C: crc32c(crc32c(0, a), b) == crc32c(0, a + b).
[[nodiscard]] std::uint32_t crc32c(std::uint32_t crc, const void* data, std::size_t bytes) noexcept;
/// The same by table only (what CPUs without SSE4.2 run; for the tests).
[[nodiscard]] std::uint32_t crc32c_by_table(std::uint32_t crc, const void* data, std::size_t bytes) noexcept;

}  // namespace newsim::detail
