#include "base/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>
#endif

namespace kappa::base {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u; // reflected Castagnoli polynomial

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes.
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables makeTables()
{
    Tables t{};
    for (std::uint32_t b = 0; b < 256; ++b) {
        std::uint32_t crc = b;
        for (int i = 0; i < 8; ++i)
            crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
        t[0][b] = crc;
    }
    for (std::size_t k = 1; k < 8; ++k)
        for (std::size_t b = 0; b < 256; ++b)
            t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFFu];
    return t;
}

constexpr Tables kTables = makeTables();

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t crc32cHardware(std::uint32_t crc, const char *data,
                                                               std::size_t n)
{
    std::uint64_t c = ~crc;
    while (n >= 8) {
        std::uint64_t word;
        std::memcpy(&word, data, 8);
        c = _mm_crc32_u64(c, word);
        data += 8;
        n -= 8;
    }
    auto c32 = static_cast<std::uint32_t>(c);
    while (n-- > 0)
        c32 = _mm_crc32_u8(c32, static_cast<unsigned char>(*data++));
    return ~c32;
}

bool cpuHasSse42()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
        return false;
    return (ecx & bit_SSE4_2) != 0;
}
#endif

} // namespace

std::uint32_t crc32cPortable(std::uint32_t crc, const char *data, std::size_t n)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    std::uint32_t c = ~crc;
    while (n >= 8) {
        std::uint32_t lo;
        std::uint32_t hi;
        std::memcpy(&lo, p, 4);
        std::memcpy(&hi, p + 4, 4);
        lo ^= c;
        c = kTables[7][lo & 0xFF] ^ kTables[6][(lo >> 8) & 0xFF] ^ kTables[5][(lo >> 16) & 0xFF]
            ^ kTables[4][lo >> 24] ^ kTables[3][hi & 0xFF] ^ kTables[2][(hi >> 8) & 0xFF]
            ^ kTables[1][(hi >> 16) & 0xFF] ^ kTables[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n-- > 0)
        c = (c >> 8) ^ kTables[0][(c ^ *p++) & 0xFF];
    return ~c;
}

std::uint32_t crc32cExtend(std::uint32_t crc, const char *data, std::size_t n)
{
#if defined(__x86_64__)
    static const bool hardware = cpuHasSse42();
    if (hardware)
        return crc32cHardware(crc, data, n);
#endif
    return crc32cPortable(crc, data, n);
}

} // namespace kappa::base
