#include "base/murmur2.h"

namespace kappa::base {

std::uint32_t murmur2(std::string_view key)
{
    constexpr std::uint32_t kSeed = 0x9747b28cu;
    constexpr std::uint32_t kM = 0x5bd1e995u;
    constexpr int kR = 24;

    const auto *data = reinterpret_cast<const unsigned char *>(key.data());
    const auto length = static_cast<std::uint32_t>(key.size());
    std::uint32_t h = kSeed ^ length;

    std::size_t i = 0;
    for (; i + 4 <= key.size(); i += 4) {
        // Little-endian word, as Kafka's Java implementation reads it.
        std::uint32_t k = std::uint32_t(data[i]) | (std::uint32_t(data[i + 1]) << 8)
                          | (std::uint32_t(data[i + 2]) << 16) | (std::uint32_t(data[i + 3]) << 24);
        k *= kM;
        k ^= k >> kR;
        k *= kM;
        h *= kM;
        h ^= k;
    }
    switch (key.size() - i) {
    case 3: h ^= std::uint32_t(data[i + 2]) << 16; [[fallthrough]];
    case 2: h ^= std::uint32_t(data[i + 1]) << 8; [[fallthrough]];
    case 1:
        h ^= std::uint32_t(data[i]);
        h *= kM;
        break;
    default: break;
    }
    h ^= h >> 13;
    h *= kM;
    h ^= h >> 15;
    return h;
}

} // namespace kappa::base
