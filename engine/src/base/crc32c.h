// CRC-32C (Castagnoli), the checksum of log record batches. Uses the SSE4.2
// instruction when the CPU has it and a table-driven fallback otherwise; both
// give identical results (tested).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kappa::base {

// Extends `crc` (the value returned for the preceding bytes, 0 to start) over data.
std::uint32_t crc32cExtend(std::uint32_t crc, const char *data, std::size_t n);
inline std::uint32_t crc32c(std::string_view data)
{
    return crc32cExtend(0, data.data(), data.size());
}
// The portable implementation, exposed so tests can compare it with the fast one.
std::uint32_t crc32cPortable(std::uint32_t crc, const char *data, std::size_t n);

} // namespace kappa::base
